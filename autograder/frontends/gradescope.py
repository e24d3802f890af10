"""Gradescope's run: grade the notebook in ``/autograder/submission`` into
``/autograder/results/results.json`` inside the bundle ``autograder.release.gradescope``
builds (``python -m autograder gradescope-run <assignment>``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..core import plain
from ..core.course import ASSIGNMENTS
from ..core.results import NotebookResult
from ..core.spec import Check
from ..judge.engine import Grader
from ..report import reports


def hidden_inputs_digest(checks: list[Check]) -> str:
    """SHA-256 of the hidden checks' names, arguments and keyword arguments: equal digests
    mean equal hidden inputs (the same course secret), without showing them."""
    hidden = [[c.name, list(c.args), dict(c.kwargs)] for c in checks if c.hidden]
    return hashlib.sha256(plain.dumps(plain.to_plain(hidden))).hexdigest()


def run(assignment: str, root: str | Path = "/autograder") -> NotebookResult:
    """Grade the notebook in ``root/submission`` and write ``root/results/results.json``, whose
    ``extra_data`` names the student and the digest of the hidden inputs graded with."""
    root = Path(root)
    spec = ASSIGNMENTS[assignment]
    candidates = sorted((root / "submission").rglob("*.ipynb"))
    named = [p for p in candidates if p.name == spec.notebook]
    path = (named or candidates or [None])[0]
    with Grader() as grader:
        result = grader.missing("", spec) if path is None else grader.grade(path, "", spec)
    metadata = root / "submission_metadata.json"
    student = ""
    if metadata.exists():
        users = json.loads(metadata.read_text()).get("users") or [{}]
        student = str(users[0].get("email") or users[0].get("name") or "")
    data = result.to_json()
    data["extra_data"]["student"] = student
    data["extra_data"]["hidden_inputs_sha256"] = hidden_inputs_digest(spec.checks())
    reports.write_atomic(root / "results" / "results.json", json.dumps(data, indent=2))
    return result
