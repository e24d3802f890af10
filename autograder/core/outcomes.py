"""What crosses between the stages, as types: how a cell ran, how a call ended, and why
there is no answer, as a kind with its fields (never as text the judge searches); and the
reference a call's answer is judged against.

The child (``autograder.execute.child``) sends these as plain data (``to_wire``); the
parent reads each reply once (``autograder.execute.sandbox``), checking every field, and
from then on holds only these frozen dataclasses. ``message`` is for people: the
judge shows it (in the student's language), and decides by ``kind`` alone.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE = 64 * 1024
"""Characters of a message kept (the rest is cut)."""


class ErrorKind(str, enum.Enum):
    """Why a cell or a call has no answer."""

    RAISED = "raised"
    """The student's code raised an exception (none of the kinds below)."""
    NOT_IMPLEMENTED = "not-implemented"
    """It raised ``NotImplementedError`` (the release's stub)."""
    NOT_DEFINED = "not-defined"
    """The function is not defined in the notebook."""
    UNREADABLE = "unreadable"
    """It returned something that is not plain data."""
    FORBIDDEN_LIBRARY = "forbidden-library"
    """A NumPy-only function used a library that does not exist where it runs
    (``module``: the library)."""
    GRADER_MODULE = "grader-module"
    """It reached for one of the grader's own modules (``module``: its name)."""
    READ_ONLY_WRITE = "read-only-write"
    """It wrote into a read-only input array."""
    TIMED_OUT = "timed-out"
    """It ran past its time limit."""
    CRASHED = "crashed"
    """It ended the process, or garbled the channel (seen by the parent)."""
    NOT_RUN = "not-run"
    """It was not run (an earlier call failed, or the submission's time ran out)."""


@dataclass(frozen=True)
class CallError:
    """Why there is no answer: a kind, its fields, and a message for the student."""

    kind: ErrorKind
    message: str
    """In English, as the execution stage writes it (``autograder.judge.scoring.reword``)."""
    module: str | None = None
    """The module reached for (``FORBIDDEN_LIBRARY``, ``GRADER_MODULE``)."""

    def to_wire(self) -> dict:
        return {"kind": self.kind.value, "message": self.message, "module": self.module}

    @classmethod
    def from_wire(cls, data: Any) -> CallError | None:
        """The error in ``data`` (None stands for no error).

        Raises:
            ValueError: ``data`` is not exactly an error's fields with their types.
        """
        if data is None:
            return None
        if not isinstance(data, dict) or set(data) != {"kind", "message", "module"}:
            raise ValueError("an error's fields expected")
        kind, message, module = data["kind"], data["message"], data["module"]
        if kind not in {k.value for k in ErrorKind} or not isinstance(message, str):
            raise ValueError("an error kind and message expected")
        if module is not None and (not isinstance(module, str) or len(module) > 200):
            raise ValueError("a module name expected")
        cut = message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "\n[... cut]"
        return cls(ErrorKind(kind), cut, module)


@dataclass(frozen=True)
class CellRun:
    """One notebook cell, as run in the sandbox."""

    error: CallError | None = None
    """Why the cell failed (its message: the student's own lines and the exception), or None."""
    output: str = ""
    seconds: float = 0.0

    def to_wire(self) -> dict:
        return {
            "error": None if self.error is None else self.error.to_wire(),
            "output": self.output,
            "seconds": self.seconds,
        }

    @classmethod
    def from_wire(cls, data: Any) -> CellRun:
        """The cell run in ``data`` (as ``to_wire`` writes it).

        Raises:
            ValueError: ``data`` is not exactly a cell run's fields with their types.
        """
        if not isinstance(data, dict) or set(data) != {"error", "output", "seconds"}:
            raise ValueError("a cell run's fields expected")
        if not isinstance(data["output"], str) or not isinstance(data["seconds"], (int, float)):
            raise ValueError("a cell's output and seconds expected")
        return cls(CallError.from_wire(data["error"]), data["output"], float(data["seconds"]))


@dataclass(frozen=True)
class CallOutcome:
    """One call of a student function: the answer as plain data, or why there is none."""

    value: Any = None
    error: CallError | None = None
    mutated: bool = False
    """The child says the call changed its array arguments (can only cost points)."""
    seconds: float = 0.0


def failed(kind: ErrorKind, message: str) -> CallOutcome:
    """An outcome with no answer, of ``kind``."""
    return CallOutcome(error=CallError(kind, message))


@dataclass(frozen=True)
class Reference:
    """What one check's call should return, and what each simulated mistake would: computed
    with Keras in a trusted worker (or frozen into the student copy), read by the judge."""

    expected: Any
    """The right answer, as plain data (``autograder.core.plain``)."""
    alternates: Mapping[str, Any] = field(default_factory=dict)
    """Misconception id -> the answer of a function with that mistake, as plain data."""

    def to_plain(self) -> dict:
        """As plain data (the reference cache, the student copy's frozen references)."""
        return {"expected": self.expected, "alternates": dict(self.alternates)}

    @classmethod
    def from_plain(cls, data: Any) -> Reference:
        """The reference ``to_plain`` wrote.

        Raises:
            ValueError: ``data`` is not exactly a reference's fields.
        """
        if not isinstance(data, dict) or set(data) != {"expected", "alternates"}:
            raise ValueError("a reference's fields expected")
        alternates = data["alternates"]
        if not isinstance(alternates, dict) or not all(isinstance(k, str) for k in alternates):
            raise ValueError("a reference's alternates by misconception id expected")
        return cls(data["expected"], alternates)
