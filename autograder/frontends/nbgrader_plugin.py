"""nbgrader integration: autograde in the sandbox.

nbgrader normally runs the test cells in the student's own kernel, where a student
can patch the comparison, rewrite later cells or plant fake modules, and where a
cell that kills the kernel fails the whole submission. ``SandboxAutograde`` takes
the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``: it
grades the (sanitized) notebook in the sandbox, writes each student cell's output
and error, and writes each test cell's feedback and points as its output, so the
scores nbgrader saves are the trusted ones, identical to the batch grader's. The
assignment's submissions are graded ahead, in parallel (``SandboxAutograde.workers``,
see ``autograder.nbgrader_ahead``); nbgrader's own pass then takes each result,
proved to come from the notebook it handed over.
Before grades are published (``SandboxAutograde.show_hidden``) a hidden check's
output shows its name and mark only, as every front end does.

``DeduplicateGradeIds`` takes the place of nbgrader's ``DeduplicateIds`` in
``Autograde.sanitize_preprocessors``: a submission with a copy-pasted test cell
(a duplicate grade_id) is graded instead of failing.
"""

from __future__ import annotations

import atexit
import os

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, CaselessStrEnum, Float, Integer

from ..core.course import ASSIGNMENTS, Assignment
from ..core.results import totals
from ..execute.sandbox import ISOLATION_MODES, Limits
from ..judge.engine import Grader
from ..report.report_text import format_function_report
from .nbgrader_ahead import GradingAhead

_graders: dict[tuple[Limits, str], Grader] = {}
_ahead: dict[tuple[Limits, str, str], GradingAhead] = {}


def shared_grader(limits: Limits, isolation: str = "namespaces") -> Grader:
    """One Grader per nbgrader process: the fork servers and references are reused."""
    if (limits, isolation) not in _graders:
        _graders[limits, isolation] = grader = Grader(limits, isolation=isolation)
        atexit.register(grader.close)
    return _graders[limits, isolation]


def grading_ahead(grader: Grader, assignment: Assignment, pattern: str, workers: int) -> GradingAhead:
    """The assignment's submissions, graded ahead on ``workers`` (once per process)."""
    key = (grader.limits, grader.isolation, assignment.name)
    if key not in _ahead:
        _ahead[key] = ahead = GradingAhead(grader, assignment, pattern, workers)
        atexit.register(ahead.close)
    return _ahead[key]


def _capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... ({len(text) - limit} more characters not shown)\n"


class DeduplicateGradeIds(NbGraderPreprocessor):
    """Keep one cell per nbgrader grade_id, as nbgrader's ``DeduplicateIds`` does (the
    last one), without breaking ``OverwriteCells.add_missing_cells``.

    nbgrader's version empties the earlier copies' nbgrader metadata (``{}``), and
    ``OverwriteCells.add_missing_task_cells`` then fails with ``KeyError: 'grade_id'``
    on them, so the whole submission goes ungraded. Here an earlier copy of a test
    cell (graded, not an answer) is removed, since ``OverwriteCells`` restores the
    kept one from the gradebook anyway; an earlier copy of an answer or locked cell
    stays as plain code (its metadata removed), so the notebook still runs as
    written.
    """

    def preprocess(self, nb, resources):
        seen: set[str] = set()
        kept = []
        for cell in reversed(nb.cells):
            if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
                grade_id = cell.metadata.nbgrader["grade_id"]
                if grade_id in seen:
                    self.log.warning("Cell with id '%s' exists multiple times: grading the last one", grade_id)
                    if utils.is_grade(cell) and not utils.is_solution(cell):
                        continue
                    del cell.metadata["nbgrader"]
                seen.add(grade_id)
            kept.append(cell)
        nb.cells = kept[::-1]
        return nb, resources


class SandboxAutograde(NbGraderPreprocessor):
    """Execute and grade the notebook in the sandbox; outputs carry the verdict."""

    cell_seconds = Float(Limits.cell_seconds, help="Wall time per notebook cell.").tag(config=True)
    submission_seconds = Float(Limits.submission_seconds, help="Wall time per submission.").tag(config=True)
    memory_bytes = Integer(Limits.memory_bytes, help="Memory a submission may add.").tag(config=True)
    output_bytes = Integer(Limits.output_bytes, help="Captured output kept per cell.").tag(config=True)
    show_hidden = Bool(False, help="Show hidden checks' descriptions and feedback (once grades are published).").tag(
        config=True
    )
    cell_output_chars = Integer(
        10_000, help="Characters of a student cell's output and error copied into the notebook."
    ).tag(config=True)
    isolation = CaselessStrEnum(
        ISOLATION_MODES,
        default_value="namespaces",
        help="namespaces: each submission in its own Linux namespaces; none: no kernel isolation, for machines "
        "without namespaces (student code can then read the course's files).",
    ).tag(config=True)
    workers = Integer(
        0, help="Submissions graded at once, ahead of nbgrader's own pass over them; 0: one per core."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        assignment = ASSIGNMENTS.get(info.get("assignment", ""))
        if assignment is None:
            raise RuntimeError(f"SandboxAutograde: {info.get('assignment')!r} is not an assignment of this course")
        workers = self.workers or os.cpu_count() or 1
        threads = max(1, (os.cpu_count() or 1) // workers)  # submissions run side by side
        limits = Limits(self.cell_seconds, self.submission_seconds, self.memory_bytes, self.output_bytes, threads)
        grader = shared_grader(limits, self.isolation)
        course = CourseDirectory(config=self.config)
        pattern = course.format_path(course.submitted_directory, "*", assignment.name)
        ahead = grading_ahead(grader, assignment, pattern, workers)
        hits = ahead.hits
        result = ahead.result(nb, info.get("student", ""))
        how = "graded ahead" if ahead.hits > hits else "graded now (the notebook differs from the one graded ahead)"
        if result.grader_error:
            raise RuntimeError(f"sandbox grading failed (grader error, not the student's): {result.grader_error}")
        by_function = {f: [c for c in result.checks if c.function == f] for f in assignment.functions}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            function = grade_id[len("test_") :] if meta.get("grade") and grade_id.startswith("test_") else None
            if function in by_function:
                checks = by_function[function]
                points = min(totals(checks)[0], float(meta.get("points", 0)))
                cell.outputs = [
                    new_output(
                        "stream",
                        name="stdout",
                        text=format_function_report(function, checks, self.show_hidden, result.lang) + "\n",
                    ),
                    new_output("execute_result", data={"text/plain": repr(round(points, 6))}, execution_count=None),
                ]
            else:
                ran = result.cells.get(index, {})
                text = _capped(ran.get("output") or "", self.cell_output_chars)
                cell.outputs = [new_output("stream", name="stdout", text=text)] if text else []
                if ran.get("error"):
                    lines = _capped(ran["error"], self.cell_output_chars).splitlines()
                    cell.outputs.append(new_output("error", ename="Error", evalue=lines[-1], traceback=lines))
        self.log.info(
            "SandboxAutograde: %s/%s scored %g/%g, %s",
            result.student,
            assignment.name,
            result.score,
            result.max_score,
            how,
        )
        return nb, resources
