"""Gradescope's run: grade the notebook in ``/autograder/submission`` into
``/autograder/results/results.json`` inside the bundle ``autograder.release.gradescope``
builds (``python -m autograder gradescope-run <assignment>``)."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.course import ASSIGNMENTS
from ..core.results import NotebookResult
from ..judge.engine import Grader
from ..report import reports


def student_id(metadata: Path) -> str:
    """The student a Gradescope submission is graded for: the ``email`` of the first of the
    ``users`` in ``submission_metadata.json`` (Gradescope's documented fields are ``email``,
    ``id`` and ``name``; the email is the one a course roster shares, so it is the student id
    to use in nbgrader and the grading service too, for the same hidden inputs everywhere).
    "" when the file or the email is missing."""
    try:
        users = json.loads(metadata.read_text()).get("users") or [{}]
        return str(users[0].get("email") or "").strip()
    except (OSError, ValueError, AttributeError, IndexError):
        return ""


def run(assignment: str, root: str | Path = "/autograder") -> NotebookResult:
    """Grade the notebook in ``root/submission`` for the student ``student_id`` names and write
    ``root/results/results.json``, whose ``extra_data`` names the student and the digest of
    the hidden inputs graded with (``hidden_inputs_sha256``)."""
    root = Path(root)
    spec = ASSIGNMENTS[assignment]
    student = student_id(root / "submission_metadata.json")
    candidates = sorted((root / "submission").rglob("*.ipynb"))
    named = [p for p in candidates if p.name == spec.notebook]
    path = (named or candidates or [None])[0]
    with Grader() as grader:
        result = grader.missing(student, spec) if path is None else grader.grade(path, student, spec)
    reports.write_atomic(root / "results" / "results.json", json.dumps(result.to_json(), indent=2))
    return result
