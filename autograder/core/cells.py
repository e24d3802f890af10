"""Notebook cells as nbgrader marks them: every test of a cell, in one place.

A cell is a dict as saved in the ``.ipynb`` file (nbformat's ``NotebookNode`` is one
too). nbgrader keeps its marks in ``cell["metadata"]["nbgrader"]``: ``grade_id``, and
the flags ``solution`` (an answer cell), ``grade`` (worth ``points``) and ``locked``
(read-only). The tests follow ``nbgrader.utils`` (``is_grade``, ``is_solution``,
``is_locked``) on plain dicts, without importing nbgrader, which the self-check and
the grader's parent process do not need.
"""

from __future__ import annotations

TEST_PREFIX = "test_"
"""A function's test cell is ``test_<function>``; its answer cell is ``<function>``."""


def marks(cell: dict) -> dict:
    """The cell's nbgrader metadata ({} when it has none or it is malformed)."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    found = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def grade_id(cell: dict) -> str | None:
    """nbgrader's name of the cell, or None."""
    return marks(cell).get("grade_id") or None


def tags(cell: dict) -> list[str]:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    found = metadata.get("tags") if isinstance(metadata, dict) else None
    return found if isinstance(found, list) else []


def source(cell: dict) -> str:
    """The cell's source as one string (saved notebooks may hold a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def is_code(cell: dict) -> bool:
    return isinstance(cell, dict) and cell.get("cell_type") == "code"


def is_solution(cell: dict) -> bool:
    """An answer cell (the student writes it)."""
    return bool(marks(cell).get("solution"))


def is_test(cell: dict) -> bool:
    """A test cell: graded, and not an answer (the graders never run it as the student's)."""
    found = marks(cell)
    return bool(found.get("grade") and not found.get("solution"))


def is_given(cell: dict) -> bool:
    """A named cell the course gives and nbgrader puts back as released (read-only
    cells and test cells: what ``OverwriteCells`` overwrites)."""
    return bool(grade_id(cell) and (marks(cell).get("locked") or is_test(cell)))


def is_demo(cell: dict) -> bool:
    """A read-only, named cell tagged ``demo``: a demonstration graders may skip."""
    return bool("demo" in tags(cell) and marks(cell).get("locked") and grade_id(cell))


def tested_function(cell: dict) -> str | None:
    """The function a test cell ``test_<function>`` tests, or None for any other cell."""
    name = grade_id(cell) or ""
    return name[len(TEST_PREFIX) :] if is_test(cell) and name.startswith(TEST_PREFIX) else None
