"""Batch grading: find submissions, grade them in parallel, write every report.

Submissions follow nbgrader's layout ``<root>/<student>/<assignment>/<notebook>``.
Each submission gets its own sandboxed child; ``workers`` of them run at once.
Results are written atomically as each submission finishes, so a killed batch
loses nothing, and ``resume`` grades only what has no result yet.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from ..core import intake
from ..core.course import default_secret_warning
from ..core.results import NotebookResult
from ..core.submissions import Found, Submission, classify
from ..execute.isolation import process_budget
from ..execute.sandbox import Limits
from ..judge.engine import Grader
from ..judge.late import LatePolicy
from ..report import reports
from .progress import Progress


def _already_done(out: Path, submission: Submission, manifest: dict[str, str]) -> bool:
    """A result the grader wrote, unchanged since, and not a grader error."""
    relative = f"{submission.student}/{submission.assignment.name}/results.json"
    if not reports.written_by_the_grader(out, relative, manifest):
        return False
    return not NotebookResult.from_json(json.loads((out / relative).read_text())).grader_error


def _late(result: NotebookResult, submission: Submission, policy: LatePolicy | None) -> NotebookResult:
    """``result`` under this run's late policy: no policy means no penalty."""
    if submission.path is None:
        return result
    if policy is None:
        return replace(result, submitted_at=None, seconds_late=0.0, late_penalty=0.0)
    return policy.apply(result, submission.path.parent)


def _repenalise(out: Path, kept: list[Submission], policy: LatePolicy | None, show_hidden: bool) -> int:
    """Put the results kept by ``--resume`` under this run's late policy (a due date or a
    penalty may have changed since they were graded); returns how many changed."""
    changed = 0
    for submission in kept:
        path = out / submission.student / submission.assignment.name / "results.json"
        result = NotebookResult.from_json(json.loads(path.read_text()))
        updated = _late(result, submission, policy)
        if updated != result:
            reports.write_submission(out, updated, show_hidden)
            changed += 1
    return changed


WEAKER = (
    "Grading WITHOUT kernel isolation (--isolation none): student code runs as you, can read every file "
    "you can (solutions, hidden checks, classmates' notebooks), reach the network and outlive the grader; "
    "scores still come from the values the grader receives."
)


def _not_graded(grader: Grader, submission: Submission) -> NotebookResult | None:
    """The result of a submission that cannot be graded (a refused file, no notebook), or
    None when it is to be graded."""
    if submission.refused is not None:
        return grader.unreadable(submission.student, submission.assignment, submission.refused.message())
    if submission.path is None:
        return grader.missing(submission.student, submission.assignment)
    return None


def _here(todo: list[Submission], grader: Grader, workers: int) -> Iterator[tuple[Submission, NotebookResult]]:
    """Grade on this machine, ``workers`` submissions at once; yields as each finishes.

    The Keras references of a student's hidden checks are computed while the sandbox runs
    earlier submissions: the first ``workers`` submissions' before any other assignment's
    public references, and each later one's as the submission ``workers`` places before it
    starts (so no more than ``workers`` students' hidden checks are held ahead)."""
    gradable = [s for s in todo if s.path is not None and s.refused is None]
    for submission in gradable[:workers]:
        grader.prepare(submission.assignment, submission.student)
    for assignment in {s.assignment.name: s.assignment for s in todo}.values():
        grader.prepare(assignment)
    if todo:
        grader.warm_up()
    ahead = {id(s): later for s, later in zip(gradable, gradable[workers:])}

    def run(submission: Submission) -> NotebookResult:
        later = ahead.get(id(submission))
        if later is not None:  # a failure here is reported when that submission is graded
            with contextlib.suppress(Exception):
                grader.prepare(later.assignment, later.student)
        return _not_graded(grader, submission) or grader.grade(
            submission.path, submission.student, submission.assignment
        )

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(run, s): s for s in todo}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:  # interrupted: never wait for the submissions still running (their children are killed)
        pool.shutdown(wait=False, cancel_futures=True)


