"""Running student code in a sandboxed child process.

The child (forked from a server that has imported NumPy/TensorFlow/Keras once)
drops privileges, limits its memory, executes the notebook's code cells in an
IPython shell (an error in one cell does not stop the rest), then calls the
student functions on the inputs the parent sent, and sends back plain data.

The parent never unpickles anything from the child and enforces the wall-time
limits itself: a cell that hangs or kills the process costs only that cell (the
notebook is run again without it); a call that hangs or crashes costs that call
and the later calls of the same function.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import queue
import resource
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field

from . import plain
from .calls import CallTimeout, call, resolve, student_traceback
from .spec import Check

NOBODY = 65534
_MAX_MESSAGE = 256 * 2**20


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

    cells: dict[int, dict] = field(default_factory=dict)
    """Cell index -> {"error": str|None, "output": str}."""
    outcomes: dict[int, dict] = field(default_factory=dict)
    """Call index -> the plain outcome of ``autograder.calls.call``."""
    notes: list[str] = field(default_factory=list)
    """Events worth telling: skipped cells, killed calls, time limits."""
    tampered: list[str] = field(default_factory=list)
    """Grader, builtin or NumPy attributes the student code replaced."""
    seconds: float = 0.0

    @property
    def student_seconds(self) -> float:
        """Time spent in the student's cells and functions (the rest is overhead)."""
        cells = sum(float(c.get("seconds") or 0.0) for c in self.cells.values())
        return cells + sum(float(o.get("seconds") or 0.0) for o in self.outcomes.values())


class GraderError(RuntimeError):
    """The grader itself failed (not the student's fault)."""


class _CappedText:
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def value(self) -> str:
        tail = f"\n[... {self.dropped} more characters of output dropped]" if self.dropped else ""
        return "".join(self.parts) + tail


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _readable_by_others(path: str) -> bool:
    """True when an unprivileged user can read ``path`` (every parent searchable)."""
    path = os.path.realpath(path)
    while True:
        mode = os.stat(path).st_mode
        if not mode & stat.S_IXOTH or not mode & stat.S_IROTH:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


@functools.cache
def drop_privileges() -> bool:
    """Run children as ``nobody``: only when we are root and Python's files (and
    this package) stay readable for an unprivileged user."""
    needed = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(__file__))]
    return os.geteuid() == 0 and all(_readable_by_others(p) for p in needed)


def _isolate(workdir: str, limits: Limits) -> None:
    """Child side: own session, no terminal output, memory cap, no root."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    cap = _vm_size() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if drop_privileges():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    os.chdir(workdir)
    os.environ.update(
        HOME=workdir,
        IPYTHONDIR=os.path.join(workdir, ".ipython"),
        MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"),
        KERAS_HOME=os.path.join(workdir, ".keras"),
        MPLBACKEND="Agg",
        TMPDIR=workdir,
    )
    tempfile.tempdir = workdir
    if limits.threads:
        import tensorflow as tf  # preloaded, and no op has run yet in this process

        tf.config.threading.set_intra_op_parallelism_threads(limits.threads)
        tf.config.threading.set_inter_op_parallelism_threads(limits.threads)


def notebook_shell():
    """The IPython shell that runs a notebook's cells: no colours, no history (cells
    are not stored). ``autograder.preload`` creates it in the fork server and runs
    one cell, so each child starts with it ready."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if not InteractiveShell.initialized():
        config = Config({"HistoryManager": {"enabled": False}})
        InteractiveShell.instance(colors="NoColor", config=config).run_cell("pass", store_history=False)
    return InteractiveShell.instance()


def _run_cell(shell, source: str, limits: Limits) -> dict:
    captured = _CappedText(limits.output_bytes)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured

    def on_alarm(signum, frame):
        raise CallTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.cell_seconds)
    start = time.perf_counter()
    try:
        result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = saved
    error = result.error_before_exec or result.error_in_exec
    if isinstance(error, CallTimeout):
        message = f"the cell ran past {limits.cell_seconds:g} s and was stopped"
    elif error is not None:
        message = student_traceback(error)
    else:
        message = None
    return {"error": message, "output": captured.value(), "seconds": time.perf_counter() - start}


