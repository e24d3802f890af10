"""Writing report files so that readers never see half of one."""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection")."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def inert_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a ``'`` before it, unless the cell is a plain finite number.

    >>> inert_cell("=HYPERLINK(1)"), inert_cell("-2.5"), inert_cell("+1+1"), inert_cell("ann")
    ("'=HYPERLINK(1)", '-2.5', "'+1+1", 'ann')
    """
    text = "" if value is None else str(value)
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        if math.isfinite(float(text)) and text.strip() == text:
            return text
    except ValueError:
        pass
    return "'" + text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text (RFC 4180: lines end in CRLF, so a cell holding a line break is
    quoted), every cell through ``inert_cell``: the one way the package writes CSV."""
    buf = io.StringIO()
    csv.writer(buf).writerows([inert_cell(c) for c in row] for row in rows)
    return buf.getvalue()
