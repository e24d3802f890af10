"""Answers used as references, and references frozen for the student copy.

Some references are answers to the exercises themselves (the seed 003 network,
an exact kernel solver). Checks name them with ``answer(name)``; the code lives in
``autograder.hidden.answers``, which the student copy leaves out. The student copy
instead carries every public check's reference precomputed (``FROZEN``, written by
``autograder.student_copy``), so no reference code runs there.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Any

from . import plain

FROZEN = Path(__file__).with_name("frozen_references.bin")
"""Check name -> {"expected": ..., "alternates": {...}}; present in the student copy only."""


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(importlib.import_module("autograder.hidden.answers"), name)(*args, **kwargs)


def answer(name: str) -> functools.partial:
    """A picklable callable that runs ``autograder.hidden.answers.<name>``."""
    return functools.partial(_call, name)


@functools.cache
def frozen() -> dict[str, dict]:
    """The precomputed public references, or {} in the instructor's copy."""
    return plain.loads(FROZEN.read_bytes()) if FROZEN.exists() else {}