def _grader_state() -> dict:
    """What student code must not replace: the grader's modules, builtins, NumPy's
    functions and the profiler hooks, as (module name, attribute) -> object."""
    import builtins

    import numpy

    from . import calls as calls_module

    state = {}
    state.update({("builtins", k): v for k, v in vars(builtins).items() if not k.startswith("_")})
    for module in (numpy, calls_module, plain, sys.modules[__name__]):
        state.update({(module.__name__, k): v for k, v in vars(module).items() if not k.startswith("__")})
    for name in ("setprofile", "getprofile", "settrace"):
        state[("sys", name)] = getattr(sys, name)
    return state


_ANSWER_MODULES = ("autograder.checks", "autograder.hidden", "autograder.references", "autograder.inline")


def _changed(state: dict) -> list[str]:
    """Replaced attributes, and grader modules holding answers that were imported."""
    changed = [name for name in sys.modules if name.startswith(_ANSWER_MODULES)]
    for (module_name, attr), obj in state.items():
        module = sys.modules.get(module_name)
        if module is None or getattr(module, attr, None) is not obj:
            changed.append(f"{module_name}.{attr}")
    return changed


def _child_main(conn, workdir: str, cells: list, calls: list, limits: Limits) -> None:
    """Entry point of the sandboxed child (runs after the fork). Everything it uses
    after student code has run is bound to locals first, so replacing module
    attributes cannot change it; replacements are detected and reported."""
    send, dumps, run_cell, run_call, find = conn.send_bytes, plain.dumps, _run_cell, call, resolve
    try:
        _isolate(workdir, limits)
        shell = notebook_shell()
        state, changed = _grader_state(), _changed
    except BaseException:
        send(dumps({"event": "fatal", "reason": traceback.format_exc(limit=3)}))
        raise
    send(dumps({"event": "ready"}))
    for index, source in cells:
        send(dumps({"event": "cell", "index": index}))
        send(dumps({"event": "cell_done", "index": index, **run_cell(shell, source, limits)}))
    tampered = changed(state)
    for index, check in calls:
        send(dumps({"event": "call", "index": index}))
        try:
            obj = find(shell.user_ns, check)
        except NameError as err:
            outcome = {"value": None, "error": str(err), "mutated": False, "forbidden": [], "seconds": 0.0}
        else:
            outcome = run_call(obj, check, probe=check.manual)
        tampered += [name for name in changed(state) if name not in tampered]
        send(dumps({"event": "result", "index": index, "outcome": outcome}))
    send(dumps({"event": "done", "tampered": tampered}))
    conn.close()


def _for_child(check: Check) -> Check:
    """The parts of a check the child needs: no references, no mistakes."""
    return dataclasses.replace(check, reference=None, mistakes={}, compare=None, description="")


class _Child:
    """One sandboxed child and a thread that reads its messages into a queue."""

    def __init__(self, context, cells, calls, limits):
        self.workdir = tempfile.mkdtemp(prefix="autograder-")
        if drop_privileges():
            os.chown(self.workdir, NOBODY, NOBODY)
        self.messages: queue.Queue = queue.Queue()
        reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child_main, args=(writer, self.workdir, cells, calls, limits), daemon=True
        )
        try:
            self.process.start()
        except Exception as err:
            raise GraderError(f"could not start the sandbox: {err}") from err
        writer.close()
        threading.Thread(target=self._read, args=(reader,), daemon=True).start()

    def _read(self, reader) -> None:
        try:
            while True:
                self.messages.put(plain.loads(reader.recv_bytes(_MAX_MESSAGE)))
        except (EOFError, OSError, ValueError) as err:
            self.messages.put({"event": "eof", "reason": str(err) or type(err).__name__})
        finally:
            reader.close()

    def next(self, timeout: float) -> dict | None:
        try:
            message = self.messages.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None
        return message if isinstance(message, dict) else {"event": "eof", "reason": "garbled message"}

    def stop(self) -> None:
        if self.process.pid and self.process.exitcode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.join(5)
        shutil.rmtree(self.workdir, ignore_errors=True)


