"""The instructor's pages: class progress, per-function pass rates, each student's
latest and best submission with its feedback, publishing hidden results, grades.csv and
the LMS exports (Canvas, Moodle).

Server-rendered HTML with the feedback pages' style (``autograder.report.reports``):
every text from a submission is escaped, and nothing is loaded from elsewhere.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import quote

from ..core.course import ASSIGNMENTS
from ..core.results import NotebookResult
from ..report import document, files, lms, reports
from .store import Submission, utc


def graded(rows: list[Submission]) -> list[Submission]:
    return [r for r in rows if r.status == "graded" and r.result is not None]


def latest_and_best(rows: list[Submission]) -> dict[tuple[str, str], tuple[Submission, Submission]]:
    """(student, assignment) -> (latest, best) graded submission; the best is the highest
    score, the earliest of equals."""
    found: dict[tuple[str, str], tuple[Submission, Submission]] = {}
    for row in sorted(graded(rows), key=lambda r: r.id):
        key = (row.student, row.assignment)
        best = found[key][1] if key in found else row
        found[key] = (row, row if row.score > best.score else best)
    return found


def result_of(row: Submission) -> NotebookResult:
    return NotebookResult.from_dict(json.loads(row.result))


def pass_rates(rows: list[Submission]) -> dict[str, dict[str, tuple[int, int]]]:
    """Assignment -> function -> (students whose latest submission passes all its checks,
    students with a latest submission)."""
    rates: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (_student, assignment), (latest, _best) in latest_and_best(rows).items():
        for function, (got, top) in result_of(latest).function_scores().items():
            rates[assignment][function][0] += got >= top
            rates[assignment][function][1] += 1
    return {a: {f: tuple(v) for f, v in fs.items()} for a, fs in rates.items()}


def _page(title: str, body: list[str], lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{document.STYLE}</style></head><body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    """Cells are HTML already (escape what goes in)."""
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    body = [
        "<tr>" + "".join(f'<th scope="row">{c}</th>' if i == 0 else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    ]
    return [
        '<div class="table"><table>',
        f"<thead><tr>{header}</tr></thead>",
        "<tbody>",
        *body,
        "</tbody></table></div>",
    ]


def _score(row: Submission | None, prefix: str) -> str:
    if row is None:
        return ""
    result = result_of(row)
    if result.grader_error:
        return '<strong class="fail">ERROR</strong>'
    link = f"{prefix}submissions/{row.id}/feedback"
    return f'<a href="{link}">{result.score:g} / {result.max_score:g}</a>'


def class_page(
    rows: list[Submission],
    students: list[str],
    published: set[str],
    xsrf: str,
    prefix: str = "/",
    export_problems: Sequence[str] = (),
) -> str:
    """Class progress: per student and assignment the latest and best score, what is
    waiting, the downloads (grades.csv, the LMS exports and what they leave out:
    ``export_problems``), per-function pass rates, and a publish form per assignment."""
    found = latest_and_best(rows)
    waiting = sum(r.status in ("queued", "grading") for r in rows)
    names = sorted(set(students) | {r.student for r in rows})
    at = html.escape(prefix)
    body = ["<h1>Grading service: class progress</h1>"]
    body.append(
        f"<p>{len(rows)} submissions from {len({r.student for r in rows})} students; "
        f'{waiting} waiting to be graded. <a href="{at}grades.csv">Download grades.csv</a> (best score per assignment).</p>'
    )
    body.append(
        f'<p>LMS exports of the best scores: <a href="{at}canvas.csv" id="canvas-csv">Canvas gradebook</a>; '
        f'Moodle grade import by <a href="{at}moodle.csv?id=email" id="moodle-csv">email address</a>, '
        f'<a href="{at}moodle.csv?id=username">username</a> or <a href="{at}moodle.csv?id=idnumber">ID number</a>. '
        "Identifier columns come from the roster (<code>serve --roster</code>).</p>"
    )
    if export_problems:
        body += [f"<details><summary>What the LMS exports leave out ({len(export_problems)})</summary><ul>"]
        body += [*(f"<li>{html.escape(p)}</li>" for p in export_problems), "</ul></details>"]
    head = ["student"] + [f"<code>{html.escape(a)}</code> latest / best" for a in ASSIGNMENTS]
    table = []
    for student in names:
        cells = [f'<a href="{html.escape(prefix)}students/{quote(student)}">{html.escape(student)}</a>']
        for assignment in ASSIGNMENTS:
            latest, best = found.get((student, assignment), (None, None))
            cells.append(f"{_score(latest, prefix)} · {_score(best, prefix)}" if latest else "")
        table.append(cells)
    body += _table(head, table)
    body.append("<h2>Per-function pass rates (latest submissions)</h2>")
    rates = pass_rates(rows)
    rate_rows = []
    for assignment in ASSIGNMENTS:
        for function, (passed, total) in rates.get(assignment, {}).items():
            rate_rows.append(
                [
                    f"<code>{html.escape(function)}</code>",
                    html.escape(assignment),
                    f"{passed} / {total} ({100 * passed / total:.0f}%)",
                ]
            )
    body += (
        _table(["function", "assignment", "passed all checks"], rate_rows)
        if rate_rows
        else ["<p>Nothing graded yet.</p>"]
    )
    body.append("<h2>Hidden results</h2>")
    publish_rows = []
    for assignment in ASSIGNMENTS:
        state = "published" if assignment in published else "not published"
        action, label = ("unpublish", "Hide again") if assignment in published else ("publish", "Publish")
        form = (
            f'<form method="post" action="{html.escape(prefix)}{action}"><input type="hidden" name="_xsrf" value="{html.escape(xsrf)}">'
            f'<input type="hidden" name="assignment" value="{html.escape(assignment)}">'
            f'<button type="submit" id="{action}-{html.escape(assignment)}">{label}</button></form>'
        )
        publish_rows.append([f"<code>{html.escape(assignment)}</code>", state, form])
    body += _table(["assignment", "students see hidden results", ""], publish_rows)
    return _page("Class progress", body)


def student_page(student: str, rows: list[Submission], prefix: str = "/") -> str:
    """One student's submissions: per assignment the latest and best with links to their
    feedback, then every submission with its phase times."""
    found = latest_and_best(rows)
    body = [
        f"<h1>Submissions of {html.escape(student)}</h1>",
        f'<p><a href="{html.escape(prefix)}">Class progress</a></p>',
    ]
    summary = []
    for assignment in ASSIGNMENTS:
        latest, best = found.get((student, assignment), (None, None))
        if latest:
            summary.append([f"<code>{html.escape(assignment)}</code>", _score(latest, prefix), _score(best, prefix)])
    body += _table(["assignment", "latest", "best"], summary) if summary else ["<p>No graded submission.</p>"]
    body.append("<h2>Every submission</h2>")
    every = [
        [
            str(r.id),
            f"<code>{html.escape(r.assignment)}</code>",
            html.escape(r.status) + (f": {html.escape(r.reason or '')}" if r.status == "refused" else ""),
            _score(r, prefix) if r.status == "graded" and r.result else "",
            html.escape(_when(r.received_at)),
            html.escape(_when(r.finished_at)),
        ]
        for r in rows
    ]
    body += _table(["id", "assignment", "status", "score", "received", "finished"], every)
    return _page(f"Submissions of {student}", body)


def feedback_page(row: Submission, instructor: bool, published: bool) -> str:
    """The batch grader's feedback page for one submission: an instructor sees every
    check's details; a student the hidden checks' only once published (before, none of
    them: what a student may try again must not reveal them)."""
    result = result_of(row)
    if not (instructor or published):
        result = dataclasses.replace(result, checks=tuple(c for c in result.checks if not c.hidden))
    return reports.feedback_html(result, instructor or published, f"{result.assignment}: {result.student}")


def _when(moment) -> str:
    return "" if moment is None else utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC")


def grades_csv(rows: list[Submission]) -> str:
    """grades.csv of each student's best submission per assignment (the batch grader's
    columns, ``autograder.report.reports.grades_table``)."""
    best = [result_of(b) for _latest, b in latest_and_best(rows).values()]
    header, table = reports.grades_table(best)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[files.inert_cell(c) for c in r] for r in [header, *table]])
    return out.getvalue()


def lms_export(rows: list[Submission], roster: list[dict[str, str]], to: str, moodle_id: str = "email") -> lms.Export:
    """The batch grader's LMS export (``autograder.report.lms.export``: Canvas's gradebook
    or Moodle's grade import) of each student's best submission per assignment; the
    identifier columns come from ``roster`` (rows of ``lms.read_roster``), and students
    not on it are left out and named in ``Export.problems``."""
    best = [result_of(b) for _latest, b in latest_and_best(rows).values()]
    return lms.export(best, roster, to, moodle_id)
