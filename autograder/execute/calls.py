"""Calling a student function for one check, beside the student code.

``call(obj, spec)`` runs the function on fresh copies of the check's arguments
and returns a plain ``dict`` (see ``autograder.core.plain``):

- ``value``: the answer as plain data (None on error);
- ``error``: None, or why there is none as ``CallError.to_wire()`` (a kind found from
  the exception's type, never from its words, and the student's own frames as text);
- ``mutated``: True when the function changed one of its array arguments;
- ``seconds``: how long the call took.

The same code runs inside the sandboxed child and in a student's own kernel.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.i18n import N_
from ..core.outcomes import CallError, ErrorKind
from ..core.plain import NotPlain, to_plain
from ..core.spec import Check

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.dirname(os.__file__), sys.prefix, sys.base_prefix, _PACKAGE_DIR})


TIMED_OUT = N_("{function} did not return within {seconds} s")
UNREADABLE = N_("{function} returned {what}, which the grader cannot read")
NOT_IMPLEMENTED = N_("{function} is not implemented yet (it raises NotImplementedError)")
RAISED = N_("{function} raised an error:\n{traceback}")
ERRORS = (TIMED_OUT, UNREADABLE, NOT_IMPLEMENTED, RAISED)
"""What ``call`` says when there is no answer, in English: the child never translates,
the judge rewords it in the student's language (``autograder.core.i18n.reword``)."""


class CallTimeout(BaseException):
    """Raised inside a student function that runs past its check's time limit."""


class NumpyOnlyError(ImportError):
    """A NumPy-only function reached for a library it may not use (``module``: which)."""

    def __init__(self, message: str, module: str):
        super().__init__(message)
        self.module = module


_READ_ONLY = ("assignment destination is read-only", "output array is read-only")
"""NumPy's own ValueError for a write into a read-only array (the whole message)."""


def _grader_module(name: object) -> bool:
    return isinstance(name, str) and (name == "autograder" or name.startswith("autograder."))


def error_kind(exc: BaseException, readonly: bool = False) -> tuple[ErrorKind, str | None]:
    """The kind of an exception the student's code raised, and the module it names,
    from its type and attributes (never from words a student can write)."""
    if isinstance(exc, NumpyOnlyError):
        return ErrorKind.FORBIDDEN_LIBRARY, exc.module
    if isinstance(exc, ModuleNotFoundError) and _grader_module(exc.name):
        return ErrorKind.GRADER_MODULE, exc.name
    obj = getattr(exc, "obj", None) if isinstance(exc, AttributeError) else None
    if isinstance(obj, types.ModuleType) and _grader_module(obj.__name__):
        return ErrorKind.GRADER_MODULE, obj.__name__
    if readonly and type(exc) is ValueError and exc.args and exc.args[0] in _READ_ONLY:
        return ErrorKind.READ_ONLY_WRITE, None
    if isinstance(exc, NotImplementedError):
        return ErrorKind.NOT_IMPLEMENTED, None
    return ErrorKind.RAISED, None


def _copy_args(value: Any, readonly: bool) -> Any:
    if isinstance(value, np.ndarray):
        copy = value.astype(value.dtype.type, copy=True)  # the canonical dtype, as a fresh array has
        copy.setflags(write=not readonly)
        return copy
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_args(v, readonly) for v in value)
    if isinstance(value, dict):
        return {k: _copy_args(v, readonly) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return all(_same(a[k], b[k]) for k in a)
    return True


@dataclass(frozen=True)
class CallSpec:
    """What the child needs to make one call: never a reference, a mistake or a name
    of a check (the child learns nothing but its inputs)."""

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    readonly: bool = False
    adapter: str | None = None
    timeout: float = 10.0

    @classmethod
    def of(cls, check: Check) -> CallSpec:
        return cls(check.function, tuple(check.args), dict(check.kwargs), check.readonly, check.adapter, check.timeout)

    def to_plain(self) -> dict:
        return {
            "function": self.function,
            "args": list(self.args),
            "kwargs": dict(self.kwargs),
            "readonly": self.readonly,
            "adapter": self.adapter,
            "timeout": self.timeout,
        }

    @classmethod
    def from_plain(cls, data: dict) -> CallSpec:
        return cls(
            str(data["function"]),
            tuple(data["args"]),
            dict(data["kwargs"]),
            bool(data["readonly"]),
            data["adapter"],
            float(data["timeout"]),
        )


def student_traceback(exc: BaseException) -> str:
    """The exception in one line, after the frames of the student's own code."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if not os.path.abspath(f.filename).startswith(_LIBRARY_DIRS)
    ]
    lines = traceback.format_list(frames[-3:])
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _on_alarm(signum, frame):
    raise CallTimeout()


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``CallTimeout`` in the block after ``seconds`` of wall time (SIGALRM;
    only in the main thread, elsewhere no limit: the sandbox's parent enforces its
    own deadlines in any case)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def call(obj: Any, spec: CallSpec) -> dict:
    """Call ``obj`` as ``spec`` says; return {"value", "error", "mutated", "seconds"}."""
    args = _copy_args(spec.args, spec.readonly)
    kwargs = _copy_args(dict(spec.kwargs), spec.readonly)
    adapter = getattr(importlib.import_module("autograder.execute.adapters"), spec.adapter) if spec.adapter else None
    value, error = None, None
    start = time.perf_counter()
    try:
        with time_limit(spec.timeout):
            raw = adapter(obj, *args, **kwargs) if adapter else obj(*args, **kwargs)
        value = to_plain(raw)
    except CallTimeout:
        error = CallError(ErrorKind.TIMED_OUT, TIMED_OUT.format(function=spec.function, seconds=f"{spec.timeout:g}"))
    except NotPlain as err:
        error = CallError(ErrorKind.UNREADABLE, UNREADABLE.format(function=spec.function, what=err))
    except BaseException as err:  # the student's code may raise anything, SystemExit included
        kind, module = error_kind(err, spec.readonly)
        if kind == ErrorKind.NOT_IMPLEMENTED:
            error = CallError(kind, NOT_IMPLEMENTED.format(function=spec.function))
        else:
            error = CallError(kind, RAISED.format(function=spec.function, traceback=student_traceback(err)), module)
    return {
        "value": value,
        "error": None if error is None else error.to_wire(),
        "mutated": not _same(spec.args, args) or not _same(dict(spec.kwargs), kwargs),
        "seconds": time.perf_counter() - start,
    }
