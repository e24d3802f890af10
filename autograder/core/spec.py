"""What a check is: one call of a student function and how its answer is judged.

Checks are plain data built by the modules in ``autograder.author.public`` (public) and
``autograder.author.hidden`` (hidden). The same ``Check`` objects drive every front end:
the in-notebook ``check()``, ``pytest autograder``, nbgrader's autograde and the
batch grader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import plain

Comparator = Callable[[Any, Any], "str | None"]


@dataclass(frozen=True)
class Check:
    """One graded call of a student function."""

    function: str
    """Name of the student function (or class) that is called."""
    name: str
    """Test name, ``test_<function>_<property>``; reads as a sentence in a report."""
    description: str
    """One sentence for the student: what this check calls and expects."""
    reference: Callable[..., Any]
    """``reference(*args, **kwargs)`` -> the expected answer as plain data. Runs only
    in a trusted process, may use Keras, must be a module-level function."""
    args: tuple = ()
    """Positional arguments (NumPy arrays and plain values)."""
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    """Keyword arguments."""
    compare: Comparator | None = None
    """``compare(expected, actual)`` -> None when they agree, else a reason.
    None means ``autograder.core.compare.allclose``."""
    points: float = 1.0
    hidden: bool = False
    """Hidden checks are absent from the student copy and reported after grades
    are published."""
    mistakes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    """Misconception id (or ``id@variant``, for one mistake made in several ways) ->
    ``simulate(*args, **kwargs)``: what Keras gives for that mistake on the same input.
    Tried in order when the check fails."""
    readonly: bool = False
    """Pass the array arguments read-only, so in-place writes raise."""
    adapter: str | None = None
    """Name of a function in ``autograder.execute.adapters`` that turns a non-plain answer
    (e.g. a Keras model) into plain data; runs beside the student code."""
    manual: bool = False
    """The function must compute with NumPy only (forbidden-library probe)."""
    timeout: float = 10.0
    """Seconds one call may take."""

    @property
    def visibility(self) -> str:
        """Gradescope visibility of the result."""
        return "after_published" if self.hidden else "visible"


def hidden_inputs_digest(checks: list[Check]) -> str | None:
    """SHA-256 of the hidden checks' names, arguments and keyword arguments (None when there
    are none): equal digests mean equal hidden inputs (the same course secret and student),
    without showing them."""
    hidden = [[c.name, list(c.args), dict(c.kwargs)] for c in checks if c.hidden]
    return hashlib.sha256(plain.dumps(plain.to_plain(hidden))).hexdigest() if hidden else None
