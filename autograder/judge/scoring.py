"""Scoring: from references and call outcomes to check results with feedback.

Runs only in a trusted process. A reference is a ``autograder.core.outcomes.Reference``; an
outcome is a ``autograder.core.outcomes.CallOutcome``, whose error is judged by its kind
alone (no word of the student's changes a verdict).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..author.public.answers import frozen
from ..core import compare as comparators
from ..core import i18n, intake
from ..core.excerpts import excerpt
from ..core.i18n import N_, _
from ..core.outcomes import CallOutcome, ErrorKind, Reference
from ..core.plain import describe, to_plain
from ..core.results import CheckResult
from ..core.spec import Check
from ..execute import calls
from .misconceptions import diagnose, explain

EXECUTION_MESSAGES = calls.ERRORS + (
    N_("{function} is not defined in the notebook"),
    N_("this cell {reason}; the notebook was run again without it"),
    N_("{function} {reason} (the call was stopped)"),
    N_("not run: an earlier call of {function} {reason}"),
    N_("not run: the submission used up its {seconds} s"),
    N_("The submission used up its {seconds} s."),
    N_("not run"),
    N_("ran past its time limit"),
    N_("ended the process"),
    N_("sent an unreadable message ({error})"),
    N_("sent an invalid message"),
    N_("{name} is not valid notebook JSON (line {line}: {error})"),
    N_("{name} is not a notebook: it has no list of cells"),
    N_("notebook not found: {path}"),
    N_("cannot read notebook {path}: {error}"),
    *intake.MESSAGES.values(),
)
"""What the execution stage says in English (``autograder.execute``: ``calls.ERRORS``,
and as the sandbox, the child and the notebook reader write them), for ``reword`` to
put in the student's language. A sentence changed there stays English until it is
changed here too."""


def reword(text: str) -> str:
    """A message of the execution stage in the current language."""
    return i18n.reword(text, EXECUTION_MESSAGES)


def compute_reference(check: Check) -> Reference:
    """The expected answer and the simulated mistakes of one check (uses Keras), or
    their precomputed values in the student copy."""
    if check.name in frozen():
        return frozen()[check.name]
    return Reference(
        to_plain(check.reference(*check.args, **check.kwargs)),
        {mid: to_plain(sim(*check.args, **check.kwargs)) for mid, sim in check.mistakes.items()},
    )


def compute_references(checks: list[Check]) -> list[Reference]:
    """``compute_reference`` for each check, quietly (TensorFlow logs silenced)."""
    import warnings

    from ..core.quiet import quiet_tensorflow

    quiet_tensorflow()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [compute_reference(c) for c in checks]


def _argument(value: Any) -> str:
    if isinstance(value, np.ndarray):
        flags = "" if value.flags.writeable else _(", read-only")
        return _("array {shape} {dtype}{flags}").format(shape=value.shape, dtype=value.dtype, flags=flags)
    return repr(value)


def call_text(check: Check) -> str:
    """How the function was called, with argument shapes and dtypes."""
    parts = [_argument(a) for a in check.args]
    parts += [f"{k}={_argument(v)}" for k, v in check.kwargs.items()]
    readonly = _(" (array arguments read-only)") if check.readonly else ""
    if check.adapter:
        return _("{function}, built and inspected by the grader ({adapter} with {arguments})").format(
            function=check.function, adapter=check.adapter, arguments=", ".join(parts)
        )
    return f"{check.function}({', '.join(parts)}){readonly}"


def _void_reason(check: Check, outcome: CallOutcome) -> str | None:
    """The id that costs the function all its checks when one call shows it: the grader's
    own code reached for (any function: in the sandbox only the few modules the child runs
    on exist), or a forbidden library used (NumPy-only functions)."""
    kind = outcome.error.kind if outcome.error else None
    if kind == ErrorKind.GRADER_MODULE:
        return "grader-code-called"
    if check.manual and kind == ErrorKind.FORBIDDEN_LIBRARY:
        return "forbidden-library-call"
    return None


VOIDED = {
    "grader-code-called": N_("{function} called the grader's own code in another of its calls, so it earns no credit."),
    "forbidden-library-call": N_(
        "{function} used a library other than NumPy in another of its calls; it must compute with NumPy only, "
        "so it earns no credit."
    ),
}
"""Why a function earns nothing on a check that itself went right, by the id that voided it."""


def _verdict(check: Check, reference: Reference, outcome: CallOutcome) -> tuple[str, tuple[str, ...]]:
    """('' , ()) when the answer is right, else (feedback, misconception ids)."""
    called = _("Called {call}.").format(call=call_text(check))
    if outcome.error:
        mids = ("input-mutated",) if outcome.error.kind == ErrorKind.READ_ONLY_WRITE else ()
        void = _void_reason(check, outcome)
        return f"{called}\n{reword(outcome.error.message)}", (void,) if void else mids
    expected, value = reference.expected, outcome.value
    reason = (check.compare or comparators.allclose)(expected, value)
    if reason is None and not outcome.mutated:
        return "", ()
    if reason is None:
        return f"{called}\n" + _("The answer is right, but the function changed its input arrays."), ("input-mutated",)
    mids = tuple(diagnose(expected, value, reference.alternates, check.compare))
    if outcome.mutated:
        mids += ("input-mutated",)
    lines = [called, _("Got:      {value}").format(value=describe(value))]
    lines += [_("Expected: {value}").format(value=describe(expected)), reason]
    return "\n".join(lines), mids


def score(checks: list[Check], references: list[Reference], outcomes: list[CallOutcome]) -> tuple[CheckResult, ...]:
    """Check results, in order: each decided by the value its own call returned. A
    function that called the grader's own code, or a NumPy-only function that reached
    for a forbidden library, in any of its calls earns nothing on all of them."""
    voided: dict[str, str] = {}
    for check, outcome in zip(checks, outcomes):
        reason = _void_reason(check, outcome)
        if reason and voided.get(check.function) != "grader-code-called":
            voided[check.function] = reason
    results = []
    told: set[tuple[str, str, bool]] = set()  # a mistake's hint, once per function (and per visibility)
    for check, reference, outcome in zip(checks, references, outcomes):
        message, mids = _verdict(check, reference, outcome)
        void = voided.get(check.function)
        if void and void not in mids:
            why = _(VOIDED[void]).format(function=check.function)
            message = f"{why}\n{message}".rstrip()
            mids = (void,) + mids
        for m in dict.fromkeys(mids):
            key = (check.function, m, check.hidden)
            again = key in told or (check.function, m, False) in told
            message += "\n" + (
                _("Likely mistake ({id}): as above.").format(id=m) if again else explain(m, check.function)
            )
            told.add(key)
        earned = 0.0 if message else check.points
        results.append(
            CheckResult(
                name=check.name,
                function=check.function,
                description=i18n.data(check.description),
                points=earned,
                max_points=check.points,
                hidden=check.hidden,
                message=message,
                misconceptions=tuple(dict.fromkeys(mids)),
                excerpt=excerpt(reference.expected, outcome.value, check.function, check.compare)
                if message and check.adapter is None
                else None,
            )
        )
    return tuple(results)
