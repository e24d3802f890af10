"""Comparators: ``compare(expected, actual)`` -> None when they agree, else a reason.

Both sides are plain data (see ``autograder.core.plain``). Arrays agree within float32
tolerance scaled to the data: ``|a - e| <= atol * scale + rtol * |e|`` with
``scale = max(1, max |e|)``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .i18n import _
from .plain import describe

ATOL = 1e-5
RTOL = 1e-4


def _first_difference(expected: np.ndarray, actual: np.ndarray, bad: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f"[{', '.join(map(str, index))}]" if index else _("the value")
    return _("first difference at {where}: expected {expected}, got {actual} ({bad} of {size} values differ)").format(
        where=where, expected=f"{expected[index]:.6g}", actual=f"{actual[index]:.6g}", bad=int(bad.sum()), size=bad.size
    )


def allclose(expected: Any, actual: Any, atol: float = ATOL, rtol: float = RTOL) -> str | None:
    """Arrays (or numbers) equal within tolerance; shapes must match exactly."""
    exp = np.asarray(expected, dtype=np.float64)
    try:
        act = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return _("expected {expected}, got {actual}").format(
            expected=describe(np.asarray(expected)), actual=describe(actual)
        )
    if isinstance(actual, (list, dict, str)) or actual is None:
        return _("expected an array of shape {shape}, got {actual}").format(shape=exp.shape, actual=describe(actual))
    if act.shape != exp.shape:
        return _("expected shape {expected}, got shape {actual}").format(expected=exp.shape, actual=act.shape)
    finite = np.isfinite(exp)
    scale = max(1.0, float(np.max(np.abs(exp[finite])))) if finite.any() else 1.0
    with np.errstate(invalid="ignore"):  # inf - inf: an infinity matches only itself, below
        close = np.abs(act - exp) <= atol * scale + rtol * np.abs(exp)
    bad = ~((finite & close) | (np.isinf(exp) & (act == exp)))
    if not bad.any():
        return None
    return _first_difference(exp, act, bad)


def values_close(expected: Any, actual: Any) -> str | None:
    """``allclose``, where the answer may also be written as (nested) lists of numbers, as a
    hand-written prediction is."""
    if isinstance(actual, list):
        try:
            actual = np.asarray(actual, dtype=np.float64)
        except (TypeError, ValueError):
            return _("expected {expected}, got {actual}").format(
                expected=describe(np.asarray(expected)), actual=describe(actual)
            )
    return allclose(expected, actual)


def within(tolerance: float):
    """A comparator: every entry within ``tolerance`` of the expected one."""
    return functools.partial(allclose, atol=tolerance, rtol=0.0)


def equal(expected: Any, actual: Any) -> str | None:
    """Exact equality of plain data, numbers compared by value (np.int64(3) == 3)."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        return allclose(expected, actual, atol=0.0, rtol=0.0)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return _("expected {expected}, got {actual}").format(expected=describe(expected), actual=describe(actual))
        for i, (e, a) in enumerate(zip(expected, actual)):
            reason = equal(e, a)
            if reason:
                return _("expected {expected}, got {actual} (item {i} differs)").format(
                    expected=describe(expected), actual=describe(actual), i=i
                )
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return _("expected {expected}, got {actual}").format(expected=describe(expected), actual=describe(actual))
        for key in expected:
            reason = equal(expected[key], actual[key])
            if reason:
                return _("key {key}: {reason}").format(key=repr(key), reason=reason)
        return None
    number = (int, float, np.integer, np.floating)
    if isinstance(expected, (bool, np.bool_)) or isinstance(actual, (bool, np.bool_)):
        ok = isinstance(expected, (bool, np.bool_)) and isinstance(actual, (bool, np.bool_)) and expected == actual
    elif isinstance(expected, number) and isinstance(actual, number):
        ok = expected == actual
    else:
        ok = type(expected) is type(actual) and expected == actual
    return (
        None
        if ok
        else _("expected {expected}, got {actual}").format(expected=describe(expected), actual=describe(actual))
    )
