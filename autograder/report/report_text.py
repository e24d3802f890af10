"""Plain-text reports for a terminal or a notebook cell.

One visibility policy for every front end (nbgrader feedback, the self-check, the
in-notebook ``check()``; the batch grader's pages follow it too): before grades are
published a hidden check shows its name, pass/fail and points only, never its
description, arguments or what came back, since those would tell its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.results import CheckResult, totals

UNPUBLISHED = "(hidden check: details are shown when grades are published)"


def format_check(result: CheckResult, show_hidden: bool = False) -> str:
    """One check: a mark, its name and description, and the feedback if it failed;
    a hidden check's name and mark only unless ``show_hidden`` (grades published)."""
    mark = "PASS" if result.passed else "FAIL"
    head = f"[{mark}] {result.name} ({result.points:g}/{result.max_points:g})"
    if result.hidden and not show_hidden:
        return f"{head}\n       {UNPUBLISHED}"
    lines = [head, f"       {result.description}"]
    if not result.passed and result.message:
        lines += ["       " + line for line in result.message.splitlines()]
    return "\n".join(lines)


def format_function_report(function: str, results: Iterable[CheckResult], show_hidden: bool = False) -> str:
    """All checks of one function and its total (hidden checks as ``format_check`` shows them)."""
    results = list(results)
    got, top = totals(results)
    body = "\n".join(format_check(r, show_hidden) for r in results)
    return f"{function}: {got:g} / {top:g} points\n{body}"
