"""The service's work: receive a notebook, store it, grade it on warm workers in the
background, and answer what a student (or an instructor) may see of it.

Every notebook is stored before it is graded, and grading writes its result in the same
row, so a service that dies loses nothing: ``recover`` queues again whatever was received
and not finished.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..core.course import ASSIGNMENTS, Assignment, assignment_for
from ..core.results import NotebookResult
from ..execute import notebook
from ..judge.engine import Grader
from .bucket import Allowance, RateLimits, allowance
from .store import Person, Publication, Submission, now, utc


class Refused(ValueError):
    """A notebook that is not graded (unreadable, not an assignment of this course); it
    costs no attempt."""


@dataclasses.dataclass(frozen=True)
class RateLimited(Exception):
    """No attempt left for this student and assignment until ``allowance.next_allowed_at``."""

    assignment: str
    allowance: Allowance


class Remote(Protocol):
    """Grading elsewhere (``autograder.frontends.cluster.DaskGrading``): one notebook, given as
    text, graded by a warm ``Grader`` on a worker."""

    def grade_text(self, text: str, student: str, assignment: Assignment) -> NotebookResult:
        """The result (raises what stopped it: a worker lost twice, the grader failed there)."""
        ...


class Service:
    """Grading with storage, rate limits and views (thread-safe).

    Args:
        sessions: the database (``store.open_database``).
        grader: the engine's ``Grader`` (its fork servers stay warm between submissions; with
            ``remote``, it only builds the results of what the cluster could not grade).
        workers: submissions graded at once.
        limits: the course's rate limits.
        remote: grade on a dask.distributed cluster instead of here.
    """

    def __init__(
        self,
        sessions: sessionmaker,
        grader: Grader,
        workers: int,
        limits: RateLimits = RateLimits(),
        remote: Remote | None = None,
    ):
        if workers < 1:
            raise ValueError(f"workers must be at least 1. Received: workers={workers}")
        self.sessions, self.grader, self.limits, self.remote = sessions, grader, limits, remote
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grading")
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="references-ahead")
        self._lock = threading.Lock()  # one attempt decided at a time: the bucket check and the insert
        self._running: dict[int, Future] = {}

    def warm(self) -> None:
        """Start the fork servers every assignment needs (they preload in the background);
        an assignment's Keras references are computed at its first submission, or read
        from the instructor's reference cache."""
        for assignment in ASSIGNMENTS.values() if self.remote is None else ():  # workers warm themselves
            self.grader.servers(self.grader.checks(assignment))

    def recover(self) -> list[int]:
        """Queue again every submission received but not finished (a service that died)."""
        with self.sessions() as db:
            ids = list(db.scalars(select(Submission.id).where(Submission.status.in_(("queued", "grading")))))
        for ident in sorted(ids):
            self._queue(ident)
        return ids

    # receiving

    def receive(self, student: str, filename: str, text: str) -> int:
        """Store a notebook and queue it; returns its id.

        Raises:
            Refused: naming the reason (stored, costs nothing).
            RateLimited: when the student has no attempt left for the assignment (not stored).
        """
        try:
            assignment = assignment_for(filename)
            notebook.parse(text, assignment.notebook)
        except (ValueError, notebook.NotebookError) as err:
            self._refuse(student, filename, text, str(err))
            raise Refused(str(err)) from err
        with self._lock, self.sessions() as db:
            left = self._allowance(db, student, assignment.name)
            if left.attempts_left < 1:
                raise RateLimited(assignment.name, left)
            received = now()
            row = Submission(
                student=student,
                assignment=assignment.name,
                filename=filename,
                notebook=text,
                status="queued",
                counted=True,
                received_at=received,
                queued_at=now(),
            )
            db.add(row)
            db.commit()
            ident = row.id
        if self.remote is None:  # on a cluster, the worker that grades it computes them
            self._ahead.submit(self._prepare, assignment, student)
        self._queue(ident)
        return ident

    def _prepare(self, assignment, student: str) -> None:
        """Start the Keras references of the hidden checks drawn for ``student`` while earlier
        submissions are graded, as the batch grader does (a failure is reported when the
        submission is graded)."""
        with contextlib.suppress(Exception):
            self.grader.prepare(assignment, student)

    def _refuse(self, student: str, filename: str, text: str, reason: str) -> None:
        with self.sessions() as db:
            moment = now()
            db.add(
                Submission(
                    student=student,
                    assignment=assignment_name(filename),
                    filename=filename,
                    notebook=text,
                    status="refused",
                    counted=False,
                    reason=reason,
                    received_at=moment,
                    finished_at=moment,
                )
            )
            db.commit()

    def _allowance(self, db, student: str, assignment: str) -> Allowance:
        times = db.scalars(
            select(Submission.received_at).where(
                Submission.student == student, Submission.assignment == assignment, Submission.counted
            )
        )
        return allowance(self.limits.of(assignment), [utc(t) for t in times], now())

    def allowance(self, student: str, assignment: str) -> Allowance:
        with self.sessions() as db:
            return self._allowance(db, student, assignment)

    # grading

    def _queue(self, ident: int) -> None:
        with self._lock:
            if ident not in self._running:
                self._running[ident] = self._pool.submit(self._grade, ident)

    def done(self, ident: int) -> Future | None:
        """A future that finishes when submission ``ident`` is graded (None: not grading here)."""
        with self._lock:
            return self._running.get(ident)

    def _grade(self, ident: int) -> None:
        with self.sessions() as db:
            row = db.get(Submission, ident)
            row.status, row.started_at = "grading", now()
            db.commit()
            text, student, assignment = row.notebook, row.student, ASSIGNMENTS[row.assignment]
        result = self._graded(text, student, assignment)
        with self.sessions() as db:
            row = db.get(Submission, ident)
            row.status, row.finished_at = "graded", now()
            row.score, row.max_score = result.score, result.max_score
            row.result = json.dumps(result.to_dict())
            row.counted = not result.grader_error  # the grader's failure costs the student nothing
            db.commit()
        with self._lock:
            self._running.pop(ident, None)

    def _graded(self, text: str, student: str, assignment: Assignment) -> NotebookResult:
        """Graded here, or on the cluster; a grader's failure is its own result, never a 0."""
        if self.remote is None:
            return self.grader.grade_text(text, student, assignment)
        try:
            return self.remote.grade_text(text, student, assignment)
        except Exception as err:  # a worker lost twice, or the grader failed there
            return self.grader.failed(student, assignment, err)

    def close(self) -> None:
        self._ahead.shutdown(wait=False, cancel_futures=True)
        self._pool.shutdown(wait=False, cancel_futures=True)

    # views

    def published(self, assignment: str) -> bool:
        with self.sessions() as db:
            return db.get(Publication, assignment) is not None

    def publish(self, assignment: str, published: bool = True) -> None:
        if assignment not in ASSIGNMENTS:
            raise ValueError(f"No assignment {assignment!r}. Expected one of {list(ASSIGNMENTS)}")
        with self.sessions() as db:
            row = db.get(Publication, assignment)
            if published and row is None:
                db.add(Publication(assignment=assignment, published_at=now()))
            elif not published and row is not None:
                db.delete(row)
            db.commit()

    def answer(self, row: Submission) -> dict:
        """What the student sees of a submission: visible results, hidden ones once
        published, and their allowance now (see ``autograder.frontends.submit``)."""
        published = self.published(row.assignment)
        left = self.allowance(row.student, row.assignment)
        limit = self.limits.of(row.assignment)
        data = {
            "id": row.id,
            "student": row.student,
            "assignment": row.assignment,
            "status": row.status,
            **{
                f"{phase}_at": _iso(getattr(row, f"{phase}_at"))
                for phase in ("received", "queued", "started", "finished")
            },
            "hidden_published": published,
            "attempts_left": left.attempts_left,
            "next_allowed_at": _iso(left.next_allowed_at),
            "rate_limit": {"capacity": limit.capacity, "period_seconds": limit.period_seconds},
            "score_visible": None,
            "max_visible": None,
            "tests": [],
        }
        if row.status == "refused":
            data["reason"] = row.reason
        if row.result is None:
            return data
        result = NotebookResult.from_dict(json.loads(row.result))
        visible = [c for c in result.checks if not c.hidden]
        hidden = [c for c in result.checks if c.hidden]
        data.update(
            score_visible=round(sum(c.points for c in visible), 6),
            max_visible=round(sum(c.max_points for c in visible), 6),
            hidden_checks=len(hidden),
            max_hidden=round(sum(c.max_points for c in hidden), 6),
            score_hidden=round(sum(c.points for c in hidden), 6) if published else None,
            score=result.score if published else None,
            max_score=result.max_score,
            notes=list(result.notes),
            grader_error=result.grader_error,
            tests=[c.to_gradescope() for c in (result.checks if published else visible)],
        )
        return data

    def submission(self, ident: int) -> Submission | None:
        with self.sessions() as db:
            return db.get(Submission, ident)

    def submissions(self, student: str | None = None) -> list[Submission]:
        """Every submission (of ``student``), oldest first."""
        with self.sessions() as db:
            query = select(Submission).order_by(Submission.id)
            if student is not None:
                query = query.where(Submission.student == student)
            return list(db.scalars(query))

    def person(self, name: str) -> Person | None:
        with self.sessions() as db:
            return db.get(Person, name)


def assignment_name(filename: str) -> str:
    """The assignment a file name stands for, or the name itself when it stands for none."""
    try:
        return assignment_for(filename).name
    except ValueError:
        return os.path.basename(filename)[:200]


def _iso(moment) -> str | None:
    return None if moment is None else utc(moment).isoformat()