def _on_dask(todo, address, grader: Grader) -> Iterator[tuple[Submission, NotebookResult]]:
    """Grade on a dask cluster; the notebooks travel as text, the results as plain data.
    ``grader`` (never started here) builds the results of what is not graded."""
    from .cluster import DaskGrading

    cluster = DaskGrading(address, grader.limits, grader.hidden, grader.isolation, grader.lang)
    try:
        jobs = []
        for submission in todo:
            result = _not_graded(grader, submission)
            if result is None:
                try:
                    text = intake.read_bytes(submission.path).decode("utf-8")
                except intake.RefusedFile as err:
                    result = grader.unreadable(submission.student, submission.assignment, str(err))
                except (OSError, UnicodeDecodeError) as err:
                    reason = f"cannot read notebook {submission.path.name}: {err}"
                    result = grader.unreadable(submission.student, submission.assignment, reason)
            if result is not None:
                yield submission, result
            else:
                jobs.append((submission, text, submission.student, submission.assignment.name))
        for submission, result in cluster.grade(jobs):
            if isinstance(result, Exception):  # a worker lost twice, or the grader failed there
                result = grader.failed(submission.student, submission.assignment, result)
            yield submission, result
    finally:
        cluster.close()


class Interrupted(KeyboardInterrupt):
    """The batch was interrupted (Ctrl-C): every result finished before is written."""

    def __init__(self, graded: int, left: int):
        super().__init__(f"interrupted with {graded} submissions graded and {left} left")
        self.graded, self.left = graded, left


