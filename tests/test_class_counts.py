"""The class summary counts in whole numbers and in English that agrees with them."""

from __future__ import annotations

import csv
import dataclasses

from autograder.core.course import ASSIGNMENTS
from autograder.judge.engine import Grader
from autograder.report import class_report, reports


def test_count_axes_have_integer_ticks_and_counts_agree_in_number(tmp_path, monkeypatch):
    assignment = ASSIGNMENTS["01_conv_basics"]
    one = [Grader(hidden=False).missing("ann", assignment)]
    figures = []

    def keep(fig) -> bytes:
        figures.append(fig)
        return b""

    monkeypatch.setattr(class_report, "_png", keep)
    class_report.distribution_png(one, assignment.name)
    ticks = figures[0].axes[0].get_yticks()
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks), ticks
    reports._histogram_png(tmp_path / "histogram.png", one)
    assert (tmp_path / "histogram.png").read_bytes().startswith(b"\x89PNG")
    assert [class_report.count(n, "student") for n in (0, 1, 2)] == ["0 students", "1 student", "2 students"]


def _class(tmp_path, scores: dict[str, dict[str, float]]):
    """A reports folder whose students earned, per assignment, the given share of every
    public check's points (each check all or nothing, the first ones first)."""
    grader = Grader(hidden=False)
    for student, shares in scores.items():
        for name, share in shares.items():
            result = grader.missing(student, ASSIGNMENTS[name])
            n = round(share * len(result.checks))
            checks = tuple(
                dataclasses.replace(c, points=c.max_points if i < n else 0.0, message="" if i < n else c.message)
                for i, c in enumerate(result.checks)
            )
            reports.write_submission(tmp_path, dataclasses.replace(result, checks=checks))
    reports.write_class_summary(tmp_path)
    return tmp_path


def test_the_optional_assignment_is_reported_apart_from_the_course_total(tmp_path):
    assert [a.name for a in ASSIGNMENTS.values() if a.optional] == ["06_backprop"]
    out = _class(tmp_path, {"ann": {"01_conv_basics": 1.0, "06_backprop": 1.0}, "ben": {"01_conv_basics": 1.0}})
    conv = sum(c.points for c in ASSIGNMENTS["01_conv_basics"].checks(hidden=False))
    backprop = sum(c.points for c in ASSIGNMENTS["06_backprop"].checks(hidden=False))
    rows = list(csv.reader((out / "grades.csv").open()))
    total = rows[0].index("total")
    assert {r[0]: float(r[total]) for r in rows[1:]} == {"ann": conv, "ben": conv}  # 06 counts in no total
    assert float(rows[1][rows[0].index("06_backprop")]) == backprop  # but is reported
    summary = (out / "summary.md").read_text()
    assert "| student | course total | 01_conv_basics | 06_backprop (optional) |" in summary
    assert f"| ann | **{conv:g}** | {conv:g} | {backprop:g} |" in summary
    assert f"| ben | **{conv:g}** | {conv:g} |  |" in summary


def test_what_an_instructor_acts_on_comes_before_the_long_tables(tmp_path):
    out = _class(tmp_path, {s: {"01_conv_basics": share} for s, share in [("ann", 1.0), ("ben", 0.5), ("cy", 0.0)]})
    summary = (out / "summary.md").read_text()
    headings = [line for line in summary.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## First: misconceptions and failing functions", "## Scores"]
    assert headings.index("## Scores") < headings.index("## Points per function")
    assert headings[-3:] == ["## Pass rate per check", "## Misconceptions: where, and who", "## Similar answers"]
    failing = summary[summary.index("### Functions not everyone") : summary.index("## Scores")]
    assert "| 01_conv_basics | `conv2d_manual` | 1/3 (33%) |" in failing  # ann alone has it all
    assert "1 students" not in summary
