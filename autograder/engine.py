"""The grading engine: sandboxed children from a preloaded fork server, Keras
references computed once per assignment in a trusted worker, scores decided here.

The process that uses a ``Grader`` never runs student code and never imports
TensorFlow: both happen in processes forked from the fork server.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.forkserver
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from . import course, notebook, sandbox, scoring
from .results import NotebookResult, all_failed
from .sandbox import GraderError, Limits
from .spec import Check


class Grader:
    """Grades notebooks one at a time (thread-safe; use threads for parallelism).

    Args:
        limits: sandbox limits for each submission.
        hidden: True/False to force hidden checks on/off; None uses them when present.
    """

    def __init__(self, limits: Limits = Limits(), hidden: bool | None = None):
        self.limits = limits
        self.hidden = hidden
        self._lock = threading.Lock()
        self._context = None
        self._pool: ProcessPoolExecutor | None = None
        self._checks: dict[str, list[Check]] = {}
        self._references: dict[str, Future] = {}

    @property
    def context(self):
        """The fork-server multiprocessing context (started on first use)."""
        with self._lock:
            if self._context is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["autograder.preload"])
                multiprocessing.forkserver.ensure_running()  # starts preloading now, in the background
                self._context = context
            return self._context

    def warm_up(self) -> None:
        """Start the fork server and wait until it has preloaded its libraries, so
        that one-off cost is not charged to the first submissions."""
        sandbox.run_submission(self.context, [], [], self.limits)

    def checks(self, assignment: course.Assignment) -> list[Check]:
        with self._lock:
            if assignment.name not in self._checks:
                self._checks[assignment.name] = assignment.checks(self.hidden)
            return self._checks[assignment.name]

    def prepare(self, assignment: course.Assignment) -> Future:
        """Start computing an assignment's references (once per Grader)."""
        context = self.context  # the fork server preloads while the checks are built
        checks = self.checks(assignment)
        with self._lock:
            if assignment.name not in self._references:
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
                trusted = [dataclasses.replace(c, compare=None) for c in checks]
                self._references[assignment.name] = self._pool.submit(scoring.compute_references, trusted)
            return self._references[assignment.name]

    def references(self, assignment: course.Assignment) -> list[dict]:
        try:
            return self.prepare(assignment).result()
        except Exception as err:
            raise GraderError(f"computing the Keras references for {assignment.name} failed: {err!r}") from err

    def grade(self, path: str | Path, student: str = "", assignment: course.Assignment | None = None) -> NotebookResult:
        """Grade the notebook file at ``path`` (see ``grade_notebook``)."""
        start = time.monotonic()
        assignment = assignment or course.assignment_for(path)
        try:
            nb = notebook.load(path)
        except notebook.NotebookError as err:
            results = all_failed(self.checks(assignment), f"The notebook could not be read: {err}")
            return NotebookResult(student, assignment.name, results, time.monotonic() - start, (str(err),))
        return self.grade_notebook(nb, student, assignment)

    def grade_notebook(self, nb: dict, student: str, assignment: course.Assignment) -> NotebookResult:
        """Grade a notebook (as a dict). Never raises for a bad submission; a failure
        of the grader itself is reported in ``NotebookResult.grader_error``."""
        start = time.monotonic()
        checks = self.checks(assignment)
        cells = notebook.student_cells(nb)
        try:
            self.prepare(assignment)
            run = sandbox.run_submission(self.context, cells, checks, self.limits)
            references = self.references(assignment)
        except GraderError as err:
            results = all_failed(checks, "Not graded: the grader failed (not your fault).")
            return NotebookResult(student, assignment.name, results, time.monotonic() - start, grader_error=str(err))
        outcomes = [run.outcomes[i] for i in range(len(checks))]
        cell_errors = [i for i, c in run.cells.items() if c.get("error")]
        notes = list(run.notes)
        tampered = sorted(set(run.tampered) | set(notebook.tampering_markers(cells)))
        if tampered:
            notes.append(f"The notebook reaches into the grader ({', '.join(tampered[:5])}): no function earns credit.")
        if cell_errors:
            notes.append(f"{len(cell_errors)} cell(s) raised an error: " + ", ".join(f"cell {i}" for i in cell_errors))
        return NotebookResult(
            student,
            assignment.name,
            scoring.score(checks, references, outcomes, tampered),
            time.monotonic() - start,
            tuple(notes),
            student_seconds=run.student_seconds,
            sandbox_seconds=run.seconds,
            cells=run.cells,
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
