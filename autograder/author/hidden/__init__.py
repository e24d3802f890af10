"""Hidden checks, one module per assignment (``hidden_checks()``). This package is
left out of the student copy. Inputs are drawn from generators seeded by the
course secret (``AUTOGRADER_SECRET``, or the file ``AUTOGRADER_SECRET_FILE`` names,
as in the Gradescope bundle), so students cannot know them."""

from __future__ import annotations

import hashlib
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


def rng(label: str) -> np.random.Generator:
    """A generator for one hidden check, seeded by the course secret and ``label``."""
    secret = course_secret()
    digest = hashlib.sha256(f"{secret}:{label}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))
