"""Running a submission in sandboxed children, and what the grader accepts back.

A submission runs in one child per kind it needs (see ``autograder.execute.forkserver``):
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
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from ..core import plain
from ..core.outcomes import CallError, CallOutcome, CellRun, ErrorKind, failed
from ..core.spec import Check
from .calls import CallSpec
from .child import MAX_MESSAGE, Event, Op
from .forkserver import ForkServer, ForkServerError

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
    """Resource limits for one submission. Each limit is described once, here: its
    field's ``metadata`` holds its ``help`` and ``unit``, which the command line's
    options and nbgrader's ``SandboxAutograde`` traits are made from. (``threads=0``
    leaves TensorFlow's default when the sandbox is called directly; the front ends
    share the cores out.)"""

    cell_seconds: float = field(default=60.0, metadata={"help": "wall time per notebook cell", "unit": "s"})
    submission_seconds: float = field(
        default=300.0, metadata={"help": "wall time per submission: all its cells and calls", "unit": "s"}
    )
    memory_bytes: int = field(
        default=3 * 2**30,
        metadata={"help": "address space a submission may add beyond the preloaded libraries", "unit": "bytes"},
    )
    output_bytes: int = field(
        default=2**20,
        metadata={"help": "captured output kept per cell (the rest is counted and dropped)", "unit": "bytes"},
    )
    threads: int = field(
        default=0,
        metadata={
            "help": "TensorFlow threads per submission; 0: the cores shared out among the submissions graded at once",
            "unit": "threads",
        },
    )
    scratch_bytes: int = field(
        default=256 * 2**20,
        metadata={
            "help": "size of a submission's private /tmp (and /dev/shm), and the largest file it may write",
            "unit": "bytes",
        },
    )
    processes: int = field(
        default=512, metadata={"help": "processes and threads a submission's user may have", "unit": "processes"}
    )
    fork_seconds: float = field(
        default=20.0,
        metadata={
            "help": "wall time a fork server may take to start a submission's child before it is replaced",
            "unit": "s",
        },
    )

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value, zero_ok = getattr(self, f.name), f.name in ("output_bytes", "threads")
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or value < 0 or (value == 0 and not zero_ok):
                wanted = "a number >= 0" if zero_ok else "a positive number"
                raise ValueError(f"Limits.{f.name} must be {wanted}. Received: {f.name}={value!r}")


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
    needs_tensorflow: bool = False
    """A cell used a library the NumPy-only child does not have: what the cells do is to
    be told from a run where TensorFlow exists (the errors that follow here are by design)."""


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


def _fields(message: Any, event: Event, index: int, names: set[str]) -> dict:
    """``message`` if it is exactly the reply ``event`` to request ``index`` with ``names``."""
    if not isinstance(message, dict) or set(message) != {"event", "index", *names}:
        raise _Invalid("not a reply with the expected fields")
    if message["event"] != event or message["index"] != index:
        raise _Invalid("not the reply to this request")
    return message


def _error(value: Any) -> CallError | None:
    try:
        return CallError.from_wire(value)
    except ValueError as err:
        raise _Invalid(str(err)) from None


def _cell_reply(message: Any, index: int) -> CellRun:
    reply = _fields(message, Event.CELL_DONE, index, {"error", "output", "seconds"})
    return CellRun(_error(reply["error"]), _text(reply["output"], 2**24), _seconds(reply["seconds"]))


def _call_reply(message: Any, index: int) -> CallOutcome:
    reply = _fields(message, Event.RESULT, index, {"value", "error", "mutated", "seconds"})
    if not isinstance(reply["mutated"], bool):
        raise _Invalid("bad call reply")
    return CallOutcome(
        _plain_value(reply["value"]), _error(reply["error"]), reply["mutated"], _seconds(reply["seconds"])
    )


@dataclass(frozen=True)
class _NoReply:
    """Why a child gave no reply: it ran out of time, or it ended or garbled the channel."""

    kind: ErrorKind
    reason: str


_TIMED_OUT = _NoReply(ErrorKind.TIMED_OUT, "ran past its time limit")
_ENDED = _NoReply(ErrorKind.CRASHED, "ended the process")
_INVALID = _NoReply(ErrorKind.CRASHED, "sent an invalid message")


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
                self.pid, self.sock = server.fork(request)
            except ForkServerError as err:
                raise GraderError(f"could not start the sandbox: {err}") from err
            # The reader reads (and at the end closes) a descriptor of its own, so no later
            # channel that reuses a closed descriptor's number can ever be read by it.
            self.conn = Connection(os.dup(self.sock.fileno()))
            self.messages: queue.Queue = queue.Queue()
            threading.Thread(
                target=_read, args=(Connection(os.dup(self.sock.fileno())), self.messages), daemon=True
            ).start()
            message = self._next(min(_READY_SECONDS, max(deadline - time.monotonic(), 1.0)))
            if message == {"event": Event.READY}:
                return
            self.stop()
            if isinstance(message, dict) and set(message) == {"event", "reason"} and message["event"] == Event.FATAL:
                reason = _text(str(message["reason"]), 2000)
                if isolation == "namespaces":
                    raise IsolationUnavailable(f"the kernel refused to isolate the child: {reason}")
                raise GraderError(f"the sandbox could not start: {reason}")
            reason = message.reason if isinstance(message, _NoReply) else "sent a bad first message"
        raise GraderError(f"the sandbox did not start twice in a row (it {reason})")

    def _next(self, seconds: float) -> Any:
        try:
            return self.messages.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            return _TIMED_OUT

    def ask(self, request: dict, seconds: float) -> Any:
        """Send ``request``; the reply (to be validated), or a ``_NoReply``."""
        try:
            self.conn.send_bytes(plain.dumps(request))
        except (OSError, ValueError):
            return _ENDED
        return self._next(seconds)

    def stop(self) -> None:
        try:
            self.conn.send_bytes(plain.dumps({"op": Op.EXIT}))
        except (OSError, ValueError):
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # the reader sees the end and closes its own descriptor
        except OSError:
            pass
        self.sock.close()
        self.conn.close()


def _read(conn: Connection, messages: queue.Queue) -> None:
    """A child's messages, as they come, into ``messages``; then why they stopped."""
    try:
        while True:
            messages.put(plain.loads(conn.recv_bytes(MAX_MESSAGE)))
    except EOFError:
        messages.put(_ENDED)
    except Exception as err:  # garbled data
        messages.put(_NoReply(ErrorKind.CRASHED, f"sent an unreadable message ({type(err).__name__}: {err})"))
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------------
# One submission


