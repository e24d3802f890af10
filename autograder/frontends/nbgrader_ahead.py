"""``nbgrader autograde`` in parallel and ahead: one background grader for the class.

nbgrader grades one submission at a time, and each ``nbgrader autograde <a>``
command is a process of its own, which would pay its own start (a TensorFlow
import in the fork servers). Instead, the first command's ``SandboxAutograde``
starts one background process for the course, the *grader ahead*, which grades
the command's own submissions and then those of every other assignment nbgrader
knows in ``submitted/``, on the batch grader's workers, and leaves each result in
an instructor-side store (under the reference cache folder, out of the sandbox's
sight; one folder per course). Each command takes its submissions' results from
the store as nbgrader's own pass reaches them, waiting while one is still being
graded; later commands start no grader (and import no TensorFlow) at all. The
grader ahead exits when its list is done. A result is used once: a second
``nbgrader autograde <a> --force`` grades afresh.

The proof rule: nbgrader sanitizes each notebook (restores locked and test cells
from the gradebook) before ``SandboxAutograde`` sees it. The grader ahead grades a
prediction of that sanitized notebook (the submitted one with its locked and test
cells put back from the release), and its result is used only when the notebook
nbgrader hands over has the same fingerprint (the exact cells the sandbox runs, in
order, and their numbering) and the grader is the same (package source, library
versions, course secret, limits, isolation). Otherwise the notebook is graded
there and then, as nbgrader handed it, so the grade is always that of nbgrader's
notebook.

The store of a course (``store_for``)::

    lock         held (flock) by the grader ahead while it runs
    plan.json    what it grades, in order, and with which grader (``Plan``)
    results/     <job>.json: the result, or why there is none; <job>.used once taken
    service.log  the grader ahead's log
"""

from __future__ import annotations

import copy
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..core import cells
from ..core.course import ASSIGNMENTS, Assignment
from ..core.results import NotebookResult
from ..execute import notebook
from ..execute.sandbox import GraderError, Limits
from ..judge import reference_cache
from ..judge.engine import Grader

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent
_POLL_SECONDS = 0.05
_KEEP_DAYS = 7
"""Stores of other courses (or finished benchmark runs) untouched this long are removed."""


def fingerprint(nb: dict, demos: dict[str, str]) -> str:
    """What a grade depends on: the cells the sandbox runs and how they are numbered."""
    cells = notebook.student_cells(nb, demos)
    numbers = sorted(notebook.code_cell_numbers(nb).items())
    return hashlib.sha256(json.dumps([cells, numbers]).encode()).hexdigest()


def predict_sanitized(submitted: dict, release: dict) -> dict:
    """The submitted notebook with its locked and test cells as in the release
    (which is what nbgrader's OverwriteCells puts back)."""
    kept = {cells.grade_id(cell): cell for cell in release["cells"] if cells.is_given(cell)}
    nb = copy.deepcopy(submitted)
    for cell in nb["cells"]:
        grade_id = cells.grade_id(cell)
        if isinstance(cell, dict) and grade_id in kept:
            cell["source"] = kept[grade_id]["source"]
            cell["metadata"] = copy.deepcopy(kept[grade_id]["metadata"])
    return nb


def store_for(course_root: str | Path) -> Path:
    """The folder where results graded ahead wait for this course's commands."""
    digest = hashlib.sha256(os.path.realpath(course_root).encode()).hexdigest()[:16]
    return reference_cache.cache_root() / "graded-ahead" / digest


def grader_key(limits: Limits, isolation: str) -> str:
    """Everything besides the notebook that a grade depends on: the package's source
    and library versions, the course secret (whatever its source), limits, isolation."""
    secret_file = os.environ.get("AUTOGRADER_SECRET_FILE")
    try:
        secret_text = Path(secret_file).read_text() if secret_file else None
    except OSError:
        secret_text = None
    secret = [os.environ.get("AUTOGRADER_SECRET"), secret_file, secret_text]
    data = [reference_cache.environment_digest(), dataclasses.asdict(limits), isolation, secret]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


@dataclass(frozen=True)
class Job:
    """One submission to grade ahead."""

    assignment: str
    student: str
    path: str
    """The submitted notebook."""

    @property
    def id(self) -> str:
        return job_id(self.assignment, self.student)


