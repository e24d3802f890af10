"""Synthetic submissions, made from the release and source notebooks: a student
who solved everything, one who made a given mistake, one who handed in the stubs.
Used by the sample class, the tests and the benchmark (instructor copy only)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from autograder.core import cells
from autograder.core.course import Assignment

PROJECT = Path(__file__).resolve().parent.parent
_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def release(assignment: Assignment) -> dict:
    """The release notebook students receive."""
    return json.loads((PROJECT / "assignments" / assignment.name / assignment.notebook).read_text())


def answers(assignment: Assignment) -> dict[str, str]:
    """Answer-cell grade_id -> the solution code as a student would hand it in."""
    source = json.loads((PROJECT / "solutions" / assignment.name / assignment.notebook).read_text())
    found = {}
    for cell in source["cells"]:
        if cells.is_solution(cell) and cells.is_code(cell):
            lines = [line for line in cells.source(cell).splitlines() if line.strip() not in _MARKERS]
            found[cells.grade_id(cell)] = "\n".join(lines)
    return found


def fill(nb: dict, sources: dict[str, str]) -> dict:
    """A copy of ``nb`` whose answer cells (by grade_id) hold ``sources``."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cells.grade_id(cell) in sources:
            cell["source"] = sources[cells.grade_id(cell)]
    return nb


def solved(assignment: Assignment, replace: dict[str, str] | None = None) -> dict:
    """The release notebook with every answer filled in, except ``replace``d ones."""
    return fill(release(assignment), {**answers(assignment), **(replace or {})})


def write(nb: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path
