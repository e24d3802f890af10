"""Hidden checks, one module per assignment (``hidden_checks(student)``). This package is
left out of the student copy. Inputs are drawn from generators seeded by the
course secret (``AUTOGRADER_SECRET``, or the file ``AUTOGRADER_SECRET_FILE`` names,
as in the Gradescope bundle) and the student id together (``rng``), so students cannot
know them, and the inputs one student sees once hidden results are published are no
other student's."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

DEFAULT_SECRET = "cnn-course: set AUTOGRADER_SECRET to a private value for your term"


def course_secret() -> str:
    """``AUTOGRADER_SECRET``; else the contents (stripped) of the file ``AUTOGRADER_SECRET_FILE``
    names; else ``DEFAULT_SECRET``."""
    if "AUTOGRADER_SECRET" in os.environ:
        return os.environ["AUTOGRADER_SECRET"]
    if "AUTOGRADER_SECRET_FILE" in os.environ:
        return Path(os.environ["AUTOGRADER_SECRET_FILE"]).read_text().strip()
    return DEFAULT_SECRET


def rng(label: str, student: str) -> np.random.Generator:
    """A generator for one group of hidden checks, seeded by the course secret, the student
    id and ``label``: the one place that decides what hidden inputs a student gets.

    ``student`` is the id every front end grades under (the batch grader's submission folder,
    nbgrader's student id, the grading service's authenticated student, Gradescope's
    ``users[0].email``), as given: the same id draws the same inputs on every front end and
    in every run. "" (no student known: a notebook graded on its own, the self-check) draws
    the course-wide inputs."""
    material = json.dumps([course_secret(), student, label]).encode()
    digest = hashlib.sha256(material).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))
