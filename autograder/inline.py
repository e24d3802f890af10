"""``check()``: the test cells' entry point, run inside a notebook's own kernel.

It calls the student's function in the kernel and compares with Keras there, so
a student sees at once what passes. It is for feedback only: the batch grader,
``pytest autograder`` and nbgrader's autograde (through
``autograder.frontends.nbgrader_plugin``) re-grade in the sandbox, and those scores count.

Its language is the notebook's (metadata ``{"autograder": {"lang": "ko"}}``, read from
the saved file), else ``AUTOGRADER_LANG`` (``%env AUTOGRADER_LANG=ko`` in a cell), else English.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from .core import course, i18n
from .core.outcomes import CallError, CallOutcome
from .core.results import totals
from .execute.calls import CallSpec, call
from .judge import scoring
from .report import pictures
from .report.report_text import format_function_report


def notebook_language(assignment: course.Assignment) -> str | None:
    """The language the running notebook's saved metadata asks for: the notebook Jupyter
    names (``JPY_SESSION_NAME``), else the assignment's notebook in the working folder
    (where Jupyter and nbconvert start the kernel)."""
    for name in (os.environ.get("JPY_SESSION_NAME"), assignment.notebook):
        path = Path(name) if name else None
        if path is not None and path.suffix == ".ipynb" and path.is_file():
            try:
                return i18n.notebook_language(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                return None
    return None


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
        outcomes = [_outcome(call(obj, CallSpec.of(c))) for c in checks]
    with i18n.language(i18n.choose(notebook=notebook_language(assignment))):
        results = scoring.score(checks, references, outcomes)
        print(format_function_report(function, results, show_hidden, hidden_points=assignment.hidden_points(function)))
        pictures.show(results, show_hidden)  # in a kernel: expected, got and difference of wrong image-shaped answers
    return float(totals(results)[0])


def _outcome(reply: dict) -> CallOutcome:
    """``call``'s plain reply as the judge reads it (here in the student's own kernel)."""
    return CallOutcome(reply["value"], CallError.from_wire(reply["error"]), reply["mutated"], reply["seconds"])
