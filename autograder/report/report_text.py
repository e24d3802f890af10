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


def format_points(results: Iterable[CheckResult], hidden_points: float | None = None) -> str:
    """The points of some checks, never passing off the visible ones as the whole:
    "X / T points (visible: a / Y; hidden: b / Z)" when hidden checks ran;
    "visible: a / Y points; hidden checks worth Z more points run when the course grades"
    when they did not and ``hidden_points`` (what the hidden checks of these functions are
    worth) is Z > 0; "a / Y points (no hidden checks)" when it is 0; "a / Y points" when it
    is unknown (None)."""
    results = list(results)
    got, top = totals(results)
    shown, hidden = totals(r for r in results if not r.hidden), totals(r for r in results if r.hidden)
    if hidden[1]:
        return f"{got:g} / {top:g} points (visible: {shown[0]:g} / {shown[1]:g}; hidden: {hidden[0]:g} / {hidden[1]:g})"
    if hidden_points:
        more = f"{hidden_points:g} more point{'' if hidden_points == 1 else 's'}"
        return f"visible: {got:g} / {top:g} points; hidden checks worth {more} run when the course grades"
    return f"{got:g} / {top:g} points" + (" (no hidden checks)" if hidden_points == 0 else "")


def format_function_report(
    function: str, results: Iterable[CheckResult], show_hidden: bool = False, hidden_points: float | None = None
) -> str:
    """All checks of one function and its total (``format_points``; hidden checks as
    ``format_check`` shows them)."""
    results = list(results)
    body = "\n".join(format_check(r, show_hidden) for r in results)
    return f"{function}: {format_points(results, hidden_points)}\n{body}"
