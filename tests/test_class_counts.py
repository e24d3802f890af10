"""The class summary counts in whole numbers and in English that agrees with them."""

from __future__ import annotations

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
