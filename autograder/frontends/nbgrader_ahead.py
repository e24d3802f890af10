"""``nbgrader autograde`` in parallel: every submission of the assignment is graded
ahead, on the batch grader's workers, while nbgrader works through them one by one.

nbgrader sanitizes each notebook (restores locked and test cells from the
gradebook) before the course's ``SandboxAutograde`` sees it. Grading ahead starts
from a prediction of that sanitized notebook (the submitted one with its locked
and test cells put back from the release), and its result is used only when the
notebook nbgrader hands over has the same fingerprint: the exact cells the sandbox
runs, in order, and their numbering. Otherwise the notebook is graded again, as
nbgrader handed it, so the grade is always that of nbgrader's notebook.
"""

from __future__ import annotations

import copy
import glob
import hashlib
import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..core.course import Assignment
from ..core.results import NotebookResult
from ..execute import notebook
from ..judge.engine import Grader


def fingerprint(nb: dict, demos: dict[str, str]) -> str:
    """What a grade depends on: the cells the sandbox runs and how they are numbered."""
    cells = notebook.student_cells(nb, demos)
    numbers = sorted(notebook.code_cell_numbers(nb).items())
    return hashlib.sha256(json.dumps([cells, numbers]).encode()).hexdigest()


def predict_sanitized(submitted: dict, release: dict) -> dict:
    """The submitted notebook with its locked and test cells as in the release
    (which is what nbgrader's OverwriteCells puts back)."""
    kept = {}
    for cell in release["cells"]:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if meta.get("grade_id") and (meta.get("locked") or (meta.get("grade") and not meta.get("solution"))):
            kept[meta["grade_id"]] = cell
    nb = copy.deepcopy(submitted)
    for cell in nb["cells"]:
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if isinstance(cell, dict) and grade_id in kept:
            cell["source"] = kept[grade_id]["source"]
            cell["metadata"] = copy.deepcopy(kept[grade_id]["metadata"])
    return nb


class GradingAhead:
    """Grades an assignment's submissions in the background, ``workers`` at once.

    Args:
        grader: the (thread-safe) grader to use.
        assignment: the assignment nbgrader is grading.
        pattern: a glob of the submitted notebooks' folders, ``.../*/<assignment>``
            (the student is the folder above the assignment's).
        workers: submissions graded at once.
    """

    def __init__(self, grader: Grader, assignment: Assignment, pattern: str, workers: int = os.cpu_count() or 1):
        self.grader, self.assignment = grader, assignment
        self.demos = grader.demos(assignment)
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._ahead: dict[str, tuple[str, Future]] = {}
        self.hits = self.misses = 0
        try:
            release = notebook.load(assignment.release_path())
        except notebook.NotebookError:
            return  # no release at hand: grade as nbgrader goes
        for folder in sorted(glob.glob(pattern)):
            path = Path(folder) / assignment.notebook
            try:
                predicted = predict_sanitized(notebook.load(path), release)
            except (notebook.NotebookError, KeyError, TypeError):
                continue
            student = Path(folder).parent.name
            future = self._pool.submit(grader.grade_notebook, predicted, student, assignment)
            self._ahead[student] = (fingerprint(predicted, self.demos), future)

    def result(self, nb: dict, student: str) -> NotebookResult:
        """The grade of ``nb`` (as nbgrader sanitized it): the one graded ahead when
        it was graded from the very same cells, else graded now."""
        key, future = self._ahead.pop(student, ("", None))
        if future is not None and key == fingerprint(nb, self.demos):
            self.hits += 1
            return future.result()
        self.misses += 1
        return self.grader.grade_notebook(nb, student, self.assignment)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
