"""Comparators: ``compare(expected, actual)`` -> None when they agree, else a reason.

Both sides are plain data (see ``autograder.core.plain``). Arrays agree within float32
tolerance scaled to the data: ``|a - e| <= atol * scale + rtol * |e|`` with
``scale = max(1, max |e|)``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .plain import describe

ATOL = 1e-5
RTOL = 1e-4


def _first_difference(expected: np.ndarray, actual: np.ndarray, bad: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f"[{', '.join(map(str, index))}]" if index else ""
    return (
        f"first difference at {where or 'the value'}: "
        f"expected {expected[index]:.6g}, got {actual[index]:.6g} "
        f"({int(bad.sum())} of {bad.size} values differ)"
    )


def allclose(expected: Any, actual: Any, atol: float = ATOL, rtol: float = RTOL) -> str | None:
    """Arrays (or numbers) equal within tolerance; shapes must match exactly."""
    exp = np.asarray(expected, dtype=np.float64)
    try:
        act = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected {describe(np.asarray(expected))}, got {describe(actual)}"
    if isinstance(actual, (list, dict, str)) or actual is None:
        return f"expected an array of shape {exp.shape}, got {describe(actual)}"
    if act.shape != exp.shape:
        return f"expected shape {exp.shape}, got shape {act.shape}"
    scale = max(1.0, float(np.max(np.abs(exp)))) if exp.size else 1.0
    bad = ~(np.abs(act - exp) <= atol * scale + rtol * np.abs(exp))
    if not bad.any():
        return None
    return _first_difference(exp, act, bad)


def within(tolerance: float):
    """A comparator: every entry within ``tolerance`` of the expected one."""
    return functools.partial(allclose, atol=tolerance, rtol=0.0)


def equal(expected: Any, actual: Any) -> str | None:
    """Exact equality of plain data, numbers compared by value (np.int64(3) == 3)."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        return allclose(expected, actual, atol=0.0, rtol=0.0)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"expected {describe(expected)}, got {describe(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            reason = equal(e, a)
            if reason:
                return f"expected {describe(expected)}, got {describe(actual)} (item {i} differs)"
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return f"expected {describe(expected)}, got {describe(actual)}"
        for key in expected:
            reason = equal(expected[key], actual[key])
            if reason:
                return f"key {key!r}: {reason}"
        return None
    number = (int, float, np.integer, np.floating)
    if isinstance(expected, (bool, np.bool_)) or isinstance(actual, (bool, np.bool_)):
        ok = isinstance(expected, (bool, np.bool_)) and isinstance(actual, (bool, np.bool_)) and expected == actual
    elif isinstance(expected, number) and isinstance(actual, number):
        ok = expected == actual
    else:
        ok = type(expected) is type(actual) and expected == actual
    return None if ok else f"expected {describe(expected)}, got {describe(actual)}"
