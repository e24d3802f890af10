"""Gradescope: build an autograder bundle, and grade inside it.

The bundle is a zip that Gradescope unpacks into ``/autograder/source``: ``setup.sh``
(installs this package), ``run_autograder`` (grades ``/autograder/submission`` into
``/autograder/results/results.json``), this package with its hidden checks, the
project metadata and the course secret (``course_secret``), so that the hidden inputs
are the batch grader's for the same student (``student_id``). The grader runs as root there; ``setup.sh`` leaves the secret
readable by root only, and the package and results folder writable by root only, and
makes sure the unprivileged user the sandbox runs student code as (``nobody``) exists.
The secret reaches the grader as a file (``AUTOGRADER_SECRET_FILE``), never as an
environment variable a child process could inherit.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from ..author.hidden import DEFAULT_SECRET
from ..core.course import ASSIGNMENTS
from ..core.results import NotebookResult, all_failed
from ..judge.engine import Grader
from ..report import reports

PROJECT = Path(__file__).resolve().parent.parent.parent

SECRET_FILE = "course_secret"
"""The course secret's file in the bundle (and in ``/autograder/source``)."""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image set-up (as root): install the grader and its pinned dependencies;
# the course secret readable by root only; the package and the results folder
# writable by root only; the unprivileged user the sandbox runs student code as.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m pip install --upgrade pip
python3 -m pip install /autograder/source
id -u nobody >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin nobody
chown -R root:root /autograder/source
chmod -R go-w /autograder/source
chmod 600 /autograder/source/course_secret
mkdir -p /autograder/results
chown root:root /autograder/results
chmod 755 /autograder/results
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grade the submission; everything is written to results/results.json.
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$root/source"
unset AUTOGRADER_SECRET
export AUTOGRADER_SECRET_FILE="$root/source/{secret_file}"
exec python3 -m autograder gradescope-run {assignment} --root "$root"
"""


def _course_secret(allow_default_secret: bool) -> str:
    """``AUTOGRADER_SECRET``, refusing an unset or default one unless allowed.

    Raises:
        ValueError: naming AUTOGRADER_SECRET when it is unset or the default.
    """
    secret = os.environ.get("AUTOGRADER_SECRET", "")
    if allow_default_secret and secret in ("", DEFAULT_SECRET):
        return DEFAULT_SECRET
    if not secret:
        raise ValueError(
            "AUTOGRADER_SECRET is not set: the bundle must grade with the course secret the batch grader uses "
            "(set it, or pass --allow-default-secret to use the public default)"
        )
    if secret == DEFAULT_SECRET:
        raise ValueError(
            "AUTOGRADER_SECRET is the public default, so students could compute the hidden inputs "
            "(set a private value, or pass --allow-default-secret)"
        )
    return secret


def bundle(assignment: str, out: str | Path, allow_default_secret: bool = False) -> Path:
    """Write the Gradescope zip for ``assignment`` to ``out`` and return its path. The zip
    holds the course secret (``AUTOGRADER_SECRET``); keep it as private as the secret.

    Raises:
        ValueError: naming the assignment when the course has no such assignment, and
            naming AUTOGRADER_SECRET when it is unset or the default (unless
            ``allow_default_secret``).
    """
    if assignment not in ASSIGNMENTS:
        raise ValueError(
            f"Unknown assignment. Expected one of {sorted(ASSIGNMENTS)}. Received: assignment={assignment!r}"
        )
    secret = _course_secret(allow_default_secret)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run = RUN_AUTOGRADER.format(assignment=assignment, secret_file=SECRET_FILE)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text, mode in [
            ("setup.sh", SETUP_SH, 0o755),
            ("run_autograder", run, 0o755),
            (SECRET_FILE, secret, 0o600),
        ]:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            z.writestr(info, text)
        for path in sorted(p for p in (PROJECT / "autograder").rglob("*") if p.suffix in (".py", ".mo")):
            z.write(path, str(path.relative_to(PROJECT)))
        for name in ("pyproject.toml", "README.md"):
            z.write(PROJECT / name, name)
    return out


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
    if path is None:
        reason = f"No notebook was submitted (expected {spec.notebook})."
        result = NotebookResult(student, assignment, all_failed(spec.checks(), reason), notes=(reason,))
    else:
        with Grader() as grader:
            result = grader.grade(path, student, spec)
    reports.write_atomic(root / "results" / "results.json", json.dumps(result.to_json(), indent=2))
    return result
