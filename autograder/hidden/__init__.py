"""Hidden checks, one module per assignment (``hidden_checks()``). This package is
left out of the student copy. Inputs are drawn from generators seeded by the
course secret (``AUTOGRADER_SECRET``), so students cannot know them."""

from __future__ import annotations

import hashlib
import os

import numpy as np

DEFAULT_SECRET = "cnn-course: set AUTOGRADER_SECRET to a private value for your term"


def rng(label: str) -> np.random.Generator:
    """A generator for one hidden check, seeded by the course secret and ``label``."""
    secret = os.environ.get("AUTOGRADER_SECRET", DEFAULT_SECRET)
    digest = hashlib.sha256(f"{secret}:{label}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))
