"""Gradescope: build an autograder bundle (its run is ``autograder.frontends.gradescope``).

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

import os
import zipfile
from pathlib import Path

from ..author.hidden import DEFAULT_SECRET
from ..core.course import ASSIGNMENTS

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
