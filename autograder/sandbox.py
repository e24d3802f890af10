"""Running a submission in sandboxed children, and what the grader accepts back.

A submission runs in one child per kind it needs (see ``autograder.forkserver``):
the NumPy-only functions in a ``numpy`` child, the others in a ``tf`` child. Each
child executes the notebook's code cells in order, then the parent sends it one
call at a time and reads exactly one reply per request, within a deadline. A reply
is validated strictly (its event, index, types and sizes); anything else counts as
that step failing. Nothing the child says about itself can raise a score: the
parent keeps only the values it received for its own calls.

The parent enforces the wall-time limits itself: a cell that hangs, kills the
child or garbles the channel costs only that cell (the notebook is run again
without it); a call that does costs that call and the later calls of the same
function.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import plain
from .calls import CallSpec
from .child import MAX_MESSAGE
from .forkserver import ForkServer, ForkServerError
from .spec import Check

ISOLATION_MODES = ("namespaces", "none")
_READY_SECONDS = 30.0
_GRACE_SECONDS = 2.0
_MAX_TEXT = 64 * 1024
_MAX_ELEMENTS = 2**26


class GraderError(RuntimeError):
    """The grader itself failed (not the student's fault)."""


class IsolationUnavailable(GraderError):
    """The kernel cannot isolate children here (``--isolation none`` grades anyway)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission."""

    cell_seconds: float = 60.0
    """Wall time one notebook cell may take."""
    submission_seconds: float = 300.0
    """Wall time for the whole submission: all cells and all calls."""
    memory_bytes: int = 3 * 2**30
    """Address space the child may add beyond the preloaded libraries."""
    output_bytes: int = 2**20
    """Captured output kept per cell; the rest is counted and dropped."""
    threads: int = 0
    """CPU threads TensorFlow may use in one submission; 0 leaves TensorFlow's
    default (every core). The batch grader shares the cores out among its workers."""
    scratch_bytes: int = 256 * 2**20
    """Size of the child's private /tmp (and /dev/shm), and the largest file it may write."""
    processes: int = 512
    """Processes and threads the child's user may have (RLIMIT_NPROC)."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value, zero_ok = getattr(self, f.name), f.name in ("output_bytes", "threads")
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or value < 0 or (value == 0 and not zero_ok):
                wanted = "a number >= 0" if zero_ok else "a positive number"
                raise ValueError(f"Limits.{f.name} must be {wanted}. Received: {f.name}={value!r}")


@dataclass(frozen=True)
class CellRun:
    """One notebook cell, as run in the sandbox."""

    error: str | None = None
    """The error in the student's words (type, message, their own lines), or None."""
    output: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class CallOutcome:
    """One call of a student function: the answer as plain data, or why there is none."""

    value: Any = None
    error: str | None = None
    mutated: bool = False
    """The child says the call changed its array arguments (can only cost points)."""
    seconds: float = 0.0


@dataclass
class SandboxRun:
    """What happened to one submission in the sandbox."""

    cells: dict[int, CellRun] = field(default_factory=dict)
    """Cell index -> how it ran (in the TensorFlow child when there is one)."""
    outcomes: dict[int, CallOutcome] = field(default_factory=dict)
    """Check index -> the outcome of its call."""
    notes: list[str] = field(default_factory=list)
    """Events worth telling: skipped cells, killed calls, time limits."""
    seconds: float = 0.0
    student_seconds: float = 0.0
    """Time spent in the student's cells and functions (the rest is overhead)."""


def kind_of(check: Check) -> str:
    """The child a check's function is called in."""
    return "numpy" if check.manual else "tf"


# ----------------------------------------------------------------------------------------------
# Validating what the child sends


class _Invalid(ValueError):
    """A reply the parent does not accept."""


def _text(value: Any, limit: int = _MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise _Invalid("text expected")
    return value if len(value) <= limit else value[:limit] + "\n[... cut]"


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e6:
        raise _Invalid("seconds expected")
    return float(value)


def _plain_value(value: Any, depth: int = 0) -> Any:
    """The value, if it is plain data the comparators can read (numbers, strings,
    numeric arrays, lists and dicts of them), within size bounds."""
    if depth > 20:
        raise _Invalid("nested too deeply")
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf" or value.size > _MAX_ELEMENTS:
            raise _Invalid("array of numbers expected")
        return value
    if isinstance(value, (list, tuple)):
        return [_plain_value(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain_value(v, depth + 1) for k, v in value.items()}
    raise _Invalid("plain data expected")


def _cell_reply(message: Any, index: int) -> tuple[CellRun, bool]:
    if not isinstance(message, dict) or message.get("event") != "cell_done" or message.get("index") != index:
        raise _Invalid("not the reply to this cell")
    error = message.get("error")
    forbidden = message.get("forbidden")
    if not isinstance(forbidden, bool):
        raise _Invalid("bad cell reply")
    run = CellRun(None if error is None else _text(error), _text(message.get("output"), 2**24), 0.0)
    return dataclasses.replace(run, seconds=_seconds(message.get("seconds"))), forbidden


def _call_reply(message: Any, index: int) -> CallOutcome:
    if not isinstance(message, dict) or message.get("event") != "result" or message.get("index") != index:
        raise _Invalid("not the reply to this call")
    error, mutated = message.get("error"), message.get("mutated")
    if not isinstance(mutated, bool):
        raise _Invalid("bad call reply")
    value = _plain_value(message.get("value"))
    return CallOutcome(value, None if error is None else _text(error), mutated, _seconds(message.get("seconds")))


# ----------------------------------------------------------------------------------------------
# One child


class _Child:
    """One sandboxed child: ask it something, get its reply or why there is none."""

    def __init__(self, server: ForkServer, limits: Limits, isolation: str, deadline: float):
        request = {
            "isolation": isolation,
            "cell_seconds": limits.cell_seconds,
            "output_bytes": limits.output_bytes,
            "memory_bytes": limits.memory_bytes,
            "scratch_bytes": limits.scratch_bytes,
            "processes": limits.processes,
            "threads": limits.threads,
        }
        reason = ""
        for _attempt in range(2):  # nothing of the student's has run yet: a failure is the grader's
            try:
                self.pid, self.conn = server.fork(request)
            except ForkServerError as err:
                raise GraderError(f"could not start the sandbox: {err}") from err
            self.messages: queue.Queue = queue.Queue()
            threading.Thread(target=self._read, daemon=True).start()
            message = self._next(min(_READY_SECONDS, max(deadline - time.monotonic(), 1.0)))
            if isinstance(message, dict) and message.get("event") == "ready":
                return
            self.stop()
            if isinstance(message, dict) and message.get("event") == "fatal":
                reason = _text(str(message.get("reason")), 2000)
                if isolation == "namespaces":
                    raise IsolationUnavailable(f"the kernel refused to isolate the child: {reason}")
                raise GraderError(f"the sandbox could not start: {reason}")
            reason = message if isinstance(message, str) else "sent a bad first message"
        raise GraderError(f"the sandbox did not start twice in a row (it {reason})")

    def _read(self) -> None:
        try:
            while True:
                self.messages.put(plain.loads(self.conn.recv_bytes(MAX_MESSAGE)))
        except EOFError:
            self.messages.put("ended the process")
        except Exception as err:  # garbled data, or the channel closed under the reader by stop()
            self.messages.put(f"sent an unreadable message ({type(err).__name__}: {err})")

    def _next(self, seconds: float) -> Any:
        try:
            return self.messages.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            return "ran past its time limit"

    def ask(self, request: dict, seconds: float) -> Any:
        """Send ``request``; the reply, or a reason (str) when there is none in time."""
        try:
            self.conn.send_bytes(plain.dumps(request))
        except (OSError, ValueError):
            return "ended the process"
        return self._next(seconds)

    def stop(self) -> None:
        try:
            self.conn.send_bytes(plain.dumps({"op": "exit"}))
        except (OSError, ValueError):
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.conn.close()


# ----------------------------------------------------------------------------------------------
# One submission


def probe(server: ForkServer, limits: Limits, isolation: str) -> None:
    """Start one child and stop it: the server has preloaded and the kernel isolates.

    Raises:
        GraderError: as ``run_submission``.
    """
    _Child(server, limits, isolation, time.monotonic() + limits.submission_seconds).stop()


def _failure(reason: str) -> CallOutcome:
    return CallOutcome(error=reason)


def run_submission(
    servers: dict[str, ForkServer],
    cells: list[tuple[int, str]],
    checks: list[Check],
    limits: Limits,
    isolation: str = "namespaces",
) -> SandboxRun:
    """Execute ``cells`` (index, source) and call each check in sandboxed children.

    Args:
        servers: a fork server per kind the checks need ("tf", "numpy").
        cells: code cells to run in order, as (cell index, source).
        checks: the checks to call after the cells, in order.
        limits: time, memory and output limits.
        isolation: "namespaces" (kernel isolation) or "none".

    Returns:
        A ``SandboxRun``; every check index has an outcome, even if it could not run.

    Raises:
        GraderError: when a child cannot be started (``IsolationUnavailable`` when
            the kernel refuses the namespaces).
    """
    run = SandboxRun()
    start = time.monotonic()
    deadline = start + limits.submission_seconds
    skipped: set[int] = set()
    kinds = [k for k in ("numpy", "tf") if any(kind_of(c) == k for c in checks)] or list(servers)[:1]
    for kind in kinds:
        pending = [i for i, c in enumerate(checks) if kind_of(c) == kind]
        report_cells = kind == kinds[-1]  # the TensorFlow child's cells, when there is one
        while True:
            out_of_time = _run_child(
                run, servers[kind], cells, checks, pending, skipped, limits, isolation, deadline, report_cells
            )
            if out_of_time:
                run.notes.append(f"The submission used up its {limits.submission_seconds:g} s.")
                for i in pending:
                    run.outcomes[i] = _failure(f"not run: the submission used up its {limits.submission_seconds:g} s")
                pending.clear()
            if not pending:
                break
        if time.monotonic() >= deadline:
            break
    for i in range(len(checks)):
        run.outcomes.setdefault(i, _failure("not run"))
    run.seconds = time.monotonic() - start
    return run


def _run_child(run, server, cells, checks, pending, skipped, limits, isolation, deadline, report_cells) -> bool:
    """Run the cells and as many pending calls as one child gets through. Removes
    the calls it settles from ``pending``, adds a failing cell to ``skipped``.
    Returns True when the submission ran out of time."""
    child = _Child(server, limits, isolation, deadline)
    try:
        for index, source in cells:
            if index in skipped:
                continue
            left = deadline - time.monotonic()
            reply = child.ask(
                {"op": "cell", "index": index, "source": source}, min(limits.cell_seconds, left) + _GRACE_SECONDS
            )
            try:
                cell, forbidden = _cell_reply(reply, index)
            except _Invalid:
                if time.monotonic() >= deadline:
                    return True
                reason = reply if isinstance(reply, str) else "sent an invalid message"
                skipped.add(index)
                run.cells[index] = CellRun(f"this cell {reason}; the notebook was run again without it")
                return False
            run.student_seconds += cell.seconds
            if report_cells:
                run.cells[index] = dataclasses.replace(cell, error=None) if forbidden else cell
        for i in list(pending):
            check = checks[i]
            left = deadline - time.monotonic()
            spec = CallSpec.of(check).to_plain()
            reply = child.ask({"op": "call", "index": i, "call": spec}, min(check.timeout, left) + _GRACE_SECONDS)
            try:
                outcome = _call_reply(reply, i)
            except _Invalid:
                if time.monotonic() >= deadline:
                    return True
                reason = reply if isinstance(reply, str) else "sent an invalid message"
                run.outcomes[i] = _failure(f"{check.function} {reason} (the call was stopped)")
                for j in list(pending):
                    if j != i and checks[j].function == check.function:
                        run.outcomes[j] = _failure(f"not run: an earlier call of {check.function} {reason}")
                pending[:] = [j for j in pending if checks[j].function != check.function]
                return False
            run.student_seconds += outcome.seconds
            run.outcomes[i] = outcome
            pending.remove(i)
        return False
    finally:
        child.stop()
