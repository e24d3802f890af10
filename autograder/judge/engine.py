"""The grading engine: sandboxed children from preloaded fork servers, Keras
references computed once per assignment in a trusted worker, scores decided here.

The process that uses a ``Grader`` never runs student code and never imports
TensorFlow: student code runs in children of the fork servers
(``autograder.execute.forkserver``), references in a worker process of their own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import multiprocessing
import os
import re
import signal
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from ..core import course, i18n
from ..core.i18n import _
from ..core.outcomes import Reference
from ..core.results import CheckResult, NotebookResult
from ..core.spec import Check, hidden_inputs_digest
from ..execute import notebook, sandbox
from ..execute.forkserver import ForkServer
from ..execute.sandbox import GraderError, Limits
from . import reference_cache, scoring

_IGNORE_CTRL_C = (signal.SIGINT, signal.SIG_IGN)
_CELL_FRAME = re.compile(r'File "<ipython-input-[^>]*>", line (\d+)')


def cell_error_summary(error: str) -> str:
    """One line for a failed cell: the error, and the cell's line that raised it.

    >>> cell_error_summary('  File "<ipython-input-1-2f4b>", line 2, in <module>\\n    y = x + 1\\nNameError: x')
    'NameError: x (line 2: y = x + 1)'
    """
    lines = error.splitlines()
    frames = [(m.group(1), i) for i, line in enumerate(lines) if (m := _CELL_FRAME.search(line))]
    if not frames:
        return lines[-1] if lines else error
    number, at = frames[-1]
    code = lines[at + 1].strip() if at + 1 < len(lines) - 1 else ""
    if code:
        return _("{error} (line {number}: {code})").format(error=lines[-1], number=number, code=code)
    return _("{error} (line {number})").format(error=lines[-1], number=number)


@dataclasses.dataclass(frozen=True)
class _Drawn:
    """Checks and the future of their Keras references (plain data, in check order)."""

    checks: list[Check]
    references: Future


class Grader:
    """Grades notebooks one at a time (thread-safe; use threads for parallelism): the one
    grading object every front end calls (batch, dask workers, nbgrader, Gradescope, the
    self-check, the service), and the only builder of the results of what is not graded
    (``unreadable``, ``missing``, ``failed``), in the feedback's language.

    Args:
        limits: sandbox limits for each submission.
        hidden: True/False to force hidden checks on/off; None uses them when present.
        isolation: "namespaces" (kernel isolation; a child that cannot be isolated is a
            grader error) or "none" (no namespaces, for machines without them).
        references_in_process: compute Keras references in a thread of this process
            (a dask worker, itself trusted and never forked from a fork server) instead
            of a spawned worker process.
        lang: the language of the feedback, over the notebook's own (``--lang``; None:
            the notebook's metadata, else ``AUTOGRADER_LANG``, else English).
    """

    def __init__(
        self,
        limits: Limits = Limits(),
        hidden: bool | None = None,
        isolation: str = "namespaces",
        references_in_process: bool = False,
        lang: str | None = None,
    ):
        if isolation not in sandbox.ISOLATION_MODES:
            raise ValueError(
                f"Unknown isolation. Expected one of {sandbox.ISOLATION_MODES}. Received: isolation={isolation!r}"
            )
        self.limits, self.hidden, self.isolation = limits, hidden, isolation
        self.references_in_process = references_in_process
        self.lang = lang
        self._lock = threading.Lock()
        self._servers: dict[str, ForkServer] = {}
        self._pool: Executor | None = None
        self._public: dict[str, _Drawn] = {}
        """Assignment -> its public checks and their references (once per Grader)."""
        self._drawn: dict[tuple[str, str], _Drawn] = {}
        """(assignment, student) -> the hidden checks drawn for the student and their
        references, from ``prepare`` until that notebook is graded."""
        self._demos: dict[str, dict[str, str]] = {}
        self.references_computed = 0
        """Checks whose references this Grader computed (0 when all came from the cache)."""

    def servers(self, checks: list[Check]) -> dict[str, ForkServer]:
        """The fork servers these checks need (the TensorFlow one for no checks: a run of
        the cells alone), started on first use (they preload in the background)."""
        kinds = {sandbox.kind_of(c) for c in checks} or {"tf"}
        with self._lock:
            for kind in kinds - set(self._servers):
                self._servers[kind] = ForkServer(kind, fork_seconds=self.limits.fork_seconds)
            return {k: self._servers[k] for k in kinds}

    def warm_up(self) -> None:
        """Wait until every started fork server has preloaded and one child of each
        has been isolated, so that one-off cost is not charged to a submission.

        Raises:
            GraderError: ``IsolationUnavailable`` when the kernel refuses the namespaces.
        """
        with self._lock:
            servers = list(self._servers.values())
        for server in servers:
            sandbox.probe(server, self.limits, self.isolation)

    def checks(self, assignment: course.Assignment, student: str = "") -> list[Check]:
        """The checks a notebook of ``student`` is graded by: the public ones, then the hidden
        ones drawn for ``student`` (see ``autograder.author.hidden.rng``)."""
        with self._lock:
            drawn = self._drawn.get((assignment.name, student))
        public = self._public_checks(assignment)
        return public + (drawn.checks if drawn is not None else self._hidden_checks(assignment, student))

    def _public_checks(self, assignment: course.Assignment) -> list[Check]:
        with self._lock:
            if assignment.name in self._public:
                return self._public[assignment.name].checks
        return assignment.public_checks()

    def _hidden_checks(self, assignment: course.Assignment, student: str) -> list[Check]:
        return assignment.hidden_checks(student) if assignment.grades_hidden(self.hidden) else []

    def demos(self, assignment: course.Assignment) -> dict[str, str]:
        """The release's demonstration cells (none when the release is not at hand)."""
        with self._lock:
            if assignment.name not in self._demos:
                try:
                    self._demos[assignment.name] = notebook.demo_cells(notebook.load(assignment.release_path()))
                except notebook.NotebookError:
                    self._demos[assignment.name] = {}
            return self._demos[assignment.name]

    def prepare(self, assignment: course.Assignment, student: str | None = None) -> list[Check]:
        """Start the fork servers and the Keras references an assignment needs: its public
        references once per Grader and, given a ``student``, the references of the hidden
        checks drawn for that student (each read from the reference cache when there).
        Returns ``checks(assignment, student or "")``."""
        with self._lock:
            if assignment.name not in self._public:
                public = assignment.public_checks()
                self._public[assignment.name] = _Drawn(public, self._references_of(public))
            public = self._public[assignment.name].checks
            drawn = self._drawn.get((assignment.name, student or ""))
        if drawn is None:  # drawn outside the lock: the other students' grading goes on
            hidden = self._hidden_checks(assignment, student or "")
            if student is not None:
                with self._lock:
                    if (assignment.name, student) not in self._drawn:
                        self._drawn[assignment.name, student] = _Drawn(hidden, self._references_of(hidden))
        else:
            hidden = drawn.checks
        self.servers(public + hidden)
        return public + hidden

    def _references_of(self, checks: list[Check]) -> Future:
        """A future of ``checks``' references: from the cache, else computed in the reference
        worker (and cached when done). Called with ``self._lock`` held."""
        future: Future = Future()
        if not checks:
            future.set_result([])
            return future
        trusted = [dataclasses.replace(c, compare=None) for c in checks]
        cached = reference_cache.load(trusted)
        if cached is not None:
            future.set_result(cached)
            return future
        if self._pool is None and self.references_in_process:
            self._pool = ThreadPoolExecutor(max_workers=1)
        elif self._pool is None:  # its own process tree: never forked from a fork server
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(  # Ctrl-C is the grader's to handle, not the worker's
                max_workers=1, mp_context=context, initializer=signal.signal, initargs=_IGNORE_CTRL_C
            )
        future = self._pool.submit(scoring.compute_references, trusted)
        future.add_done_callback(functools.partial(self._store, trusted))
        self.references_computed += len(trusted)
        return future

    @staticmethod
    def _store(checks: list[Check], future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            reference_cache.store(checks, future.result())

    def references(self, assignment: course.Assignment, student: str = "") -> list[Reference]:
        """The references of ``checks(assignment, student)``, in that order (waits for them).

        Raises:
            GraderError: when computing them failed.
        """
        try:
            self.prepare(assignment, student)
            with self._lock:
                public, drawn = self._public[assignment.name], self._drawn[assignment.name, student]
            return public.references.result() + drawn.references.result()
        except Exception as err:
            raise GraderError(f"computing the Keras references for {assignment.name} failed: {err!r}") from err

    def _graded_for(self, assignment: course.Assignment, student: str) -> None:
        """Forget the hidden checks drawn for ``student`` (their references are cached on disk)."""
        with self._lock:
            self._drawn.pop((assignment.name, student), None)

    def grade(self, path: str | Path, student: str = "", assignment: course.Assignment | None = None) -> NotebookResult:
        """Grade the notebook file at ``path`` (see ``grade_notebook``)."""
        assignment = assignment or course.assignment_for(path)
        try:
            nb = notebook.load(path)
        except notebook.NotebookError as err:
            return self.unreadable(student, assignment, str(err))
        return self.grade_notebook(nb, student, assignment)

    def grade_text(self, text: str, student: str, assignment: course.Assignment) -> NotebookResult:
        """Grade a notebook given as its JSON text (see ``grade_notebook``)."""
        try:
            nb = notebook.parse(text, assignment.notebook)
        except notebook.NotebookError as err:
            return self.unreadable(student, assignment, str(err))
        return self.grade_notebook(nb, student, assignment)

    def grade_notebook(self, nb: dict, student: str, assignment: course.Assignment) -> NotebookResult:
        """Grade a notebook (as a dict). Never raises for a bad submission, nor for a failure
        of the grader itself: that is reported in ``NotebookResult.grader_error``. The
        feedback is in ``self.lang``, else the language the notebook's metadata asks for
        (see ``autograder.core.i18n.choose``)."""
        with i18n.language(i18n.choose(self.lang, i18n.notebook_language(nb))) as lang:
            try:
                return dataclasses.replace(self._graded(nb, student, assignment), lang=lang)
            except Exception as err:  # a grader bug: reported as such, never a silent 0
                return self.failed(student, assignment, err, lang)
            finally:
                self._graded_for(assignment, student)

    # The results of what could not be graded: built here only, for every front end.

    def unreadable(self, student: str, assignment: course.Assignment, reason: str) -> NotebookResult:
        """The result of a file that is not a readable notebook (``reason``, in English as the
        execution stage says it): every check failed, saying why."""
        with i18n.language(i18n.choose(self.lang)) as lang:
            reason = scoring.reword(reason)
            message = _("The notebook could not be read: {error}").format(error=reason)
            checks = self._all_failed(assignment, student, message)
        self._graded_for(assignment, student)  # hidden checks drawn ahead for it are not needed
        return NotebookResult(student, assignment.name, checks, notes=(reason,), lang=lang)

    def missing(self, student: str, assignment: course.Assignment) -> NotebookResult:
        """The result of a submission without the assignment's notebook."""
        with i18n.language(i18n.choose(self.lang)) as lang:
            reason = _("No notebook was submitted (expected {path}).").format(path=assignment.notebook)
            return NotebookResult(
                student, assignment.name, self._all_failed(assignment, student, reason), notes=(reason,), lang=lang
            )

    def failed(
        self, student: str, assignment: course.Assignment, error: BaseException, lang: str | None = None
    ) -> NotebookResult:
        """The result of a submission the grader (not the student) failed on: never a 0 that
        looks final (``grader_error`` says what failed). ``lang``: the notebook's language."""
        detail = str(error) if isinstance(error, GraderError) else f"{type(error).__name__}: {error}"
        with i18n.language(i18n.choose(self.lang, lang)) as lang:
            message = _("Not graded: the grader failed (not your fault).")
            checks = self._all_failed(assignment, student, message)
            return NotebookResult(student, assignment.name, checks, grader_error=detail, lang=lang)

    def _all_failed(self, assignment: course.Assignment, student: str, message: str) -> tuple[CheckResult, ...]:
        """Every check this Grader grades for ``student`` (hidden ones as ``self.hidden`` says),
        failed with ``message``, in the current language."""
        return tuple(
            CheckResult(c.name, c.function, i18n.data(c.description), 0.0, c.points, c.hidden, message=message)
            for c in self.checks(assignment, student)
        )

    def _graded(self, nb: dict, student: str, assignment: course.Assignment) -> NotebookResult:
        start = time.monotonic()
        cells = notebook.student_cells(nb, self.demos(assignment))
        try:
            checks = self.prepare(assignment, student)
            servers = self.servers(checks)
            run = sandbox.run_submission(servers, cells, checks, self.limits, self.isolation)
            if run.needs_tensorflow and "tf" not in servers:  # the cells again, where TensorFlow exists
                shown = sandbox.run_submission(self.servers([]), cells, [], self.limits, self.isolation)
                run = dataclasses.replace(run, cells=shown.cells, notes=run.notes + shown.notes)
            references = self.references(assignment, student)
        except GraderError as err:
            failed = self.failed(student, assignment, err, i18n.current())  # the notebook's language
            return dataclasses.replace(failed, execution_time=time.monotonic() - start)
        outcomes = [run.outcomes[i] for i in range(len(checks))]
        numbers = notebook.code_cell_numbers(nb)
        notes = [scoring.reword(note) for note in run.notes]
        failing = [(i, c.error.message) for i, c in sorted(run.cells.items()) if c.error]
        for index, error in failing:
            number, total = numbers.get(index, (index, len(numbers)))
            notes.append(
                _("Code cell {number} of {total}: {error}").format(
                    number=number, total=total, error=scoring.reword(cell_error_summary(error))
                )
            )
        return NotebookResult(
            student,
            assignment.name,
            scoring.score(checks, references, outcomes),
            time.monotonic() - start,
            tuple(notes),
            student_seconds=run.student_seconds,
            sandbox_seconds=run.seconds,
            cells=dict(run.cells),
            hidden_inputs_sha256=hidden_inputs_digest(checks),
        )

    def close(self) -> None:
        with self._lock:
            servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()
        if self._pool is not None:  # a reference still computing is not waited for (Ctrl-C)
            pool, self._pool = self._pool, None
            self.kill_reference_worker(pool)
            pool.shutdown(wait=False, cancel_futures=True)

    def kill_reference_worker(self, pool: Executor | None = None) -> None:
        """Kill the process computing references, without waiting or locking (safe in a
        signal handler: the fork servers end by themselves when their grader is gone)."""
        for pid in list(getattr(pool or self._pool, "_processes", None) or {}):  # a ProcessPoolExecutor's
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
