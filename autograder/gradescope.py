"""Gradescope: build an autograder bundle, and grade inside it.

The bundle is a zip that Gradescope unpacks into ``/autograder/source``: ``setup.sh``
(installs this package), ``run_autograder`` (grades ``/autograder/submission`` into
``/autograder/results/results.json``), this package with its hidden checks, and the
project metadata.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from . import reports
from .course import ASSIGNMENTS
from .engine import Grader
from .results import NotebookResult, all_failed

PROJECT = Path(__file__).resolve().parent.parent

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image set-up: install the grader and its pinned dependencies.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m pip install --upgrade pip
python3 -m pip install /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grade the submission; everything is written to results/results.json.
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$root/source"
exec python3 -m autograder gradescope-run {assignment} --root "$root"
"""


def bundle(assignment: str, out: str | Path) -> Path:
    """Write the Gradescope zip for ``assignment`` to ``out`` and return its path.

    Raises:
        ValueError: naming the assignment when the course has no such assignment.
    """
    if assignment not in ASSIGNMENTS:
        raise ValueError(
            f"Unknown assignment. Expected one of {sorted(ASSIGNMENTS)}. Received: assignment={assignment!r}"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER.format(assignment=assignment))]:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            z.writestr(info, text)
        for path in sorted((PROJECT / "autograder").rglob("*.py")):
            z.write(path, str(path.relative_to(PROJECT)))
        for name in ("pyproject.toml", "README.md"):
            z.write(PROJECT / name, name)
    return out


def run(assignment: str, root: str | Path = "/autograder") -> NotebookResult:
    """Grade the notebook in ``root/submission`` and write ``root/results/results.json``."""
    root = Path(root)
    spec = ASSIGNMENTS[assignment]
    candidates = sorted((root / "submission").rglob("*.ipynb"))
    named = [p for p in candidates if p.name == spec.notebook]
    path = (named or candidates or [None])[0]
    if path is None:
        reason = f"No notebook was submitted (expected {spec.notebook})."
        result = NotebookResult("", assignment, all_failed(spec.checks(), reason), notes=(reason,))
    else:
        with Grader() as grader:
            result = grader.grade(path, "", spec)
    metadata = root / "submission_metadata.json"
    student = ""
    if metadata.exists():
        users = json.loads(metadata.read_text()).get("users") or [{}]
        student = str(users[0].get("email") or users[0].get("name") or "")
    data = reports.to_json(result)
    data["extra_data"]["student"] = student
    reports.write_atomic(root / "results" / "results.json", json.dumps(data, indent=2))
    return result
