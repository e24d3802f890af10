"""Plain-text reports for a terminal or a notebook cell."""

from __future__ import annotations

from collections.abc import Iterable

from .results import CheckResult


def format_check(result: CheckResult) -> str:
    """One check: a mark, its name and description, and the feedback if it failed."""
    mark = "PASS" if result.passed else "FAIL"
    head = f"[{mark}] {result.name} ({result.points:g}/{result.max_points:g})"
    lines = [head, f"       {result.description}"]
    if not result.passed and result.message:
        lines += ["       " + line for line in result.message.splitlines()]
    return "\n".join(lines)


def format_function_report(function: str, results: Iterable[CheckResult]) -> str:
    """All checks of one function and its total."""
    results = list(results)
    got = sum(r.points for r in results)
    top = sum(r.max_points for r in results)
    body = "\n".join(format_check(r) for r in results)
    return f"{function}: {got:g} / {top:g} points\n{body}"
