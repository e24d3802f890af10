"""nbgrader integration: autograde in the sandbox.

nbgrader normally runs the test cells in the student's own kernel, where a student
can patch the comparison, rewrite later cells or plant fake modules, and where a
cell that kills the kernel fails the whole submission. ``SandboxAutograde`` takes
the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``: it
grades the (sanitized) notebook in the sandbox, writes each student cell's output
and error, and writes each test cell's feedback and points as its output, so the
scores nbgrader saves are the trusted ones, identical to the batch grader's.
"""

from __future__ import annotations

import atexit

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

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


class SandboxAutograde(NbGraderPreprocessor):
    """Execute and grade the notebook in the sandbox; outputs carry the verdict."""

    cell_seconds = Float(Limits.cell_seconds, help="Wall time per notebook cell.").tag(config=True)
    submission_seconds = Float(Limits.submission_seconds, help="Wall time per submission.").tag(config=True)
    memory_bytes = Integer(Limits.memory_bytes, help="Memory a submission may add.").tag(config=True)
    output_bytes = Integer(Limits.output_bytes, help="Captured output kept per cell.").tag(config=True)

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
                    new_output("stream", name="stdout", text=format_function_report(function, checks) + "\n"),
                    new_output("execute_result", data={"text/plain": repr(round(points, 6))}, execution_count=None),
                ]
            else:
                ran = result.cells.get(index, {})
                cell.outputs = [new_output("stream", name="stdout", text=ran["output"])] if ran.get("output") else []
                if ran.get("error"):
                    lines = ran["error"].splitlines()
                    cell.outputs.append(new_output("error", ename="Error", evalue=lines[-1], traceback=lines))
        self.log.info(
            "SandboxAutograde: %s/%s scored %g/%g", result.student, assignment.name, result.score, result.max_score
        )
        return nb, resources
