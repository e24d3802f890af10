"""Excerpts: where an image-shaped answer first differs from the expected one.

An ``Excerpt`` is a bounded 2-D window (at most ``LIMIT`` x ``LIMIT``) of one feature
map of the expected and the returned answer, around their first difference: the
batch item and channel of that difference, its rows and columns. It is what a check
result keeps so that a report can draw expected, got and their difference
(``autograder.report.pictures``) without keeping the whole answer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .compare import ATOL, RTOL, equal
from .i18n import N_, _

LIMIT = 12
"""Rows and columns an excerpt keeps at most."""

DEFAULT_LAYOUTS = {2: "HW", 3: "HWC", 4: "NHWC"}
"""Axes of an answer by its number of dimensions: H and W are the map's rows and
columns, N the batch item, C the channel (or filter)."""

LAYOUTS: dict[str, dict[int, str]] = {"channels_first": {3: "CHW", 4: "NCHW"}}
"""Functions whose answers do not follow ``DEFAULT_LAYOUTS``."""

_AXIS_NAMES = {"N": N_("item {index}"), "C": N_("channel {index}")}


def layout_of(function: str, ndim: int) -> str | None:
    """The axes of ``function``'s answer with ``ndim`` dimensions, None when it is not a map."""
    return LAYOUTS.get(function, {}).get(ndim, DEFAULT_LAYOUTS.get(ndim))


def _text(values: np.ndarray) -> tuple[str, ...]:
    """Rows of values, each as numbers separated by spaces (nan, inf and -inf as such)."""
    return tuple(" ".join(f"{v:.6g}" for v in row) for row in values.astype(np.float64))


def _rows(rows: tuple[str, ...]) -> np.ndarray:
    return np.array([[float(v) for v in row.split()] for row in rows], dtype=np.float64)


@dataclass(frozen=True)
class Excerpt:
    """A window of one feature map of the expected and the returned answer, around
    their first difference."""

    shape: tuple[int, ...]
    """The whole answer's shape."""
    layout: str
    """Its axes, e.g. "NHWC" (see ``DEFAULT_LAYOUTS``)."""
    first: tuple[int, ...]
    """Index of the first difference in the whole answer."""
    top: int
    """The window's first row in the map."""
    left: int
    """The window's first column in the map."""
    expected: tuple[str, ...]
    """The window of the expected map, one string of numbers per row."""
    got: tuple[str, ...]
    """The same window of the returned map."""
    differs: tuple[str, ...]
    """One string per row of the window, "1" where the answer differs, "0" where it agrees."""

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(expected, got, differs) of the window as arrays."""
        mask = np.array([[c == "1" for c in row] for row in self.differs], dtype=bool)
        return _rows(self.expected), _rows(self.got), mask

    @property
    def cell(self) -> tuple[int, int]:
        """(row, column) of the first difference in the map."""
        return self.first[self.layout.index("H")], self.first[self.layout.index("W")]

    @property
    def map_shape(self) -> tuple[int, int]:
        """(rows, columns) of the whole map."""
        return self.shape[self.layout.index("H")], self.shape[self.layout.index("W")]

    @property
    def where(self) -> str:
        """Which map of the answer the window shows, e.g. "item 0, channel 2"; "" for a 2-D answer."""
        names = (_(_AXIS_NAMES[a]).format(index=i) for a, i in zip(self.layout, self.first) if a in _AXIS_NAMES)
        return ", ".join(names)

    @classmethod
    def from_dict(cls, data: dict) -> Excerpt:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def tolerance(compare) -> tuple[float, float]:
    """(atol, rtol) with which ``compare`` tells a value from the expected one."""
    if compare is equal:
        return 0.0, 0.0
    keywords = getattr(compare, "keywords", {}) if isinstance(compare, functools.partial) else {}
    return keywords.get("atol", ATOL), keywords.get("rtol", RTOL)


def _window(size: int, at: int) -> slice:
    start = min(max(at - LIMIT // 2, 0), max(size - LIMIT, 0))
    return slice(start, min(start + LIMIT, size))


def excerpt(expected: Any, got: Any, function: str, compare=None) -> Excerpt | None:
    """The excerpt of an image-shaped answer that differs from the expected one; None
    when either is not an array of numbers, their shapes differ, the answer is not a
    map of at least 2 x 2 (see ``layout_of``) or no value differs."""
    if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)):
        return None
    if expected.shape != got.shape or expected.dtype.kind not in "iuf" or got.dtype.kind not in "biuf":
        return None
    layout = layout_of(function, expected.ndim)
    if layout is None or min(expected.shape[layout.index("H")], expected.shape[layout.index("W")]) < 2:
        return None
    exp, act = expected.astype(np.float64), got.astype(np.float64)
    atol, rtol = tolerance(compare)
    finite = np.abs(exp[np.isfinite(exp)])
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(act - exp) <= atol * scale + rtol * np.abs(exp))
    bad &= ~((exp == act) | (np.isnan(exp) & np.isnan(act)))  # the same infinity, or nan for nan
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    h, w = layout.index("H"), layout.index("W")
    index: list[Any] = [i if a not in "HW" else slice(None) for a, i in zip(layout, first)]
    index[h], index[w] = _window(exp.shape[h], first[h]), _window(exp.shape[w], first[w])
    take = tuple(index)

    def window(values: np.ndarray) -> np.ndarray:
        part = values[take]
        return part if h < w else part.T  # rows first

    mask = window(bad)
    return Excerpt(
        shape=tuple(int(n) for n in expected.shape),
        layout=layout,
        first=first,
        top=index[h].start,
        left=index[w].start,
        expected=_text(window(exp)),
        got=_text(window(act)),
        differs=tuple("".join("1" if v else "0" for v in row) for row in mask),
    )