def run_submission(context, cells: list[tuple[int, str]], checks: list[Check], limits: Limits) -> SandboxRun:
    """Execute ``cells`` (index, source) and call each check in a sandbox.

    Args:
        context: a multiprocessing context (``autograder.engine`` gives a fork server).
        cells: code cells to run in order, as (cell index, source).
        checks: the checks to call after the cells, in order.
        limits: time, memory and output limits.

    Returns:
        A ``SandboxRun``; every check index has an outcome, even if it could not run.
    """
    run = SandboxRun()
    start = time.monotonic()
    deadline = start + limits.submission_seconds
    skipped: set[int] = set()
    pending = [(i, _for_child(c)) for i, c in enumerate(checks)]
    while True:
        todo_cells = [(i, s) for i, s in cells if i not in skipped]
        child = _Child(context, todo_cells, pending, limits)
        busy: tuple[str, int] | None = None
        phase_end = deadline
        try:
            while True:
                message = child.next(min(deadline, phase_end) - time.monotonic())
                event = message.get("event") if message else "timeout"
                if event == "ready":
                    continue
                if event == "fatal":
                    raise GraderError(f"the sandbox could not start: {message.get('reason')}")
                if event == "cell":
                    busy = ("cell", message.get("index"))
                    phase_end = time.monotonic() + limits.cell_seconds + 2.0
                elif event == "cell_done":
                    run.cells[message.get("index")] = {
                        "error": message.get("error"),
                        "output": message.get("output", ""),
                        "seconds": message.get("seconds", 0.0),
                    }
                    busy, phase_end = None, deadline
                elif event == "call":
                    busy = ("call", message.get("index"))
                    check = checks[busy[1]] if isinstance(busy[1], int) and busy[1] < len(checks) else None
                    phase_end = time.monotonic() + (check.timeout if check else 10.0) + 2.0
                elif event == "result":
                    index = message.get("index")
                    if isinstance(index, int) and 0 <= index < len(checks):
                        run.outcomes[index] = message.get("outcome") or {}
                    pending = [(i, c) for i, c in pending if i != index]
                    busy, phase_end = None, deadline
                elif event == "done":
                    tampered = message.get("tampered") or []
                    if tampered:
                        run.tampered = sorted(set(run.tampered) | {str(t) for t in tampered})
                    break
                else:  # timeout, eof or garbage: the child is stopped and the culprit noted
                    out_of_time = time.monotonic() >= deadline
                    reason = "ran past its time limit" if event == "timeout" else "ended the process"
                    if busy is None and not run.cells and not run.outcomes and event != "timeout":
                        raise GraderError(f"the sandbox stopped before running anything ({message.get('reason')})")
                    if out_of_time:
                        run.notes.append(f"The submission used up its {limits.submission_seconds:g} s.")
                        for i, _ in pending:
                            run.outcomes.setdefault(
                                i, _failure(f"not run: the submission used up its {limits.submission_seconds:g} s")
                            )
                        pending = []
                    elif busy and busy[0] == "cell":
                        skipped.add(busy[1])
                        run.cells[busy[1]] = {
                            "error": f"this cell {reason}; the notebook was run again without it",
                            "output": "",
                        }
                        run.notes.append(f"Cell {busy[1]} {reason} and was skipped.")
                    elif busy and busy[0] == "call":
                        failed = checks[busy[1]].function
                        run.outcomes[busy[1]] = _failure(f"{failed} {reason} (the call was stopped)")
                        for i, c in pending:
                            if i != busy[1] and c.function == failed:
                                run.outcomes[i] = _failure(f"not run: an earlier call of {failed} {reason}")
                        pending = [(i, c) for i, c in pending if c.function != failed]
                    else:
                        run.notes.append(f"The sandbox {reason} between steps.")
                        for i, _ in pending:
                            run.outcomes.setdefault(i, _failure(f"not run: the sandbox {reason}"))
                        pending = []
                    break
        finally:
            child.stop()
        if event == "done" or not pending:
            break
    for i in range(len(checks)):
        run.outcomes.setdefault(i, _failure("not run"))
    run.seconds = time.monotonic() - start
    return run


def _failure(reason: str) -> dict:
    return {"value": None, "error": reason, "mutated": False, "forbidden": [], "seconds": 0.0}
