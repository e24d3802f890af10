"""nbgrader integration: the trusted re-grade.

nbgrader runs the test cells in the student's own kernel, where a student can
patch the comparison, rewrite later cells or plant fake modules. ``TrustedRegrade``
runs after nbgrader's ``Execute``: it grades the same notebook in the sandbox and
overwrites each test cell's outputs with the sandbox's feedback and points, so the
scores nbgrader saves are the trusted ones (identical to the batch grader's).
"""

from __future__ import annotations

import atexit

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from .course import ASSIGNMENTS
from .engine import Grader
from .report_text import format_function_report

_grader: Grader | None = None


def shared_grader() -> Grader:
    """One Grader per nbgrader process: the fork server and references are reused."""
    global _grader
    if _grader is None:
        _grader = Grader()
        atexit.register(_grader.close)
    return _grader


class TrustedRegrade(NbGraderPreprocessor):
    """Replace the kernel's test-cell outputs with the sandbox's verdict."""

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        assignment = ASSIGNMENTS.get(info.get("assignment", ""))
        if assignment is None:
            self.log.warning("TrustedRegrade: %r is not an assignment of this course; left as is", info.get("assignment"))
            return nb, resources
        result = shared_grader().grade_notebook(nb, info.get("student", ""), assignment)
        if result.grader_error:
            raise RuntimeError(f"trusted re-grade failed (grader error, not the student's): {result.grader_error}")
        by_function = {f: [c for c in result.checks if c.function == f] for f in assignment.functions}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            if cell.cell_type != "code" or not meta.get("grade") or not grade_id.startswith("test_"):
                continue
            checks = by_function.get(grade_id[len("test_") :])
            if checks is None:
                continue
            points = min(float(sum(c.points for c in checks)), float(meta.get("points", 0)))
            cell.outputs = [
                new_output("stream", name="stdout", text=format_function_report(grade_id[5:], checks) + "\n"),
                new_output("execute_result", data={"text/plain": repr(round(points, 6))}, execution_count=None),
            ]
        self.log.info("TrustedRegrade: %s/%s scored %g/%g in the sandbox", result.student, assignment.name, result.score, result.max_score)
        return nb, resources