def preflight(paths: list[str | Path], out: str | Path, assignment: str | None = None) -> Found:
    """What a batch would grade and what it would skip (see ``classify``), with ``out``
    checked first, so that nothing is graded for a report that cannot be written.

    Raises:
        ValueError: naming ``out`` when it is a file, or lies under one.
        FileNotFoundError, ValueError: as ``classify``.
    """
    out = Path(out)
    blocker = next((p for p in (out, *out.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        where = "is a file" if blocker == out else f"lies under the file {str(blocker)!r}"
        raise ValueError(
            f"out must be a folder (it is created when missing); {str(out)!r} {where}. Received: out={str(out)!r}"
        )
    if blocker is not None and not os.access(blocker, os.W_OK | os.X_OK):
        raise ValueError(f"out cannot be written: {str(blocker)!r} is not writable. Received: out={str(out)!r}")
    return classify(paths, assignment)


def _exit_now(grader: Grader | None):
    """The handler of a second Ctrl-C: stop at once (the fork servers end by themselves
    when their grader is gone; the reference worker is killed)."""

    def stop(signum, frame) -> None:
        if grader is not None:
            grader.kill_reference_worker()
        os._exit(130)

    return stop


def grade(
    paths: list[str | Path],
    out: str | Path,
    *,
    assignment: str | None = None,
    strict: bool = False,
    workers: int = os.cpu_count() or 1,
    resume: bool = False,
    show_hidden: bool = False,
    limits: Limits = Limits(),
    hidden: bool | None = None,
    progress: bool = True,
    isolation: str = "namespaces",
    dask: str | None = None,
    late_policy: LatePolicy | None = None,
    lang: str | None = None,
) -> dict:
    """Grade every submission under ``paths`` and write reports to ``out``.

    Args:
        paths: notebooks or folders in nbgrader's ``<student>/<assignment>/`` layout.
        assignment: grade only this assignment; a notebook whose folder, name and grade
            ids do not say which assignment it is, is taken as this one.
        strict: refuse to grade hidden checks with the public default course secret
            (without it, a warning on stderr says how to set one).
        out: folder for ``<student>/<assignment>/results.json``, feedback and the summary.
        workers: submissions graded at once (each in its own sandboxed process).
        resume: skip submissions whose results.json already exists without a grader error;
            their late penalties are recomputed under ``late_policy``.
        show_hidden: feedback pages show hidden checks' details (grades published).
        limits: sandbox limits per submission.
        hidden: force hidden checks on/off (None: use them when present).
        progress: report progress on stderr (a live bar on a terminal, a line per submission elsewhere).
        isolation: "namespaces" (each submission in its own Linux namespaces) or "none".
        dask: grade on a dask.distributed cluster: a scheduler address, or "local:N"
            for a LocalCluster of N workers here (``workers`` is then unused).
        late_policy: due dates and penalties; each result then carries its submission
            time and late penalty (``autograder.judge.late``).
        lang: the feedback's language for every submission ("ko"); None: each
            notebook's metadata, else ``AUTOGRADER_LANG``, else English.

    Returns:
        Figures of the run: submissions graded, skipped, grader errors, seconds; nothing
        is written when nothing was found to grade (``submissions`` 0).

    Raises:
        IsolationUnavailable: when the kernel cannot isolate children and
            ``isolation`` is "namespaces" (nothing is graded).
        Interrupted: on Ctrl-C, once every result finished before it is written; the
            submissions still running are stopped, not waited for (a second Ctrl-C
            ends the process at once).
        ValueError: naming ``out`` or ``assignment`` when unusable, and under ``strict``
            with the default secret (before any work).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1. Received: workers={workers}")
    if limits.threads == 0:  # submissions run side by side: no more TensorFlow threads than cores
        limits = replace(limits, threads=max(1, (os.cpu_count() or 1) // workers))
    out = Path(out)
    found = preflight(paths, out, assignment)
    warning = default_secret_warning(strict, hidden)
    if warning:
        print(warning, file=sys.stderr)
    if progress:
        print(found.summary(), file=sys.stderr)
    submissions = found.submissions
    if not submissions:
        return {"submissions": 0, "graded": 0, "skipped": 0, "not_graded": len(found.skipped), "grader_errors": 0}
    manifest = reports.read_manifest(out)
    todo = [s for s in submissions if not (resume and _already_done(out, s, manifest))]
    repenalised = _repenalise(out, [s for s in submissions if s not in todo], late_policy, show_hidden)
    start = time.monotonic()
    errors = 0
    if isolation == "none":
        print(WEAKER, file=sys.stderr)
    print(f"Process limits: {process_budget()}.", file=sys.stderr)
    grader = Grader(limits, hidden, isolation, lang=lang)
    results = _on_dask(todo, dask, grader) if dask else _here(todo, grader, workers)
    main = threading.current_thread() is threading.main_thread()
    interrupt = signal.getsignal(signal.SIGINT) if main else None
    written = 0
    try:
        with Progress(len(todo), live=None if progress else False) as bar:
            for submission, graded in results:
                result = replace(graded, student=submission.student, assignment=submission.assignment.name)
                result = _late(result, submission, late_policy)
                errors += bool(result.grader_error)
                reports.write_submission(out, result, show_hidden)
                written += 1
                if progress:
                    bar.advance(f"{result.student} {result.assignment} {result.score:g}/{result.max_score:g}")
    except KeyboardInterrupt:
        if main:
            signal.signal(signal.SIGINT, _exit_now(grader))
        raise Interrupted(written, len(todo) - written) from None
    finally:
        results.close()
        grader.close()
        computed = None if dask else grader.references_computed
        if main:
            signal.signal(signal.SIGINT, interrupt)
    summary = reports.write_class_summary(out)
    return {
        "submissions": len(submissions),
        "graded": len(todo),
        "skipped": len(submissions) - len(todo),
        "not_graded": len(found.skipped),
        "repenalised": repenalised,
        "grader_errors": errors,
        "references_computed": computed,  # None on dask: each worker computes (or caches) its own
        "seconds": round(time.monotonic() - start, 2),
        **{f"class_{k}": v for k, v in summary.items()},
    }
