"""Writing results: results.json per submission, feedback pages, and the class
summary (grades.csv, pass rates, misconception counts, score histogram).

Everything here takes ``NotebookResult`` objects; results.json files are read back
with ``NotebookResult.from_json``, so a resumed batch summarises earlier results
exactly like new ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections import defaultdict
from pathlib import Path

from ..core import i18n
from ..core.course import ASSIGNMENTS, in_course_total
from ..core.i18n import _
from ..core.results import CheckResult, NotebookResult
from ..judge.misconceptions import CATALOGUE
from . import class_report, document
from . import pictures as picture
from .document import Block, Code, Figure, Heading, Item, Items, Mark, Paragraph, Pre, Strong, Table
from .files import csv_text, write_atomic


def _by_function(result: NotebookResult) -> dict[str, list[CheckResult]]:
    found: dict[str, list[CheckResult]] = defaultdict(list)
    for check in result.checks:
        found[check.function].append(check)
    return found


def _status(passed: bool) -> Mark:
    return Mark(_("passed"), True) if passed else Mark(_("FAILED"), False)


def feedback(result: NotebookResult, show_hidden: bool = False) -> list[Block]:
    """A student's feedback page, in the result's language: score per function, each
    failed check explained.

    Hidden checks show only pass/fail until ``show_hidden`` (grades published). A failed
    image-shaped answer also gets a picture of expected, got and their difference
    (``autograder.report.pictures``), which the Markdown page only mentions."""
    with i18n.language(result.lang):
        return _feedback(result, show_hidden)


def _feedback(result: NotebookResult, show_hidden: bool) -> list[Block]:
    title = _("{assignment}: feedback for {student}").format(assignment=result.assignment, student=result.student)
    score = _("Score: {score} / {max_score}").format(score=f"{result.score:g}", max_score=f"{result.max_score:g}")
    blocks: list[Block] = [Heading(1, title), Paragraph(Strong(score))]
    if result.grader_error:
        error = _("The grader failed on this submission (not your fault): {error}").format(error=result.grader_error)
        blocks.append(Paragraph(error))
    if result.late_penalty:
        late = _(
            "Late: submitted {days} days after the due date ({submitted_at}); -{penalty} points, "
            "{final} / {max_score} after the penalty."
        ).format(
            days=f"{result.seconds_late / 86400:.2f}",
            submitted_at=result.submitted_at,
            penalty=f"{result.late_penalty:g}",
            final=f"{result.final_score:g}",
            max_score=f"{result.max_score:g}",
        )
        blocks.append(Paragraph(Strong(late)))
    if result.notes:
        blocks.append(Items(tuple(Item(note) for note in result.notes)))
    rows = tuple(
        (Code(function), f"{got:g} / {top:g}", _status(got >= top))
        for function, (got, top) in result.function_scores().items()
    )
    blocks.append(Table((_("function"), _("score"), _("result")), rows))
    for function, checks in _by_function(result).items():
        blocks += [Heading(2, Code(function)), Items(tuple(_check_item(c, show_hidden) for c in checks))]
    return blocks


def _check_item(check: CheckResult, show_hidden: bool) -> Item:
    label = _(" (hidden check)") if check.hidden else ""
    text = (_status(check.passed), " ", Code(check.name), f"{label}: {check.points:g} / {check.max_points:g}")
    if check.passed:
        return Item(text)
    if not (show_hidden or not check.hidden):
        return Item(text, (Paragraph(_("(details are shown when grades are published)")),))
    body: list[Block] = [Pre(f"{check.description}\n{check.message}".strip())]
    if picture.shown(check, show_hidden):
        mentioned = _("(feedback.html shows a picture of expected, got and their difference.)")
        excerpt = check.excerpt
        body.append(Figure(picture.data_uri(excerpt), picture.alt_text(excerpt), picture.caption(excerpt), mentioned))
    return Item(text, tuple(body))


def feedback_markdown(result: NotebookResult, show_hidden: bool = False) -> str:
    """``feedback`` as Markdown (pictures only mentioned)."""
    return document.markdown(feedback(result, show_hidden))


def feedback_html(result: NotebookResult, show_hidden: bool = False, title: str | None = None) -> str:
    """``feedback`` as a self-contained HTML page, pictures embedded."""
    with i18n.language(result.lang):
        title = title or _("{assignment} feedback").format(assignment=result.assignment)
    return document.html_page(title, feedback(result, show_hidden), result.lang)


MANIFEST = ".results-manifest.json"
"""In the output folder: results.json path -> SHA-256 of the content the grader wrote."""


def read_manifest(out: Path) -> dict[str, str]:
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def written_by_the_grader(out: Path, relative: str, manifest: dict[str, str]) -> bool:
    """True when ``out/relative`` holds exactly what the grader wrote there."""
    try:
        return manifest.get(relative) == _digest((out / relative).read_bytes())
    except OSError:
        return False


def write_submission(out: Path, result: NotebookResult, show_hidden: bool = False) -> dict:
    """Write results.json, feedback.md and feedback.html for one submission, and
    record results.json's digest in the output folder's manifest."""
    data = result.to_json()
    folder = out / result.student / result.assignment
    content = json.dumps(data, indent=2)
    write_atomic(folder / "results.json", content)
    manifest = read_manifest(out)
    manifest[f"{result.student}/{result.assignment}/results.json"] = _digest(content.encode())
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    page = feedback(result, show_hidden)
    write_atomic(folder / "feedback.md", document.markdown(page))
    with i18n.language(result.lang):
        title = _("{assignment} feedback").format(assignment=result.assignment)
    write_atomic(folder / "feedback.html", document.html_page(title, page, result.lang))
    return data


def load_results(out: Path) -> list[NotebookResult]:
    """Every results.json under ``out`` that the grader wrote and nobody changed since
    (see ``MANIFEST``), with student and assignment taken from where it lies, never
    from what the file says."""
    manifest, found = read_manifest(out), []
    for path in sorted(out.glob("*/*/results.json")):
        relative = path.relative_to(out).as_posix()
        if not written_by_the_grader(out, relative, manifest):
            continue
        result = NotebookResult.from_json(json.loads(path.read_text()))
        found.append(dataclasses.replace(result, student=path.parent.parent.name, assignment=path.parent.name))
    return found


LATE_COLUMN = "late_penalty"


def grades_table(results: list[NotebookResult]) -> tuple[list[str], list[list]]:
    """grades.csv: one row per student, a column per assignment and per function, a total.

    The assignment column and the total are scores after late penalties
    (``final_score``); per-function columns are raw points. An assignment graded
    with a late policy also gets an ``<assignment>:late_penalty`` column (points
    taken off). A submission the grader failed on shows ERROR, never a silent 0. The total
    leaves out optional assignments (``autograder.core.course.in_course_total``)."""
    assignments = sorted({r.assignment for r in results})
    dated = {r.assignment for r in results if r.submitted_at or r.late_penalty}
    columns: list[tuple[str, str | None]] = []
    for name in assignments:
        columns.append((name, None))
        functions = ASSIGNMENTS[name].functions if name in ASSIGNMENTS else ()
        columns += [(name, f) for f in functions]
        columns += [(name, LATE_COLUMN)] if name in dated else []
    by_student: dict[str, dict[str, NotebookResult]] = defaultdict(dict)
    for r in results:
        by_student[r.student][r.assignment] = r
    header = ["student"] + [a if f is None else f"{a}:{f}" for a, f in columns] + ["total"]
    rows = []
    for student in sorted(by_student):
        row: list = [student]
        total = 0.0
        for assignment, function in columns:
            r = by_student[student].get(assignment)
            if r is None:
                row.append("")
            elif r.grader_error:
                row.append("ERROR")
            elif function is None:
                row.append(f"{r.final_score:g}")
                total += r.final_score if in_course_total(assignment) else 0.0
            elif function == LATE_COLUMN:
                row.append(f"{r.late_penalty:g}")
            else:
                row.append(f"{r.function_scores().get(function, (0.0, 0.0))[0]:g}")
        row.append(f"{total:g}")
        rows.append(row)
    return header, rows


def _histogram_png(path: Path, results: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    by_assignment: dict[str, list[float]] = defaultdict(list)
    for r in results:
        if r.max_score:
            by_assignment[r.assignment].append(100 * r.score / r.max_score)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(list(by_assignment.values()), bins=range(0, 101, 10), label=list(by_assignment), stacked=True)
    ax.set_xlabel("score (% of the assignment's points)")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count: no half submissions
    ax.set_title("Score distribution")
    if by_assignment:
        ax.legend(fontsize="small")
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    write_atomic(path, buf.getvalue())


def similarity_section(out: Path, shown: int = 10) -> list[Block]:
    """The most similar pairs of answers, from ``similarity.json`` when ``python -m
    autograder similarity`` wrote one."""
    from . import similarity

    found = similarity.load(out)
    if found is None:
        return [
            Paragraph(("Not computed: ", Code("python -m autograder similarity REPORTS --submissions SUBMITTED"), "."))
        ]
    threshold, pairs = found
    above = [p for p in pairs if p.similarity >= threshold]
    blocks: list[Block] = [
        Paragraph(
            f"{len(above)} of {class_report.count(len(pairs), 'pair')} at or above {threshold:g}: evidence for a "
            "person to read in "
            "similarity.html, never a verdict."
        )
    ]
    if above:
        rows = tuple(
            (p.assignment, Code(p.function), " / ".join(p.students), f"{100 * p.similarity:.0f}%")
            for p in above[:shown]
        )
        blocks.append(Table(("assignment", "function", "students", "similarity"), rows))
    return blocks


WIDE = "body { max-width: 100em; }"
"""The class summary uses a laptop's whole width: its tables have a column per assignment."""


