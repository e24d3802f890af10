"""Plain-text reports for a terminal or a notebook cell.

One visibility policy for every front end (nbgrader feedback, the self-check, the
in-notebook ``check()``; the batch grader's pages follow it too): before grades are
published a hidden check shows its name, pass/fail and points only, never its
description, arguments or what came back, since those would tell its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core import i18n
from ..core.i18n import N_, _, ngettext
from ..core.results import CheckResult, totals

UNPUBLISHED = N_("(hidden check: details are shown when grades are published)")
"""English; ``_(UNPUBLISHED)`` in the current language."""


def format_check(result: CheckResult, show_hidden: bool = False) -> str:
    """One check: a mark, its name and description, and the feedback if it failed;
    a hidden check's name and mark only unless ``show_hidden`` (grades published)."""
    mark = _("PASS") if result.passed else _("FAIL")
    head = f"[{mark}] {result.name} ({result.points:g}/{result.max_points:g})"
    if result.hidden and not show_hidden:
        return f"{head}\n       {_(UNPUBLISHED)}"
    lines = [head, f"       {result.description}"]
    if not result.passed and result.message:
        lines += ["       " + line for line in result.message.splitlines()]
    return "\n".join(lines)


def format_points(results: Iterable[CheckResult], hidden_points: float | None = None) -> str:
    """The points of some checks in the current language, never passing off the visible
    ones as the whole: "X / T points (visible: a / Y; hidden: b / Z)" when hidden checks
    ran; "visible: a / Y points; hidden checks worth Z more points run when the course
    grades" when they did not and ``hidden_points`` (what the hidden checks of these
    functions are worth) is Z > 0; "a / Y points (no hidden checks)" when it is 0;
    "a / Y points" when it is unknown (None)."""
    results = list(results)
    (got, top), shown = totals(results), totals(r for r in results if not r.hidden)
    hidden = totals(r for r in results if r.hidden)
    if hidden[1]:
        return _(
            "{score} / {max_score} points (visible: {visible} / {visible_max}; hidden: {hidden} / {hidden_max})"
        ).format(
            score=f"{got:g}",
            max_score=f"{top:g}",
            visible=f"{shown[0]:g}",
            visible_max=f"{shown[1]:g}",
            hidden=f"{hidden[0]:g}",
            hidden_max=f"{hidden[1]:g}",
        )
    if hidden_points:
        return ngettext(
            "visible: {score} / {max_score} points; hidden checks worth {more} more point run when the course grades",
            "visible: {score} / {max_score} points; hidden checks worth {more} more points run when the course grades",
            2 if hidden_points != 1 else 1,
        ).format(score=f"{got:g}", max_score=f"{top:g}", more=f"{hidden_points:g}")
    if hidden_points == 0:
        return _("{score} / {max_score} points (no hidden checks)").format(score=f"{got:g}", max_score=f"{top:g}")
    return _("{score} / {max_score} points").format(score=f"{got:g}", max_score=f"{top:g}")


def format_function_report(
    function: str,
    results: Iterable[CheckResult],
    show_hidden: bool = False,
    *,
    hidden_points: float | None = None,
    lang: str | None = None,
) -> str:
    """All checks of one function and its total (``format_points``; hidden checks as
    ``format_check`` shows them), in ``lang`` (None: the current language), the language
    ``results`` are in."""
    results = list(results)
    with i18n.language(lang):
        body = "\n".join(format_check(r, show_hidden) for r in results)
        return f"{function}: {format_points(results, hidden_points)}\n{body}"
