"""Calling a student function for one check, beside the student code.

``call(obj, check)`` runs the function on fresh copies of the check's arguments
and returns a plain ``dict`` (see ``autograder.plain``):

- ``value``: the answer as plain data (None on error);
- ``error``: None, or a short reason (the student's own frames of a traceback);
- ``mutated``: True when the function changed one of its array arguments;
- ``forbidden``: modules outside NumPy that a manual function computed with;
- ``seconds``: how long the call took.

The same code runs inside the sandboxed child and in a student's own kernel.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
import traceback
from typing import Any

import numpy as np

from .plain import NotPlain, to_plain
from .spec import Check

FORBIDDEN_MODULES = ("tensorflow", "keras", "torch", "jax", "scipy.signal", "scipy.ndimage", "skimage", "cv2")
"""A manual function that calls into these earns no credit for that function."""

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple({os.path.dirname(os.__file__), sys.prefix, sys.base_prefix, _PACKAGE_DIR})
_TAMPER = {sys.setprofile, sys.settrace, threading.setprofile, threading.settrace}


class CallTimeout(BaseException):
    """Raised inside a student function that runs past its check's time limit."""


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


def _forbidden_module(name: str | None) -> str | None:
    if not name:
        return None
    for prefix in FORBIDDEN_MODULES:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


class _Probe:
    """A profile hook that records forbidden modules a call reaches, and any
    attempt to change the profiler while it runs."""

    def __init__(self):
        self.found: set[str] = set()

    def __call__(self, frame, event, arg):
        if event == "call":
            hit = _forbidden_module(frame.f_globals.get("__name__"))
        elif event == "c_call":
            if frame.f_globals.get("__name__") == __name__:
                return
            if arg in _TAMPER:
                self.found.add("the profiler (sys.setprofile/settrace was called)")
                return
            hit = _forbidden_module(getattr(arg, "__module__", None))
            owner = getattr(arg, "__self__", None)
            if hit is None and owner is not None:
                hit = _forbidden_module(getattr(type(owner), "__module__", None))
        else:
            return
        if hit:
            self.found.add(hit)


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


def resolve(namespace: dict, check: Check) -> Any:
    """The student object named by ``check.function``, or raise NameError."""
    if check.function not in namespace:
        raise NameError(f"{check.function} is not defined in the notebook")
    return namespace[check.function]


def call(obj: Any, check: Check, probe: bool = False) -> dict:
    """Call ``obj`` as ``check`` says and return the plain outcome described above."""
    args = _copy_args(check.args, check.readonly)
    kwargs = _copy_args(dict(check.kwargs), check.readonly)
    adapter = getattr(importlib.import_module("autograder.adapters"), check.adapter) if check.adapter else None
    outcome: dict = {"value": None, "error": None, "mutated": False, "forbidden": [], "seconds": 0.0}
    hook = _Probe() if probe else None
    in_main = threading.current_thread() is threading.main_thread()
    old_alarm = signal.signal(signal.SIGALRM, _on_alarm) if in_main else None
    start = time.perf_counter()
    try:
        if in_main:
            signal.setitimer(signal.ITIMER_REAL, check.timeout)
        if hook:
            sys.setprofile(hook)
        try:
            raw = adapter(obj, *args, **kwargs) if adapter else obj(*args, **kwargs)
        finally:
            tampered = hook is not None and sys.getprofile() is not hook
            sys.setprofile(None)
            if in_main:
                signal.setitimer(signal.ITIMER_REAL, 0)
        outcome["value"] = to_plain(raw)
    except CallTimeout:
        outcome["error"] = f"{check.function} did not return within {check.timeout:g} s"
    except NotPlain as err:
        outcome["error"] = f"{check.function} returned {err}, which the grader cannot read"
    except NotImplementedError:
        outcome["error"] = f"{check.function} is not implemented yet (it raises NotImplementedError)"
    except BaseException as err:  # the student's code may raise anything, SystemExit included
        outcome["error"] = f"{check.function} raised an error:\n{student_traceback(err)}"
    else:
        if hook is not None and tampered:
            hook.found.add("the profiler (it was switched off)")
    finally:
        if in_main:
            signal.signal(signal.SIGALRM, old_alarm)
    outcome["seconds"] = time.perf_counter() - start
    outcome["mutated"] = not _same(check.args, args) or not _same(dict(check.kwargs), kwargs)
    if hook is not None:
        outcome["forbidden"] = sorted(hook.found)
    return outcome
