"""The class report's figures: per assignment, per check, per misconception, and its plots.

Everything takes ``NotebookResult`` objects; results the grader failed on
(``grader_error``) are not grades and are left out of every figure. Assignment
scores are after late penalties (``final_score``); function and check figures are
raw points.
"""

from __future__ import annotations

import io
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.course import ASSIGNMENTS, in_course_total
from ..core.results import NotebookResult
from .document import Block, Code, Figure, Heading, Mark, Paragraph, Strong, Table, Text


@dataclass(frozen=True)
class AssignmentStats:
    """Scores of one assignment across the class (after late penalties)."""

    assignment: str
    graded: int
    mean: float
    median: float
    best: float
    maximum: float
    """The assignment's points."""


@dataclass(frozen=True)
class CheckStats:
    """How one check went across the class."""

    assignment: str
    check: str
    function: str
    hidden: bool
    passed: int
    graded: int
    discrimination: float | None
    """Point-biserial correlation of passing this check with the student's points on
    the rest of the assignment (the total minus this check); None when every
    student passed, every student failed, or the rest is the same for all."""


def graded(results: list[NotebookResult]) -> list[NotebookResult]:
    """The results that are grades (the grader did not fail on them)."""
    return [r for r in results if not r.grader_error]


def _functions(assignment: str, results: list[NotebookResult]) -> list[str]:
    if assignment in ASSIGNMENTS:
        return list(ASSIGNMENTS[assignment].functions)
    return list(dict.fromkeys(f for r in results for f in r.function_scores()))


def assignment_stats(results: list[NotebookResult]) -> list[AssignmentStats]:
    """One entry per assignment, in name order."""
    by: dict[str, list[NotebookResult]] = defaultdict(list)
    for r in graded(results):
        by[r.assignment].append(r)
    found = []
    for name in sorted(by):
        scores = [r.final_score for r in by[name]]
        found.append(
            AssignmentStats(
                name,
                len(scores),
                round(statistics.fmean(scores), 2),
                round(statistics.median(scores), 2),
                max(scores),
                max(r.max_score for r in by[name]),
            )
        )
    return found


def point_biserial(passed: list[bool], scores: list[float]) -> float | None:
    """Pearson correlation of a 0/1 variable with scores (None when either is constant)."""
    x, y = np.asarray(passed, dtype=float), np.asarray(scores, dtype=float)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return None
    return round(float(np.corrcoef(x, y)[0, 1]), 2)


def check_stats(results: list[NotebookResult]) -> list[CheckStats]:
    """One entry per (assignment, check), lowest pass rate first."""
    rows: dict[tuple[str, str], list] = defaultdict(list)
    for r in graded(results):
        for c in r.checks:
            rows[(r.assignment, c.name)].append((c, r.score - c.points))
    found = []
    for (assignment, name), entries in rows.items():
        first = entries[0][0]
        passes = [c.passed for c, _ in entries]
        found.append(
            CheckStats(
                assignment,
                name,
                first.function,
                first.hidden,
                sum(passes),
                len(passes),
                point_biserial(passes, [rest for _, rest in entries]),
            )
        )
    return sorted(found, key=lambda s: (s.passed / s.graded, s.assignment, s.check))


def misconceptions(results: list[NotebookResult]) -> dict[tuple[str, str, str], list[str]]:
    """(misconception, assignment, function) -> students whose failed checks showed it."""
    found: dict[tuple[str, str, str], set] = defaultdict(set)
    for r in graded(results):
        for c in r.checks:
            for m in c.misconceptions:
                found[(m, r.assignment, c.function)].add(r.student)
    return {k: sorted(v) for k, v in sorted(found.items())}


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")  # fits any label length, never warns
    plt.close(fig)
    return buf.getvalue()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def count(n: int, noun: str) -> str:
    """``n`` and an English noun in its number: "1 student", "2 students"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def distribution_png(results: list[NotebookResult], assignment: str) -> bytes:
    """A histogram of one assignment's scores (after late penalties) on 0..its maximum."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    mine = [r for r in graded(results) if r.assignment == assignment]
    top = max((r.max_score for r in mine), default=1) or 1
    fig, ax = plt.subplots(figsize=(4.5, 2.6))
    ax.hist([r.final_score for r in mine], bins=np.linspace(0, top, 11), color="#4c72b0", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"points (of {top:g})")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count: no half students
    ax.set_title(assignment, fontsize="medium")
    return _png(fig)


