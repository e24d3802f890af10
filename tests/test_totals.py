"""Totals never pass off the visible checks as the whole: every front end says what the
visible checks gave and what the hidden ones are worth, and the two add up to the
points of the function's nbgrader test cell. (The student copy's side, which knows the
hidden points only as frozen data, is tested with the copy in test_distribution.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.core.results import CheckResult
from autograder.release import student_copy
from autograder.report.report_text import format_function_report, format_points

ROOT = Path(__file__).resolve().parent.parent


def cell_points(assignment) -> dict[str, float]:
    """Function -> the points of its test cell in the source notebook (nbgrader metadata)."""
    nb = json.loads((ROOT / "solutions" / assignment.name / assignment.notebook).read_text())
    found = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta["grade_id"].startswith("test_"):
            found[meta["grade_id"][len("test_") :]] = meta["points"]
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS.values(), ids=lambda a: a.name)
def test_visible_and_hidden_points_add_up_to_each_test_cell(assignment):
    cells = cell_points(assignment)
    assert set(cells) == set(assignment.functions)
    for function in assignment.functions:
        visible, hidden = assignment.points(function, hidden=False), assignment.hidden_points(function)
        assert visible > 0, function
        assert visible + hidden == cells[function], (function, visible, hidden, cells[function])
        assert hidden == sum(c.points for c in assignment.checks(hidden=True) if c.hidden and c.function == function)


def test_the_student_copy_freezes_every_functions_hidden_points():
    frozen = student_copy.hidden_points()
    assert frozen == {f: a.hidden_points(f) for a in ASSIGNMENTS.values() for f in a.functions}
    assert all(isinstance(v, float) for v in frozen.values())


def test_the_student_readme_gives_each_assignments_visible_and_hidden_points():
    rows = student_copy.points_table().strip().splitlines()[2:]
    assert len(rows) == len(ASSIGNMENTS)
    for row, assignment in zip(rows, ASSIGNMENTS.values()):
        name, visible, hidden, total = (cell.strip(" `") for cell in row.strip("|").split("|"))
        assert name == assignment.name
        assert float(visible) + float(hidden) == float(total) == sum(cell_points(assignment).values())


def test_check_names_are_unique_across_public_and_hidden_checks():
    names = [c.name for a in ASSIGNMENTS.values() for c in a.checks(hidden=True)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def result(name: str, points: float, hidden: bool = False, top: float = 1.0) -> CheckResult:
    return CheckResult(name, "conv2d_manual", "a check", points, top, hidden)


def test_visible_points_alone_say_what_the_hidden_checks_are_worth():
    visible = [result("test_a", 1.0), result("test_b", 0.0)]
    assert format_points(visible, 3.0) == (
        "visible: 1 / 2 points; hidden checks worth 3 more points run when the course grades"
    )
    assert format_points(visible, 1.0).endswith("worth 1 more point run when the course grades")
    assert format_points(visible, 0.0) == "1 / 2 points (no hidden checks)"
    assert format_points(visible) == "1 / 2 points"


def test_when_hidden_checks_ran_the_total_is_split_into_visible_and_hidden():
    ran = [result("test_a", 1.0), result("test_b", 0.0), result("test_h", 2.0, hidden=True, top=2.0)]
    expected = "3 / 4 points (visible: 1 / 2; hidden: 2 / 2)"
    assert format_points(ran, 2.0) == format_points(ran) == expected
    report = format_function_report("conv2d_manual", ran, hidden_points=2.0)
    assert report.splitlines()[0] == f"conv2d_manual: {expected}"
