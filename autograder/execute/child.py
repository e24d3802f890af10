"""The sandboxed child's side: run the cells and the calls the parent sends, answer
with plain data.

The child is forked from a fork server (``autograder.execute.forkserver``), isolated by
``autograder.execute.isolation``, and then serves one request at a time on its channel:

- ``{"op": "cell", "index": i, "source": s}`` -> ``{"event": "cell_done", "index": i,
  "error": error | None, "output": str, "seconds": float}``;
- ``{"op": "call", "index": i, "call": {...}}`` -> ``{"event": "result", "index": i,
  "value": ..., "error": error | None, "mutated": bool, "seconds": float}``;

where an error is ``autograder.core.outcomes.CallError.to_wire()``: a kind, a message
and the module it names;
- ``{"op": "exit"}`` or the channel closing ends it.

Nothing it says decides a score by itself: the parent compares the values with its
own references. In a NumPy-only child the forbidden libraries do not exist; their
names import as ``Unavailable`` placeholders that raise ``NumpyOnlyError`` when
used, so a notebook that imports TensorFlow at the top still defines its functions.
"""

from __future__ import annotations

import enum
import importlib.abc
import importlib.machinery
import sys
import time
import types

from ..core import plain
from ..core.outcomes import CallError, ErrorKind
from .calls import CallSpec, CallTimeout, NumpyOnlyError, call, error_kind, student_traceback, time_limit


class Op(str, enum.Enum):
    """What the parent asks a child (the ``op`` of a request)."""

    CELL = "cell"
    CALL = "call"
    EXIT = "exit"
    FORK = "fork"
    """Asked of a fork server, not of a child."""


class Event(str, enum.Enum):
    """What a child or a fork server says (the ``event`` of a message)."""

    READY = "ready"
    FATAL = "fatal"
    """Isolation or preloading failed, before any student code ran."""
    CELL_DONE = "cell_done"
    RESULT = "result"
    FORKED = "forked"
    ERROR = "error"


FORBIDDEN_MODULES = ("tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib", "skimage", "cv2")
FORBIDDEN_SUBMODULES = ("scipy.signal", "scipy.ndimage")
MAX_MESSAGE = 256 * 2**20


def _forbidden(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES + FORBIDDEN_SUBMODULES)


class Unavailable(types.ModuleType):
    """Stands in for a forbidden module (or anything taken from it): using it raises."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Unavailable(f"{self.__name__}.{attr}")

    def _refuse(self, *args, **kwargs):
        top = self.__name__.split(".")[0]
        raise NumpyOnlyError(
            f"{self.__name__} is not available here: this function must compute with NumPy only "
            f"({top} does not exist where NumPy-only functions are graded)",
            top,
        )

    __call__ = __getitem__ = __iter__ = __array__ = __mro_entries__ = _refuse
    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __matmul__ = __truediv__ = _refuse


class _UnavailableFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of forbidden modules give ``Unavailable`` placeholders."""

    def find_spec(self, name, path=None, target=None):
        if _forbidden(name):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = Unavailable(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def numpy_only() -> None:
    """Make the forbidden libraries import as placeholders (NumPy-only children)."""
    for name in list(sys.modules):
        if _forbidden(name):
            del sys.modules[name]
    sys.meta_path.insert(0, _UnavailableFinder())


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


def notebook_shell():
    """The IPython shell that runs a notebook's cells: no colours, no history. The fork
    server creates it and runs one cell, so each child starts with it ready."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if not InteractiveShell.initialized():
        config = Config({"HistoryManager": {"enabled": False}})
        InteractiveShell.instance(colors="NoColor", config=config).run_cell("pass", store_history=False)
    return InteractiveShell.instance()


def run_cell(shell, source: str, seconds: float, output_bytes: int) -> dict:
    """Run one cell with a time limit; its output captured (and capped)."""
    captured = _CappedText(output_bytes)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    start = time.perf_counter()
    try:
        with time_limit(seconds):
            result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        sys.stdout, sys.stderr = saved
    error = result.error_before_exec or result.error_in_exec
    if isinstance(error, CallTimeout):
        reported = CallError(ErrorKind.TIMED_OUT, f"the cell ran past {seconds:g} s and was stopped")
    elif error is not None:
        kind, module = error_kind(error)
        reported = CallError(kind, student_traceback(error), module)
    else:
        reported = None
    return {
        "error": None if reported is None else reported.to_wire(),
        "output": captured.value(),
        "seconds": time.perf_counter() - start,
    }


def serve(conn, cell_seconds: float, output_bytes: int) -> None:
    """Answer the parent's requests until it says exit or the channel closes."""
    send, recv, dumps, loads = conn.send_bytes, conn.recv_bytes, plain.dumps, plain.loads
    shell = notebook_shell()
    send(dumps({"event": Event.READY}))
    while True:
        try:
            request = loads(recv(MAX_MESSAGE))
        except (EOFError, OSError, ValueError):
            return
        op = request.get("op") if isinstance(request, dict) else None
        if op == Op.CELL:
            reply = run_cell(shell, request["source"], cell_seconds, output_bytes)
            send(dumps({"event": Event.CELL_DONE, "index": request["index"], **reply}))
        elif op == Op.CALL:
            spec = CallSpec.from_plain(request["call"])
            if spec.function not in shell.user_ns:
                error = CallError(ErrorKind.NOT_DEFINED, f"{spec.function} is not defined in the notebook")
                outcome = {"value": None, "error": error.to_wire(), "mutated": False, "seconds": 0.0}
            else:
                outcome = call(shell.user_ns[spec.function], spec)
            send(dumps({"event": Event.RESULT, "index": request["index"], **outcome}))
        else:
            return
