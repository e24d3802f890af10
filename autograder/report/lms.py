"""Gradebook exports for a learning management system (Canvas, Moodle).

Scores come from the results the grader wrote (``reports.load_results``, which
trusts only files in the grader's manifest), after late penalties
(``NotebookResult.final_score``). Students are matched through a roster, a CSV
the instructor writes with a header row and these columns:

- ``student`` (required): the folder name in ``submitted/`` (nbgrader's student id);
- ``name``: as the LMS shows it (Canvas's "Student" column);
- ``id``: Canvas's user id; ``sis_user_id``, ``sis_login_id``, ``section``: Canvas's
  SIS columns (Moodle: ``sis_user_id`` is the "ID number", ``sis_login_id`` the username);
- ``email``: the Moodle account's email address.

Only ``student`` is required; a column the chosen format needs but the roster
lacks is written empty. Students graded but not in the roster, roster entries
without a grade, and grades the grader failed on are returned as problems for
the caller to show: never silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..core.results import NotebookResult
from .files import csv_text

ROSTER_COLUMNS = ("student", "name", "id", "sis_user_id", "sis_login_id", "section", "email")

CANVAS_COLUMNS = (("Student", "name"), ("ID", "id"), ("SIS User ID", "sis_user_id"),
                  ("SIS Login ID", "sis_login_id"), ("Section", "section"))  # fmt: skip
"""Canvas's gradebook CSV: these columns, one per assignment, a "Points Possible" row under the header."""

MOODLE_IDS = {"email": ("Email address", "email"), "username": ("Username", "sis_login_id"),
              "idnumber": ("ID number", "sis_user_id")}  # fmt: skip
"""Moodle's CSV grade import maps one identifier column to a user field: column name, roster column."""


@dataclass(frozen=True)
class Export:
    """A gradebook CSV and what could not go into it."""

    text: str
    """The CSV."""
    not_in_roster: tuple[str, ...]
    """Students with results but no roster entry."""
    without_grade: tuple[str, ...]
    """Roster students with no result for some assignment (as ``student/assignment``)."""
    grader_errors: tuple[str, ...]
    """``student/assignment`` results the grader failed on (their cell is left empty)."""

    def problems(self) -> list[str]:
        """One line per problem, for stderr."""
        lines = [f"graded but not in the roster (not exported): {s}" for s in self.not_in_roster]
        lines += [f"in the roster but not graded (empty cell): {s}" for s in self.without_grade]
        lines += [f"the grader failed, not a grade (empty cell): {s}" for s in self.grader_errors]
        return lines


def read_roster(path: str | Path) -> list[dict[str, str]]:
    """The roster's rows, each with every column of ``ROSTER_COLUMNS`` (missing ones empty).

    Raises:
        FileNotFoundError: naming the path.
        ValueError: when the header has no ``student`` column, or a student appears twice.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such roster file: {str(path)!r}")
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    if "student" not in (reader.fieldnames or ()):
        raise ValueError(f"The roster {str(path)!r} needs a 'student' column. Received columns: {reader.fieldnames}")
    rows, seen = [], set()
    for row in reader:
        entry = {c: (row.get(c) or "").strip() for c in ROSTER_COLUMNS}
        if entry["student"] in seen:
            raise ValueError(f"The roster {str(path)!r} lists student {entry['student']!r} twice")
        seen.add(entry["student"])
        rows.append(entry)
    return rows


def export(results: list[NotebookResult], roster: list[dict[str, str]], to: str, moodle_id: str = "email") -> Export:
    """The gradebook CSV for ``to`` ("canvas" or "moodle"): a row per roster student,
    a column per graded assignment holding the score after late penalties."""
    if to not in ("canvas", "moodle"):
        raise ValueError(f"to must be 'canvas' or 'moodle'. Received: to={to!r}")
    if moodle_id not in MOODLE_IDS:
        raise ValueError(f"moodle_id must be one of {sorted(MOODLE_IDS)}. Received: moodle_id={moodle_id!r}")
    assignments = sorted({r.assignment for r in results})
    by_key = {(r.student, r.assignment): r for r in results}
    listed = {row["student"] for row in roster}
    maxima = {a: max(r.max_score for r in results if r.assignment == a) for a in assignments}
    ids = list(CANVAS_COLUMNS) if to == "canvas" else [MOODLE_IDS[moodle_id]]
    table = [[label for label, _ in ids] + assignments]
    if to == "canvas":
        table.append(["Points Possible"] + [""] * (len(ids) - 1) + [f"{maxima[a]:g}" for a in assignments])
    without, errors = [], []
    for row in roster:
        cells = []
        for a in assignments:
            r = by_key.get((row["student"], a))
            if r is None:
                without.append(f"{row['student']}/{a}")
            elif r.grader_error:
                errors.append(f"{row['student']}/{a}")
            cells.append("" if r is None or r.grader_error else f"{r.final_score:g}")
        table.append([row[column] for _, column in ids] + cells)
    text = csv_text(table)
    missing = tuple(sorted({r.student for r in results} - listed))
    return Export(text, missing, tuple(without), tuple(errors))
