"""``check()``: the test cells' entry point, run inside a notebook's own kernel.

It calls the student's function in the kernel and compares with Keras there, so
a student sees at once what passes. It is for feedback only: the batch grader,
``pytest autograder`` and nbgrader's autograde (through
``autograder.frontends.nbgrader_plugin``) re-grade in the sandbox, and those scores count.
"""

from __future__ import annotations

import warnings
from typing import Any

from .core import course
from .core.results import totals
from .execute.calls import CallSpec, call
from .execute.sandbox import CallOutcome
from .judge import scoring
from .report import pictures
from .report.report_text import format_function_report


def check(function: str, obj: Any, hidden: bool = False, show_hidden: bool = False) -> float:
    """Run the checks of one function on ``obj`` and print what passed; in a notebook's
    kernel, also show a picture of each wrong image-shaped answer (expected, got and
    their difference).

    Args:
        function: the graded name, e.g. "conv2d_manual".
        obj: the student's function (or class).
        hidden: also run the hidden checks (instructor copy only).
        show_hidden: print the hidden checks' details too (grades published); otherwise
            their names and marks only.

    Returns:
        Points earned, a plain float (nbgrader reads it as partial credit). The printed
        total says what the hidden checks not run here are worth.
    """
    assignment = course.assignment_of_function(function)
    checks = [c for c in assignment.checks(hidden=hidden) if c.function == function]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        references = scoring.compute_references(checks)
        outcomes = [CallOutcome(**call(obj, CallSpec.of(c))) for c in checks]
    results = scoring.score(checks, references, outcomes)
    print(format_function_report(function, results, show_hidden, assignment.hidden_points(function)))
    pictures.show(results, show_hidden)  # in a kernel: expected, got and difference of wrong image-shaped answers
    return float(totals(results)[0])