def write_class_summary(out: Path) -> dict:
    """grades.csv, summary.md/.html and its PNGs beside it (histogram.png, one
    distribution-<assignment>.png each, heatmap.png) from every results.json under
    ``out``. What an instructor acts on comes first (misconceptions by assignment, the
    functions most students missed), then each student's totals, then per assignment its
    figures, per check its pass rate and discrimination, and the long table of who made
    which mistake. Returns figures for the CLI."""
    results = load_results(out)
    header, rows = grades_table(results)
    write_atomic(out / "grades.csv", csv_text([header, *rows]))

    errors = [r for r in results if r.grader_error]
    _histogram_png(out / "histogram.png", results)
    plots = {"histogram": "histogram.png", **class_report.write_plots(out, results, write_atomic)}
    counted = (
        f"{class_report.count(len({r.student for r in results}), 'student')}, "
        f"{class_report.count(len(results), 'graded submission')}"
        + (
            f", {class_report.count(len(errors), 'grader error')} (marked ERROR in grades.csv, left out of the figures)"
            if errors
            else ""
        )
        + "."
    )
    blocks: list[Block] = [
        Heading(1, "Class summary"),
        Paragraph(counted),
        *class_report.attention_section(results, CATALOGUE),
        *class_report.totals_table(results),
        *class_report.assignments_section(results, plots),
        *class_report.function_tables(results),
        Heading(2, "Pass rate per check"),
        *class_report.check_table(results),
        Heading(2, "Misconceptions: where, and who"),
        *class_report.misconception_table(results, CATALOGUE),
        Heading(2, "Similar answers"),
        *similarity_section(out),
    ]
    write_atomic(out / "summary.md", document.markdown(blocks))
    write_atomic(out / "summary.html", document.html_page("Class summary", blocks, style=WIDE))
    return {"students": len(rows), "submissions": len(results), "grader_errors": len(errors)}