def probe(server: ForkServer, limits: Limits, isolation: str) -> None:
    """Start one child and stop it: the server has preloaded and the kernel isolates.

    Raises:
        GraderError: as ``run_submission``.
    """
    _Child(server, limits, isolation, time.monotonic() + limits.submission_seconds).stop()


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
    return _Supervisor(servers, cells, checks, limits, isolation).run()


class _Supervisor:
    """Drives one submission through its children: one method per thing that can
    happen to a cell or a call (it answered, or it failed and costs what it must)."""

    def __init__(self, servers, cells, checks, limits, isolation):
        self.servers, self.cells, self.checks, self.limits, self.isolation = servers, cells, checks, limits, isolation
        self.result = SandboxRun()
        self.skipped: set[int] = set()
        self.start = time.monotonic()
        self.deadline = self.start + limits.submission_seconds

    def run(self) -> SandboxRun:
        kinds = [k for k in ("numpy", "tf") if any(kind_of(c) == k for c in self.checks)] or list(self.servers)[:1]
        for kind in kinds:
            pending = [i for i, c in enumerate(self.checks) if kind_of(c) == kind]
            report_cells = kind == kinds[-1]  # the TensorFlow child's cells, when there is one
            self._one_child(self.servers[kind], pending, report_cells)  # cells run even with no call to make
            while pending and time.monotonic() < self.deadline:
                self._one_child(self.servers[kind], pending, report_cells)
            if pending:
                self._out_of_time(pending)
        for i in range(len(self.checks)):
            self.result.outcomes.setdefault(i, failed(ErrorKind.NOT_RUN, "not run"))
        self.result.seconds = time.monotonic() - self.start
        return self.result

    def _left(self, seconds: float) -> float:
        return min(seconds, self.deadline - time.monotonic()) + _GRACE_SECONDS

    def _one_child(self, server: ForkServer, pending: list[int], report_cells: bool) -> None:
        """Run the cells, then as many pending calls as one child gets through."""
        child = _Child(server, self.limits, self.isolation, self.deadline)
        try:
            for index, source in self.cells:
                if index in self.skipped:
                    continue
                reply = child.ask(
                    {"op": Op.CELL, "index": index, "source": source}, self._left(self.limits.cell_seconds)
                )
                try:
                    self._cell_done(index, _cell_reply(reply, index), report_cells)
                except _Invalid:
                    self._cell_failed(index, reply)
                    return
            for i in list(pending):
                check = self.checks[i]
                request = {"op": Op.CALL, "index": i, "call": CallSpec.of(check).to_plain()}
                reply = child.ask(request, self._left(check.timeout))
                try:
                    self._call_done(i, _call_reply(reply, i), pending)
                except _Invalid:
                    self._call_failed(i, reply, pending)
                    return
        finally:
            child.stop()

    def _cell_done(self, index: int, cell: CellRun, report: bool) -> None:
        self.result.student_seconds += cell.seconds
        forbidden = cell.error is not None and cell.error.kind == ErrorKind.FORBIDDEN_LIBRARY
        self.result.needs_tensorflow |= forbidden
        if report:  # a NumPy-only child's failed imports are not the student's errors
            self.result.cells[index] = dataclasses.replace(cell, error=None) if forbidden else cell

    def _cell_failed(self, index: int, reply: Any) -> None:
        """The cell hung, ended the child or garbled the channel: skip it from now on."""
        if time.monotonic() >= self.deadline:
            return
        lost = reply if isinstance(reply, _NoReply) else _INVALID
        self.skipped.add(index)
        message = f"this cell {lost.reason}; the notebook was run again without it"
        self.result.cells[index] = CellRun(CallError(lost.kind, message))

    def _call_done(self, i: int, outcome: CallOutcome, pending: list[int]) -> None:
        self.result.student_seconds += outcome.seconds
        self.result.outcomes[i] = outcome
        pending.remove(i)

    def _call_failed(self, i: int, reply: Any, pending: list[int]) -> None:
        """The call hung, ended the child or garbled the channel: it and the later calls
        of the same function fail."""
        if time.monotonic() >= self.deadline:
            return
        function = self.checks[i].function
        lost = reply if isinstance(reply, _NoReply) else _INVALID
        self.result.outcomes[i] = failed(lost.kind, f"{function} {lost.reason} (the call was stopped)")
        for j in pending:
            if j != i and self.checks[j].function == function:
                message = f"not run: an earlier call of {function} {lost.reason}"
                self.result.outcomes[j] = failed(ErrorKind.NOT_RUN, message)
        pending[:] = [j for j in pending if self.checks[j].function != function]

    def _out_of_time(self, pending: list[int]) -> None:
        seconds = self.limits.submission_seconds
        self.result.notes.append(f"The submission used up its {seconds:g} s.")
        for i in pending:
            self.result.outcomes[i] = failed(ErrorKind.NOT_RUN, f"not run: the submission used up its {seconds:g} s")
        pending.clear()
