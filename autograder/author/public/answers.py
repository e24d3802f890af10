"""Handles on the answer keys, and the answers frozen for the student copy.

Every function that computes a student function's answer, or a close variant of
it (Keras references, simulated mistakes, padding and window geometry), lives in
``autograder.author.keys``, which the student copy leaves out. The check modules that
ship name them with ``answer("<module>.<function>")``: a picklable handle that
imports the key only when it is called, in a trusted process of the instructor's
copy. The student copy instead carries every public check's reference precomputed,
and the few public inputs that are themselves computed from an answer (``derived``),
in ``FROZEN`` (written by ``autograder.release.student_copy``), so no key runs there.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...core import plain
from ...core.outcomes import Reference

KEYS = "autograder.author.keys"
FROZEN = Path(__file__).with_name("frozen_references.bin")
"""{"references": {check name: ``Reference.to_plain()``}, "inputs": {check
name: derived input}, "hidden_points": {function: points of its hidden checks}}; present in
the student copy only."""

_derived: dict[str, tuple[bytes, Any]] = {}
"""Check name -> (its arguments as plain bytes, the input derived from them)."""


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    return importlib.import_module(KEYS).resolve(name)(*args, **kwargs)


def answer(key: str | Callable) -> functools.partial:
    """A picklable callable that runs an answer key registered in ``autograder.author.keys``
    (with its ``@key`` decorator): the key itself (in instructor-only modules) or its name
    "<module>.<function>" (in the modules that ship, which cannot import the keys). The
    name is resolved when the handle is called; ``tests/test_keys.py`` resolves every
    check's handles.
    """
    if callable(key):
        module, name = getattr(key, "__module__", ""), getattr(key, "__name__", "")
        if not module.startswith(KEYS + "."):
            raise ValueError(f"Expected a function of {KEYS}. Received: key={key!r}")
        key = f"{module.rsplit('.', 1)[-1]}.{name}"
    if not isinstance(key, str) or key.count(".") != 1:
        raise ValueError(f"Expected a key name 'module.function'. Received: key={key!r}")
    return functools.partial(_call, key)


def key_name(handle: Callable) -> str | None:
    """The key name an ``answer`` handle runs (through ``functools.partial`` layers), or None."""
    while isinstance(handle, functools.partial):
        if handle.func is _call:
            return handle.args[0]
        handle = handle.func
    return None


@functools.cache
def _frozen() -> dict[str, dict]:
    return plain.loads(FROZEN.read_bytes()) if FROZEN.exists() else {"references": {}, "inputs": {}}


@functools.cache
def frozen() -> dict[str, Reference]:
    """The precomputed public references, or {} in the instructor's copy."""
    return {name: Reference.from_plain(r) for name, r in _frozen()["references"].items()}


def frozen_hidden_points() -> dict[str, float]:
    """Function -> points of its hidden checks, as the student copy froze them ({} elsewhere):
    what the copy's totals say is still to come, without the hidden checks themselves."""
    return _frozen().get("hidden_points", {})


def derived(check: str, name: str, *args: Any) -> Any:
    """An input of ``check`` computed from an answer (e.g. learn_kernel's targets, the
    images correlated with the kernel to be found): ``answer(name)(*args)`` in the
    instructor's copy, its frozen value in the student copy.

    Raises:
        KeyError: naming the check, in the student copy, for a check without a frozen input.
    """
    inputs = _frozen()["inputs"]
    if FROZEN.exists():
        if check not in inputs:
            raise KeyError(f"No frozen input for this check in the student copy. Received: check={check!r}")
        return inputs[check]
    drawn = plain.dumps(plain.to_plain(list(args)))  # a hidden check's inputs differ from student to student
    if check not in _derived or _derived[check][0] != drawn:
        _derived[check] = (drawn, answer(name)(*args))
    return _derived[check][1]


def derived_inputs(checks: list[str]) -> dict[str, Any]:
    """The derived inputs computed so far for the named checks (what the student copy freezes)."""
    return {name: _derived[name][1] for name in checks if name in _derived}