def heatmap_png(results: list[NotebookResult]) -> bytes:
    """Students (rows) x functions (columns, grouped by assignment): fraction of each
    function's points earned; grey where a student has no graded result."""
    plt = _pyplot()
    mine = graded(results)
    students = sorted({r.student for r in mine})
    columns = [(a, f) for a in sorted({r.assignment for r in mine}) for f in _functions(a, mine)]
    grid = np.full((len(students), len(columns)), np.nan)
    by = {(r.student, r.assignment): r.function_scores() for r in mine}
    for i, s in enumerate(students):
        for j, (a, f) in enumerate(columns):
            if (s, a) in by:
                got, top = by[(s, a)].get(f, (0.0, 0.0))
                grid[i, j] = got / top if top else np.nan
    fig, ax = plt.subplots(figsize=(max(4, 0.45 * len(columns) + 2), max(2, 0.3 * len(students) + 1.5)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(columns)), [f for _, f in columns], rotation=60, ha="right", fontsize="small")
    ax.set_yticks(range(len(students)), students, fontsize="small")
    fig.colorbar(image, ax=ax, label="fraction of the points")
    ax.set_title("Points per function (grey: not graded)", fontsize="medium")
    return _png(fig)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def assignments_section(results: list[NotebookResult], plots: dict[str, str]) -> list[Block]:
    """Per assignment its figures and its distribution, then the heatmap; ``plots`` maps
    "histogram", "heatmap" and each assignment name to the PNG's file name beside the page."""
    stats = assignment_stats(results)
    rows = tuple(
        (
            s.assignment if in_course_total(s.assignment) else f"{s.assignment} (optional)",
            str(s.graded),
            f"{s.mean:g} ({_pct(s.mean, s.maximum)})",
            f"{s.median:g} ({_pct(s.median, s.maximum)})",
            f"{s.best:g}",
            f"{s.maximum:g}",
        )
        for s in stats
    )
    blocks: list[Block] = [
        Heading(2, "Assignments"),
        Paragraph("Scores after late penalties; the grader's failures are not counted."),
        Table(("assignment", "graded", "mean", "median", "best", "maximum"), rows),
    ]
    if "histogram" in plots:
        blocks.append(Figure(plots["histogram"], "score histogram"))
    blocks += [
        Figure(plots[s.assignment], f"{s.assignment} score distribution") for s in stats if s.assignment in plots
    ]
    if "heatmap" in plots:
        blocks += [Heading(3, "Points per function, every student"), Figure(plots["heatmap"], "students x functions")]
    return blocks


def attention_section(
    results: list[NotebookResult], catalogue: dict[str, tuple[str, str]], shown: int = 15
) -> list[Block]:
    """What an instructor acts on first: the misconceptions by assignment (most students
    first), and the ``shown`` functions with the fewest full marks."""
    by: dict[tuple[str, str], set[str]] = defaultdict(set)
    functions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (m, assignment, function), students in misconceptions(results).items():
        by[(assignment, m)].update(students)
        functions[(assignment, m)].add(function)
    order = sorted(by, key=lambda k: (k[0], -len(by[k]), k[1]))
    blocks: list[Block] = [
        Heading(2, "First: misconceptions and failing functions"),
        Heading(3, "Misconceptions by assignment"),
    ]
    if order:
        rows = tuple(
            (
                a,
                Code(m),
                count(len(by[(a, m)]), "student"),
                _codes(sorted(functions[(a, m)])),
                catalogue.get(m, ("",))[0],
            )
            for a, m in order
        )
        blocks.append(Table(("assignment", "misconception", "students", "in", "what it means"), rows))
    else:
        blocks.append(Paragraph("None recognised."))
    missed = [f for f in function_stats(results) if f.full < f.graded]
    blocks.append(Heading(3, "Functions not everyone got right, fewest full marks first"))
    if missed:
        rows = tuple(
            (
                f.assignment,
                Code(f.function),
                f"{f.full}/{f.graded} ({_pct(f.full, f.graded)})",
                f"{f.mean:g} / {f.maximum:g}",
            )
            for f in missed[:shown]
        )
        blocks.append(Table(("assignment", "function", "full marks", "mean points"), rows))
        if len(missed) > shown:
            more = count(len(missed) - shown, "more function")
            blocks.append(Paragraph(f"{more} below full marks: see Points per function."))
    else:
        blocks.append(Paragraph("Every graded student has full marks on every function."))
    return blocks


def _codes(names: list[str]) -> tuple:
    parts: list = []
    for i, name in enumerate(names):
        parts += [", "] if i else []
        parts.append(Code(name))
    return tuple(parts)


@dataclass(frozen=True)
class FunctionStats:
    """How one graded function went across the class (raw points)."""

    assignment: str
    function: str
    full: int
    """Students with all its points."""
    graded: int
    mean: float
    maximum: float


def function_stats(results: list[NotebookResult]) -> list[FunctionStats]:
    """One entry per (assignment, function), fewest full marks (as a share) first."""
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in graded(results):
        for function, scored in r.function_scores().items():
            points[(r.assignment, function)].append(scored)
    found = [
        FunctionStats(
            a,
            f,
            sum(got >= top for got, top in scored),
            len(scored),
            round(statistics.fmean(got for got, _ in scored), 2),
            max(top for _, top in scored),
        )
        for (a, f), scored in points.items()
    ]
    return sorted(found, key=lambda s: (s.full / s.graded, s.assignment, s.function))


