"""Reading a submitted notebook: which code cells are the student's to run.

Test cells (nbgrader grade cells that are not answers, or any cell that imports
the grader) are never run in the sandbox: the grader calls the functions itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_TAMPERING = re.compile(r"\b(autograder|setprofile|settrace|_getframe|get_referrers|ctypes|f_locals|f_globals)\b")
_GRADER_IMPORT = re.compile(r"^\s*(from\s+autograder\b|import\s+autograder\b)", re.MULTILINE)


class NotebookError(ValueError):
    """The file is not a readable notebook."""


def load(path: str | Path) -> dict:
    """The notebook at ``path`` as a dict.

    Raises:
        NotebookError: naming the path and what is wrong with it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotebookError(f"notebook not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise NotebookError(f"cannot read notebook {path}: {err}") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotebookError(f"{path.name} is not valid notebook JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path.name} is not a notebook: it has no list of cells")
    return nb


def source_of(cell: dict) -> str:
    """A cell's source as one string (notebooks store a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def is_test_cell(cell: dict) -> bool:
    """True for the grader's test cells (never executed in the sandbox)."""
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    if meta.get("grade") and not meta.get("solution"):
        return True
    return bool(_GRADER_IMPORT.search(source_of(cell)))


def student_cells(nb: dict) -> list[tuple[int, str]]:
    """The code cells to run, as (cell index, source), test cells left out."""
    return [
        (index, source_of(cell))
        for index, cell in enumerate(nb["cells"])
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and not is_test_cell(cell)
    ]


def tampering_markers(cells: list[tuple[int, str]]) -> list[str]:
    """Names in the student's cells that only code reaching into the grader uses."""
    return sorted({m.group(1) for _, source in cells for m in _TAMPERING.finditer(source)})
