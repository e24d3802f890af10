"""Scoring: from references and call outcomes to check results with feedback.

Runs only in a trusted process. A reference is ``{"expected": ..., "alternates":
{misconception id: ...}}``; an outcome is what ``autograder.execute.calls.call`` returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..author.public.answers import frozen
from ..core import compare as comparators
from ..core.excerpts import excerpt
from ..core.plain import describe, to_plain
from ..core.results import CheckResult
from ..core.spec import Check
from ..execute.sandbox import CallOutcome
from .misconceptions import diagnose, explain


def compute_reference(check: Check) -> dict:
    """The expected answer and the simulated mistakes of one check (uses Keras), or
    their precomputed values in the student copy."""
    if check.name in frozen():
        return frozen()[check.name]
    return {
        "expected": to_plain(check.reference(*check.args, **check.kwargs)),
        "alternates": {mid: to_plain(sim(*check.args, **check.kwargs)) for mid, sim in check.mistakes.items()},
    }


def compute_references(checks: list[Check]) -> list[dict]:
    """``compute_reference`` for each check, quietly (TensorFlow logs silenced)."""
    import warnings

    from ..core.quiet import quiet_tensorflow

    quiet_tensorflow()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [compute_reference(c) for c in checks]


def _argument(value: Any) -> str:
    if isinstance(value, np.ndarray):
        flags = "" if value.flags.writeable else ", read-only"
        return f"array {value.shape} {value.dtype}{flags}"
    return repr(value)


def call_text(check: Check) -> str:
    """How the function was called, with argument shapes and dtypes."""
    parts = [_argument(a) for a in check.args]
    parts += [f"{k}={_argument(v)}" for k, v in check.kwargs.items()]
    readonly = " (array arguments read-only)" if check.readonly else ""
    if check.adapter:
        return f"{check.function}, built and inspected by the grader ({check.adapter} with {', '.join(parts)})"
    return f"{check.function}({', '.join(parts)}){readonly}"


NUMPY_ONLY = "must compute with NumPy only"
"""Part of the error a NumPy-only function gets when it reaches for a forbidden library."""


def _verdict(check: Check, reference: dict, outcome: CallOutcome) -> tuple[str, tuple[str, ...]]:
    """('' , ()) when the answer is right, else (feedback, misconception ids)."""
    called = f"Called {call_text(check)}."
    if outcome.error:
        mids = ("input-mutated",) if "read-only" in outcome.error else ()
        if check.manual and NUMPY_ONLY in outcome.error:
            mids = ("forbidden-library-call",)
        return f"{called}\n{outcome.error}", mids
    expected, value = reference["expected"], outcome.value
    reason = (check.compare or comparators.allclose)(expected, value)
    if reason is None and not outcome.mutated:
        return "", ()
    if reason is None:
        return f"{called}\nThe answer is right, but the function changed its input arrays.", ("input-mutated",)
    mids = tuple(diagnose(expected, value, reference.get("alternates", {}), check.compare))
    if outcome.mutated:
        mids += ("input-mutated",)
    lines = [called, f"Got:      {describe(value)}", f"Expected: {describe(expected)}", reason]
    return "\n".join(lines), mids


def score(checks: list[Check], references: list[dict], outcomes: list[CallOutcome]) -> tuple[CheckResult, ...]:
    """Check results, in order: each decided by the value its own call returned. A
    NumPy-only function that reached for a forbidden library in any of its calls
    earns nothing on all of them."""
    forbidden = {c.function for c, o in zip(checks, outcomes) if c.manual and NUMPY_ONLY in (o.error or "")}
    results = []
    for check, reference, outcome in zip(checks, references, outcomes):
        message, mids = _verdict(check, reference, outcome)
        if check.function in forbidden and "forbidden-library-call" not in mids:
            used = "a library other than NumPy in another of its calls; it must compute with NumPy only"
            message = f"{check.function} used {used}, so it earns no credit.\n{message}".rstrip()
            mids = ("forbidden-library-call",) + mids
        if mids:
            message += "\n" + "\n".join(explain(m) for m in dict.fromkeys(mids))
        earned = 0.0 if message else check.points
        results.append(
            CheckResult(
                name=check.name,
                function=check.function,
                description=check.description,
                points=earned,
                max_points=check.points,
                hidden=check.hidden,
                message=message,
                misconceptions=tuple(dict.fromkeys(mids)),
                excerpt=excerpt(reference["expected"], outcome.value, check.function, check.compare)
                if message and check.adapter is None
                else None,
            )
        )
    return tuple(results)
