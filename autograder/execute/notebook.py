"""Reading a submitted notebook: which code cells are the student's to run.

Test cells (nbgrader grade cells that are not answers) are never run in the
sandbox: the grader calls the functions itself. In the student's other cells,
lines that import the grader, re-run its ``check()`` or call ``submit()`` (the grading
service's, ``answer = submit()`` too) become ``pass`` (the grader does not exist in the
sandbox); the rest of the cell runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core import cells, intake

_GRADER_LINE = re.compile(
    r"""^(\s*)(from\s+autograder\b.*|import\s+autograder\b.*|check\(\s*["'].*\)|([A-Za-z_]\w*\s*=\s*)?submit\(.*\))\s*$"""
)


class NotebookError(ValueError):
    """The file is not a readable notebook; ``refusal`` when it breaks a rule of
    ``autograder.core.intake`` (a link, too large, nested too deeply)."""

    def __init__(self, message: str, refusal: intake.Refusal | None = None):
        super().__init__(message)
        self.refusal = refusal


def load(path: str | Path) -> dict:
    """The notebook at ``path`` as a dict, read as ``autograder.core.intake`` reads a
    submitted file (no link followed, size and nesting limited).

    Raises:
        NotebookError: naming the path and what is wrong with it.
    """
    path = Path(path)
    try:
        text = intake.read_bytes(path).decode("utf-8")
    except intake.RefusedFile as err:
        raise NotebookError(str(err), err.refusal) from None
    except FileNotFoundError:
        raise NotebookError(f"notebook not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise NotebookError(f"cannot read notebook {path}: {err}") from None
    return parse(text, path.name)


def parse(text: str, name: str) -> dict:
    """The notebook in ``text`` (the file ``name``) as a dict.

    Raises:
        NotebookError: naming the file and what is wrong with it.
    """
    if len(text) > intake.MAX_NOTEBOOK_BYTES:
        refusal = intake.Refusal(intake.RefusalKind.TOO_LARGE, name)
        raise NotebookError(refusal.message(), refusal)
    if intake.nesting(text) > intake.MAX_NESTING:
        refusal = intake.Refusal(intake.RefusalKind.TOO_DEEP, name)
        raise NotebookError(refusal.message(), refusal)
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotebookError(f"{name} is not valid notebook JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{name} is not a notebook: it has no list of cells")
    return nb


def without_grader_lines(source: str) -> str:
    """``source`` with each line that imports the grader, calls ``check(...)`` or
    ``submit(...)`` replaced by ``pass`` at the same indent (so blocks stay valid)."""
    return "\n".join(_GRADER_LINE.sub(r"\1pass", line) for line in source.split("\n"))


def _code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if cells.is_code(c)]


def demo_cells(release: dict) -> dict[str, str]:
    """Demonstrations in a release notebook: grade_id -> source of each locked cell
    tagged ``demo``. Graders need not run them (nothing later may depend on them)."""
    return {cells.grade_id(cell): cells.source(cell) for _, cell in _code_cells(release) if cells.is_demo(cell)}


def _is_demo(cell: dict, demos: dict[str, str]) -> bool:
    grade_id = cells.grade_id(cell)
    return grade_id in demos and cells.source(cell) == demos[grade_id]


def student_cells(nb: dict, demos: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """The code cells to run, as (cell index, source): test cells left out, and the
    release's ``demos`` where the submission still has them word for word."""
    return [
        (index, without_grader_lines(cells.source(cell)))
        for index, cell in _code_cells(nb)
        if not cells.is_test(cell) and not _is_demo(cell, demos or {})
    ]


def code_cell_numbers(nb: dict) -> dict[int, tuple[int, int]]:
    """Cell index -> (its number among the code cells, counting from 1, the number
    of code cells), as a student counts the cells they see."""
    code = _code_cells(nb)
    return {index: (number, len(code)) for number, (index, _) in enumerate(code, start=1)}