def job_id(assignment: str, student: str) -> str:
    return hashlib.sha256(f"{assignment}\0{student}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Plan:
    """What a grader ahead grades (in this order) and with which grader."""

    key: str
    """``grader_key`` of the grader."""
    limits: Limits
    isolation: str
    workers: int
    jobs: tuple[Job, ...]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        jobs = tuple(Job(**job) for job in data["jobs"])
        return cls(data["key"], Limits(**data["limits"]), data["isolation"], data["workers"], jobs)


@dataclass(frozen=True)
class Entry:
    """What the grader ahead leaves for one job: the result with the fingerprint of the
    cells it was graded from, or why there is none; ``key`` names the grader."""

    key: str
    fingerprint: str | None = None
    result: NotebookResult | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        result = None if self.result is None else self.result.to_dict()
        return {"key": self.key, "fingerprint": self.fingerprint, "result": result, "error": self.error}

    @classmethod
    def from_dict(cls, data: dict | None) -> Entry:
        """The entry ``to_dict`` wrote; anything else (a torn or foreign file) is an entry of
        no grader, so it is never taken."""
        try:
            result = None if data["result"] is None else NotebookResult.from_dict(data["result"])
            return cls(data["key"], data["fingerprint"], result, data["error"])
        except (KeyError, TypeError, ValueError) as err:
            return cls("", error=f"unreadable entry: {err!r}")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _read_plan(store: Path) -> Plan | None:
    """The store's plan, or None (none yet, or a torn or foreign file)."""
    try:
        return Plan.from_dict(_read_json(store / "plan.json"))
    except (KeyError, TypeError, ValueError):
        return None


def service_running(store: Path) -> bool:
    """True while a grader ahead holds the store's lock."""
    if not (store / "lock").exists():
        return False
    fd = os.open(store / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the probe's own lock, if it got one
    return False


class GradingAhead:
    """The results graded ahead, as one nbgrader command takes them.

    Args:
        store: the course's store (``store_for``).
        key: ``grader_key`` of the grader this command would grade with.
        planned: ids of the jobs a running grader ahead is still to deliver.
    """

    def __init__(self, store: Path, key: str, planned: frozenset[str] = frozenset()):
        self.store, self.key, self.planned = store, key, planned

    @classmethod
    def start(cls, store: Path, plan: Plan) -> tuple[GradingAhead, int | None]:
        """Take the results of a grader ahead already at work, or of one that finished
        every job of ``plan``'s first assignment with the same grader; else start one
        for ``plan``. Returns the results and the pid of a grader ahead started now."""
        if not plan.jobs:
            return cls(store, plan.key), None
        (store / "results").mkdir(parents=True, exist_ok=True)
        lock = os.open(store / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # at work: wait for what it plans, if it grades as this command would
                running = _read_plan(store)
                jobs = running.jobs if running is not None and running.key == plan.key else ()
                return cls(store, plan.key, frozenset(j.id for j in jobs)), None
            earlier = _read_plan(store)
            first = [j for j in plan.jobs if j.assignment == plan.jobs[0].assignment]
            if (
                earlier is not None
                and earlier.key == plan.key
                and all((store / "results" / f"{j.id}.json").exists() for j in first)
            ):
                return cls(store, plan.key), None
            _prune(store.parent, keep=store)
            shutil.rmtree(store / "results")
            (store / "results").mkdir()
            _write_json(store / "plan.json", plan.to_dict())
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_PARENT), os.environ.get("PYTHONPATH")])),
            }
            with open(store / "service.log", "ab") as log:
                service = subprocess.Popen(
                    [sys.executable, "-m", "autograder.frontends.nbgrader_ahead", str(store)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=store,
                    env=env,
                    pass_fds=(lock,),  # the same open lock: held until the grader ahead ends
                    start_new_session=True,  # outlives this command, and its Ctrl-C
                )
            return cls(store, plan.key, frozenset(j.id for j in plan.jobs)), service.pid
        finally:
            os.close(lock)

    def take(
        self, nb: dict, student: str, assignment: Assignment, demos: dict[str, str]
    ) -> tuple[NotebookResult | None, str]:
        """The result of ``nb`` (as nbgrader sanitized it) graded ahead from the very same
        cells by the same grader, waiting while it is still being graded, and how it was
        found; the result is None when there is none (the notebook must then be graded
        now), and the text says why."""
        job = job_id(assignment.name, student)
        entry = self._claim(job)
        while entry is None and job in self.planned and not (self.store / "results" / f"{job}.used").exists():
            if not service_running(self.store):
                entry = self._claim(job)  # written just before it ended
                break
            time.sleep(_POLL_SECONDS)
            entry = self._claim(job)
        if entry is None:
            return None, "not graded ahead"
        if entry.key != self.key:
            return None, "graded ahead by another grader (package, libraries, secret, limits or isolation)"
        if entry.result is None:
            return None, f"not graded ahead: {entry.error or 'no result'}"
        if entry.fingerprint != fingerprint(nb, demos):
            return None, "the notebook differs from the one graded ahead"
        return entry.result, "graded ahead"

    def _claim(self, job: str) -> Entry | None:
        """A finished job's entry, marked as used (it is taken once)."""
        path = self.store / "results" / f"{job}.json"
        used = path.with_suffix(".used")
        try:
            os.replace(path, used)
        except FileNotFoundError:
            return None
        return Entry.from_dict(_read_json(used))


def _prune(root: Path, keep: Path) -> None:
    """Remove other stores nobody has used for ``_KEEP_DAYS`` days."""
    cutoff = time.time() - _KEEP_DAYS * 86400
    for store in root.iterdir():
        try:
            if store != keep and (store / "plan.json").stat().st_mtime < cutoff and not service_running(store):
                shutil.rmtree(store)
        except OSError:
            pass


# The grader ahead's own side (a process of its own).


def _grade(grader: Grader, plan: Plan, job: Job, releases: dict[str, dict]) -> Entry:
    """A job's entry: the result with the fingerprint it was graded from, or an error."""
    assignment = ASSIGNMENTS[job.assignment]
    try:
        predicted = predict_sanitized(notebook.load(job.path), releases[job.assignment])
        graded = fingerprint(predicted, grader.demos(assignment))
    except (notebook.NotebookError, KeyError, TypeError, AttributeError) as err:
        return Entry(plan.key, error=f"not predicted: {err!r}")  # nbgrader's notebook is graded when it comes
    result = grader.grade_notebook(predicted, job.student, assignment)
    if result.grader_error:
        return Entry(plan.key, error=result.grader_error)
    return Entry(plan.key, graded, result)


def serve(store: Path) -> int:
    """Grade the store's plan, writing each job's entry as it finishes."""
    plan = Plan.from_dict(json.loads((store / "plan.json").read_text()))
    print(f"grader ahead (pid {os.getpid()}): {len(plan.jobs)} submissions, {plan.workers} workers", flush=True)
    grader = Grader(plan.limits, isolation=plan.isolation)
    releases: dict[str, dict] = {}
    try:
        for name in dict.fromkeys(job.assignment for job in plan.jobs):
            grader.prepare(ASSIGNMENTS[name])  # the fork servers preload at once
            try:
                releases[name] = notebook.load(ASSIGNMENTS[name].release_path())
            except notebook.NotebookError:
                pass  # not predicted: graded as nbgrader's pass reaches them
        grader.warm_up()

        def run(job: Job) -> None:
            start = time.monotonic()
            try:
                entry = _grade(grader, plan, job, releases)
            except Exception as err:  # a grader bug: this job is graded by its command instead
                entry = Entry(plan.key, error=f"{type(err).__name__}: {err}")
            _write_json(store / "results" / f"{job.id}.json", entry.to_dict())
            took = time.monotonic() - start
            print(f"{job.student}/{job.assignment}: {entry.error or 'graded'} ({took:.1f} s)", flush=True)

        pool = ThreadPoolExecutor(max_workers=plan.workers)
        try:
            list(pool.map(run, plan.jobs))
        finally:  # on Ctrl-C (the command that started it was interrupted): no new job, the running ones kept
            pool.shutdown(wait=True, cancel_futures=True)
    except GraderError as err:  # e.g. no namespaces: each command grades (and reports) on its own
        print(f"grader ahead stopped: {err}", flush=True)
        return 1
    except KeyboardInterrupt:
        print("grader ahead stopped: the command was interrupted", flush=True)
        return 130
    finally:
        grader.close()
    return 0


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
