"""Results: one per check, one per notebook, and their exports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import i18n
from .excerpts import Excerpt
from .i18n import _
from .outcomes import CellRun


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one check."""

    name: str
    """Check name, ``test_<function>_<property>``."""
    function: str
    """Student function the check called."""
    description: str
    """What the check called and expected, in a sentence."""
    points: float
    """Points earned."""
    max_points: float
    hidden: bool
    message: str = ""
    """Feedback when the check failed (what was called, what came back, why)."""
    misconceptions: tuple[str, ...] = ()
    """Misconception ids recognised in the failure."""
    excerpt: Excerpt | None = None
    """Where an image-shaped answer first differs, for a picture of expected, got and
    their difference (a bounded window, see ``autograder.core.excerpts``); shown under
    the same policy as ``message``."""

    @property
    def passed(self) -> bool:
        return self.points >= self.max_points

    def to_gradescope(self) -> dict:
        """This result as a test of Gradescope's results.json."""
        output = self.description if self.passed else f"{self.description}\n{self.message}".strip()
        return {
            "name": self.name,
            "score": self.points,
            "max_score": self.max_points,
            "status": "passed" if self.passed else "failed",
            "output": output,
            "visibility": "after_published" if self.hidden else "visible",
            "tags": [f"function:{self.function}"] + [f"misconception:{m}" for m in self.misconceptions],
        }


@dataclass(frozen=True)
class NotebookResult:
    """The graded result of one student's notebook for one assignment."""

    student: str
    assignment: str
    checks: tuple[CheckResult, ...]
    execution_time: float = 0.0
    notes: tuple[str, ...] = ()
    """Submission-wide remarks: a notebook that could not be read, skipped cells."""
    grader_error: str | None = None
    """Set when the grader (not the student) failed; the score is then not final."""
    student_seconds: float = 0.0
    """Time the student's own cells and functions took."""
    sandbox_seconds: float = 0.0
    """Wall time in the sandbox; minus ``student_seconds`` it is the grader's
    per-submission overhead (``execution_time`` also includes waiting for the
    batch's Keras references, computed once per assignment)."""
    cells: dict[int, CellRun] = field(default_factory=dict)
    """Cell index -> how the cell ran in the sandbox (its output, and its error in English)."""
    submitted_at: str | None = None
    """When it was handed in (ISO 8601, UTC), when known (see ``autograder.judge.late``)."""
    seconds_late: float = 0.0
    """Seconds after the assignment's due date (0: on time, or no due date)."""
    late_penalty: float = 0.0
    """Points taken off for lateness; ``score`` stays the raw sum of the checks."""
    lang: str = i18n.DEFAULT
    """The language of the feedback (descriptions, messages, notes; see ``autograder.core.i18n``)."""
    hidden_inputs_sha256: str | None = None
    """``autograder.core.spec.hidden_inputs_digest`` of the hidden checks graded (drawn for
    ``student``; None when none were): equal on every front end for the same student."""

    @property
    def cell_errors(self) -> dict[int, str]:
        return {i: c.error.message for i, c in self.cells.items() if c.error}

    @property
    def score(self) -> float:
        return totals(self.checks)[0]

    @property
    def final_score(self) -> float:
        """The score after the late penalty: what grades.csv and LMS exports use."""
        return round(max(0.0, self.score - self.late_penalty), 6)

    @property
    def max_score(self) -> float:
        return totals(self.checks)[1]

    def function_scores(self) -> dict[str, tuple[float, float]]:
        """Function name -> (points, max points), in check order."""
        by_function: dict[str, list[CheckResult]] = {}
        for c in self.checks:
            by_function.setdefault(c.function, []).append(c)
        return {function: totals(checks) for function, checks in by_function.items()}

    def summary(self) -> str:
        """The submission-wide text: score, notes, and a line per function (in ``lang``)."""
        with i18n.language(self.lang):
            return self._summary()

    def _summary(self) -> str:
        lines = [
            _("{assignment}: {score} / {max_score} points").format(
                assignment=self.assignment, score=f"{self.score:g}", max_score=f"{self.max_score:g}"
            )
        ]
        if self.grader_error:
            lines.append(
                _("GRADER ERROR (not your fault; this grade is not final): {error}").format(error=self.grader_error)
            )
        if self.late_penalty:
            lines.append(
                _(
                    "Submitted {days} days after the due date: -{penalty} points for lateness, "
                    "{final} / {max_score} after the penalty."
                ).format(
                    days=f"{self.seconds_late / 86400:.2f}",
                    penalty=f"{self.late_penalty:g}",
                    final=f"{self.final_score:g}",
                    max_score=f"{self.max_score:g}",
                )
            )
        lines += list(self.notes)
        for function, (got, top) in self.function_scores().items():
            lines.append(f"  {function}: {got:g} / {top:g}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Everything, as JSON-ready data (``from_dict`` reads it back)."""
        data = dataclasses.asdict(self)
        data["cells"] = {str(i): c.to_wire() for i, c in self.cells.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> NotebookResult:
        fields = {
            **data,
            "checks": tuple(_check_from_dict(c) for c in data["checks"]),
        }
        cells = {int(i): CellRun.from_wire(c) for i, c in data["cells"].items()}
        fields.update(notes=tuple(data["notes"]), cells=cells)
        return cls(**fields)

    def to_json(self) -> dict:
        """Gradescope's results.json, with the whole result (cells' outputs aside) in
        ``extra_data`` for ``from_json``."""
        data = self.to_gradescope()
        data["extra_data"] = {**self.to_dict(), "cells": {}}
        return data

    @classmethod
    def from_json(cls, data: dict) -> NotebookResult:
        """The result a results.json written by ``to_json`` holds."""
        return cls.from_dict(data["extra_data"])

    def to_gradescope(self) -> dict:
        """Gradescope's results.json schema."""
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 3),
            "output": self.summary(),
            "tests": [c.to_gradescope() for c in self.checks],
        }


def _check_from_dict(data: dict) -> CheckResult:
    excerpt = data.get("excerpt")
    return CheckResult(
        **{
            **data,
            "misconceptions": tuple(data["misconceptions"]),
            "excerpt": None if excerpt is None else Excerpt.from_dict(excerpt),
        }
    )


def totals(checks: Iterable[CheckResult]) -> tuple[float, float]:
    """(points earned, points possible) of some checks: the one place that adds them."""
    checks = list(checks)
    return round(sum(c.points for c in checks), 6), round(sum(c.max_points for c in checks), 6)