def _cell(by: dict, student: str, assignment: str, function: str | None = None) -> Text:
    r = by.get((student, assignment))
    if r is None:
        return ""
    if r.grader_error:
        return Mark("ERROR", False)
    if function is None:
        late = f" (late -{r.late_penalty:g})" if r.late_penalty else ""
        return f"{r.final_score:g}{late}"
    return f"{r.function_scores().get(function, (0.0, 0.0))[0]:g}"


def totals_table(results: list[NotebookResult]) -> list[Block]:
    """Each student's course total (the second column, so it is seen first), then one
    column per assignment; optional assignments after them, outside the total."""
    names = sorted({r.assignment for r in results})
    core = [a for a in names if in_course_total(a)]
    optional = [a for a in names if not in_course_total(a)]
    by = {(r.student, r.assignment): r for r in results}
    maxima = {a: max(r.max_score for r in results if r.assignment == a) for a in names}
    header = ("student", "course total", *core, *(f"{a} (optional)" for a in optional))
    rows = [(Strong("maximum"), f"{sum(maxima[a] for a in core):g}", *(f"{maxima[a]:g}" for a in core + optional))]
    for s in sorted({r.student for r in results}):
        total = sum(by[(s, a)].final_score for a in core if (s, a) in by and not by[(s, a)].grader_error)
        rows.append((s, Strong(f"{total:g}"), *(_cell(by, s, a) for a in core + optional)))
    said = "Scores after late penalties. The course total leaves out what the grader failed on (ERROR)"
    said += f" and the optional {', '.join(optional)}." if optional else "."
    return [Heading(2, "Scores"), Paragraph(said), Table(header, tuple(rows))]


def function_tables(results: list[NotebookResult]) -> list[Block]:
    """One table of functions per assignment (raw points), each with a maximum row."""
    by = {(r.student, r.assignment): r for r in results}
    students = sorted({r.student for r in results})
    blocks: list[Block] = [Heading(2, "Points per function")]
    for a in sorted({r.assignment for r in results}):
        functions = _functions(a, results)
        tops = {}
        for r in results:
            if r.assignment == a:
                tops.update({f: top for f, (_, top) in r.function_scores().items()})
        rows = [(Strong("maximum"), *(f"{tops.get(f, 0):g}" for f in functions))]
        rows += [(s, *(_cell(by, s, a, f) for f in functions)) for s in students if (s, a) in by]
        blocks += [
            Heading(3, f"{a}, per function (raw points)"),
            Table(("student", *(Code(f) for f in functions)), tuple(rows)),
        ]
    return blocks


def check_table(results: list[NotebookResult]) -> list[Block]:
    """Pass rate and discrimination per check, hidden checks marked."""
    rows = []
    for s in check_stats(results):
        mark = " (hidden)" if s.hidden else ""
        d = "-" if s.discrimination is None else f"{s.discrimination:+.2f}"
        passed = f"{s.passed}/{s.graded} ({_pct(s.passed, s.graded)})"
        rows.append((s.assignment, (Code(s.check), mark), Code(s.function), passed, d))
    return [
        Paragraph(
            "Discrimination: point-biserial correlation of passing the check with the points on the rest of the "
            "assignment (near 1: the check separates strong from weak submissions; near 0 or negative: it does "
            "not; - when everyone passed or everyone failed)."
        ),
        Table(("assignment", "check", "function", "passed", "discrimination"), tuple(rows)),
    ]


def misconception_table(results: list[NotebookResult], catalogue: dict[str, tuple[str, str]]) -> list[Block]:
    """Each misconception with its assignment, function and students."""
    found = misconceptions(results)
    if not found:
        return [Paragraph("None recognised.")]
    rows = tuple(
        (Code(m), assignment, Code(function), ", ".join(students), catalogue.get(m, ("",))[0])
        for (m, assignment, function), students in found.items()
    )
    return [Table(("misconception", "assignment", "function", "students", "what it means"), rows)]


def write_plots(out: Path, results: list[NotebookResult], write) -> dict[str, str]:
    """Write the distribution PNG of each assignment and the heatmap into ``out``
    with ``write(path, bytes)``; returns what ``assignments_section`` takes as ``plots``."""
    plots = {}
    for s in assignment_stats(results):
        name = f"distribution-{s.assignment}.png"
        write(out / name, distribution_png(results, s.assignment))
        plots[s.assignment] = name
    if graded(results):
        write(out / "heatmap.png", heatmap_png(results))
        plots["heatmap"] = "heatmap.png"
    return plots
