"""nbgrader integration: autograde in the sandbox.

nbgrader normally runs the test cells in the student's own kernel, where a student
can patch the comparison, rewrite later cells or plant fake modules, and where a
cell that kills the kernel fails the whole submission. ``SandboxAutograde`` takes
the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``: it
grades the (sanitized) notebook in the sandbox, writes each student cell's output
and error, and writes each test cell's feedback and points as its output, so the
scores nbgrader saves are the trusted ones, identical to the batch grader's.
Before grades are published (``SandboxAutograde.show_hidden``) a hidden check's
output shows its name and mark only, as every front end does.

``DeduplicateGradeIds`` takes the place of nbgrader's ``DeduplicateIds`` in
``Autograde.sanitize_preprocessors``: a submission with a copy-pasted test cell
(a duplicate grade_id) is graded instead of failing.
"""

from __future__ import annotations

import atexit

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer

from .course import ASSIGNMENTS
from .engine import Grader
from .report_text import format_function_report
from .sandbox import Limits

_graders: dict[Limits, Grader] = {}


def shared_grader(limits: Limits) -> Grader:
    """One Grader per nbgrader process: the fork server and references are reused."""
    if limits not in _graders:
        _graders[limits] = Grader(limits)
        atexit.register(_graders[limits].close)
    return _graders[limits]


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

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        assignment = ASSIGNMENTS.get(info.get("assignment", ""))
        if assignment is None:
            raise RuntimeError(f"SandboxAutograde: {info.get('assignment')!r} is not an assignment of this course")
        limits = Limits(self.cell_seconds, self.submission_seconds, self.memory_bytes, self.output_bytes)
        result = shared_grader(limits).grade_notebook(nb, info.get("student", ""), assignment)
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
                points = min(float(sum(c.points for c in checks)), float(meta.get("points", 0)))
                cell.outputs = [
                    new_output(
                        "stream", name="stdout", text=format_function_report(function, checks, self.show_hidden) + "\n"
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
            "SandboxAutograde: %s/%s scored %g/%g", result.student, assignment.name, result.score, result.max_score
        )
        return nb, resources
