"""Writing results: results.json per submission, feedback pages, and the class
summary (grades.csv, pass rates, misconception counts, score histogram).

Everything here takes ``NotebookResult`` objects; results.json files are read back
with ``NotebookResult.from_json``, so a resumed batch summarises earlier results
exactly like new ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import json
import textwrap
from collections import Counter, defaultdict
from pathlib import Path

from ..core import i18n
from ..core.course import ASSIGNMENTS
from ..core.i18n import _
from ..core.results import CheckResult, NotebookResult
from ..judge.misconceptions import CATALOGUE
from . import class_report
from . import pictures as picture
from .files import csv_text, write_atomic


def _by_function(result: NotebookResult) -> dict[str, list[CheckResult]]:
    found: dict[str, list[CheckResult]] = defaultdict(list)
    for check in result.checks:
        found[check.function].append(check)
    return found


def _status(passed: bool) -> str:
    return f"**{_('passed')}**" if passed else f"**{_('FAILED')}**"


def feedback_markdown(result: NotebookResult, show_hidden: bool = False, pictures: bool = False) -> str:
    """A student's feedback page, in the result's language: score per function, each
    failed check explained.

    Hidden checks show only pass/fail until ``show_hidden`` (grades published). With
    ``pictures``, a failed image-shaped answer also gets a picture of expected, got and
    their difference, embedded (``autograder.report.pictures``; for the HTML page)."""
    with i18n.language(result.lang):
        return _feedback_markdown(result, show_hidden, pictures)


def _feedback_markdown(result: NotebookResult, show_hidden: bool, pictures: bool) -> str:
    title = _("{assignment}: feedback for {student}").format(assignment=result.assignment, student=result.student)
    score = _("Score: {score} / {max_score}").format(score=f"{result.score:g}", max_score=f"{result.max_score:g}")
    lines = [f"# {title}", "", f"**{score}**", ""]
    if result.grader_error:
        error = _("The grader failed on this submission (not your fault): {error}").format(error=result.grader_error)
        lines += [f"> {error}", ""]
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
        lines += [f"**{late}**", ""]
    lines += [f"- {note}" for note in result.notes]
    header = " | ".join((_("function"), _("score"), _("result")))
    lines += ["", f"| {header} |", "| --- | --- | --- |"]
    for function, (got, top) in result.function_scores().items():
        lines.append(f"| `{function}` | {got:g} / {top:g} | {_status(got >= top)} |")
    for function, checks in _by_function(result).items():
        lines += ["", f"## `{function}`", ""]
        for check in checks:
            label = _(" (hidden check)") if check.hidden else ""
            lines.append(f"- {_status(check.passed)} `{check.name}`{label}: {check.points:g} / {check.max_points:g}")
            if not check.passed and (show_hidden or not check.hidden):
                text = f"{check.description}\n{check.message}".strip()
                body = "\n".join("      " + line for line in text.splitlines())
                lines += ["", "  ```text", body, "  ```"]
                if picture.shown(check, show_hidden) and pictures:
                    lines += ["", "  " + _picture(check)]
                elif picture.shown(check, show_hidden):
                    lines += ["", "  " + _("(feedback.html shows a picture of expected, got and their difference.)")]
            elif not check.passed:
                lines.append("  " + _("(details are shown when grades are published)"))
    return "\n".join(lines) + "\n"


def _picture(check: CheckResult) -> str:
    """The Markdown image (with a title, the caption) of a check's picture."""
    alt, caption = picture.alt_text(check.excerpt), picture.caption(check.excerpt)
    return f'![{alt}]({picture.data_uri(check.excerpt)} "{caption}")'


STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.45; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1f1f1f; }
pre { background: #f4f4f4; padding: .5em; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #bbb; padding: .2em .6em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eee; }
.table { max-width: 100%; overflow-x: auto; }
img { max-width: 100%; height: auto; }
figure { margin: .5em 0; }
figcaption { font-size: .9em; }
ul { padding-left: 1.2em; }
li { margin: .3em 0; }
.pass { color: #116329; }
.fail { color: #a40e26; }
.pass::before { content: "\\2713\\00a0"; }
.fail::before { content: "\\2717\\00a0"; }
""".strip()
"""The pages' style: wrapped preformatted text, tables and pictures that fit the page,
pass and fail in colour and, by word and mark, without it."""


def _marks() -> dict[str, str]:
    """The bold words "passed" and "FAILED" (in the current language) -> marked as such."""
    passed, failed = html.escape(_("passed")), html.escape(_("FAILED"))
    return {
        f"<b>{passed}</b>": f'<strong class="pass">{passed}</strong>',
        f"<b>{failed}</b>": f'<strong class="fail">{failed}</strong>',
    }


def _image(text: str) -> str:
    """``![alt](src)`` as an image; ``![alt](src "caption")`` as a figure with its caption."""
    alt, rest = text[2:].split("](", 1)
    rest = rest.rstrip(")")
    src, _quote, title = rest.partition(' "')
    if not title:
        return f'<img alt="{html.escape(alt)}" src="{html.escape(src)}">'
    caption = html.escape(title.rstrip('"'))
    return f'<figure><img alt="{html.escape(alt)}" src="{html.escape(src)}"><figcaption>{caption}</figcaption></figure>'


def _cell(text: str) -> str:
    """A table cell's content; a grader error (ERROR in grades.csv) marked as a failure."""
    return '<strong class="fail">ERROR</strong>' if text == "ERROR" else _inline(text)


def _table(rows: list[list[str]]) -> list[str]:
    """A table whose first row heads the columns and first column heads the rows."""
    head = "".join(f'<th scope="col">{_inline(c)}</th>' for c in rows[0])
    body = [
        "<tr>"
        + "".join(f'<th scope="row">{_cell(c)}</th>' if i == 0 else f"<td>{_cell(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows[1:]
    ]
    return ['<div class="table"><table>', f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody></table></div>"]


def markdown_to_html(title: str, markdown: str, lang: str = i18n.DEFAULT) -> str:
    """A small, dependency-free rendering of the Markdown written here: headings,
    paragraphs, lists whose items go on in indented lines, fenced code, tables and
    images, on a page that wraps and fits a screen (see ``STYLE``)."""
    body: list[str] = []
    code: list[str] | None = None
    table: list[list[str]] = []
    in_list = in_item = False

    def close_table() -> None:
        if table:
            body.extend(_table(table))
            table.clear()

    def close_list() -> None:
        nonlocal in_list, in_item
        if in_item:
            body.append("</li>")
        if in_list:
            body.append("</ul>")
        in_list = in_item = False

    for line in markdown.splitlines():
        stripped = line.strip()
        if code is not None:
            if stripped.startswith("```"):
                body.append("<pre>" + html.escape(textwrap.dedent("\n".join(code))) + "</pre>")
                code = None
            else:
                code.append(line)
            continue
        if not stripped:
            continue
        if in_list and not line.startswith(("  ", "- ")):
            close_list()
        if stripped.startswith("```"):
            close_table()
            code = []
        elif stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not set("".join(cells)) <= {"-", " "}:
                table.append(cells)
        elif stripped.startswith("#"):
            close_table()
            level = len(stripped) - len(stripped.lstrip("#"))
            body.append(f"<h{level}>{_inline(stripped[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            close_table()
            if in_item:
                body.append("</li>")
            if not in_list:
                body.append("<ul>")
            body.append(f"<li>{_inline(stripped[2:])}")
            in_list = in_item = True
        elif stripped.startswith("!["):
            close_table()
            body.append(_image(stripped))
        else:
            close_table()
            body.append(f"<p>{_inline(stripped.lstrip('> '))}</p>")
    close_table()
    close_list()
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def _inline(text: str) -> str:
    text = html.escape(text)
    parts = text.split("**")
    text = "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))
    for plain, marked in _marks().items():
        text = text.replace(plain, marked)
    parts = text.split("`")
    return "".join(f"<code>{_breakable(p)}</code>" if i % 2 else p for i, p in enumerate(parts))


def _breakable(name: str) -> str:
    """A long name (``test_conv2d_manual_on_...``) that may break after its underscores."""
    return name.replace("_", "_<wbr>")


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
    write_atomic(folder / "feedback.md", feedback_markdown(result, show_hidden))
    page = feedback_markdown(result, show_hidden, pictures=True)
    with i18n.language(result.lang):
        title = _("{assignment} feedback").format(assignment=result.assignment)
        write_atomic(folder / "feedback.html", markdown_to_html(title, page, result.lang))
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
    taken off). A submission the grader failed on shows ERROR, never a silent 0."""
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
                total += r.final_score
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


def similarity_section(out: Path, shown: int = 10) -> list[str]:
    """Summary lines on the most similar pairs of answers, from ``similarity.json``
    when ``python -m autograder similarity`` wrote one."""
    from . import similarity

    found = similarity.load(out)
    if found is None:
        return ["Not computed: `python -m autograder similarity REPORTS --submissions SUBMITTED`."]
    threshold, pairs = found
    above = [p for p in pairs if p.similarity >= threshold]
    lines = [
        f"{len(above)} of {len(pairs)} pairs at or above {threshold:g}: evidence for a person to read in "
        "similarity.html, never a verdict.",
        "",
    ]
    if above:
        lines += ["| assignment | function | students | similarity |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {p.assignment} | `{p.function}` | {' / '.join(p.students)} | {100 * p.similarity:.0f}% |"
            for p in above[:shown]
        ]
    return lines


def write_class_summary(out: Path) -> dict:
    """grades.csv, summary.md/.html and its PNGs beside it (histogram.png, one
    distribution-<assignment>.png each, heatmap.png) from every results.json under
    ``out``: per assignment its figures, the scores, per check its pass rate and
    discrimination, misconceptions with who made them. Returns figures for the CLI."""
    results = load_results(out)
    header, rows = grades_table(results)
    write_atomic(out / "grades.csv", csv_text([header, *rows]))

    mistakes: Counter = Counter()
    students_with: dict[str, set] = defaultdict(set)
    errors = [r for r in results if r.grader_error]
    for r in class_report.graded(results):
        for check in r.checks:
            for m in check.misconceptions:
                mistakes[m] += 1
                students_with[m].add(r.student)
    plots = class_report.write_plots(out, results, write_atomic)
    lines = [
        "# Class summary",
        "",
        f"{class_report.count(len({r.student for r in results}), 'student')}, "
        f"{class_report.count(len(results), 'graded submission')}"
        + (
            f", {len(errors)} with grader errors (marked ERROR in grades.csv, left out of the figures)"
            if errors
            else ""
        )
        + ".",
        "",
        "![score histogram](histogram.png)",
        "",
        *class_report.markdown(results, plots),
        "",
        "## Scores",
        "",
        *class_report.score_tables(results),
        "",
        "Assignment columns and totals are scores after late penalties; per-function columns are raw points.",
        "",
        "## Pass rate per check",
        "",
        *class_report.check_table(results),
        "",
        "## Misconceptions across the class",
        "",
    ]
    if mistakes:
        lines += ["| misconception | failed checks | students | what it means |", "| --- | --- | --- | --- |"]
        for m, count in mistakes.most_common():
            lines.append(f"| `{m}` | {count} | {len(students_with[m])} | {CATALOGUE.get(m, ('',))[0]} |")
        lines += ["", "### Where, and who", ""] + class_report.misconception_table(results, CATALOGUE)
    else:
        lines.append("None recognised.")
    lines += ["", "## Similar answers", ""] + similarity_section(out)
    page = "\n".join(lines) + "\n"
    write_atomic(out / "summary.md", page)
    write_atomic(out / "summary.html", markdown_to_html("Class summary", page))
    _histogram_png(out / "histogram.png", results)
    return {"students": len(rows), "submissions": len(results), "grader_errors": len(errors)}
