"""Similar answers: every pair of students' answer cells, per function, compared.

An answer cell is the nbgrader solution cell whose ``metadata.nbgrader.grade_id``
is the function's name. Each pair is fingerprinted with copydetect (winnowed
k-grams of the tokens, with names and strings abstracted, so renaming variables
changes nothing), after removing the boilerplate every student received: the
release notebook's code cells (stubs, docstrings and given code). Similarity of a
pair is the larger of the two shares of each answer's fingerprinted tokens found
in the other (0..1).

This is evidence for a person to read, never a verdict: short functions with
one natural solution look alike when written independently.
copydetect hashes k-grams with Python's salted ``hash()``, so a percentage can
move by a point or two from one process to the next (``PYTHONHASHSEED`` fixes it).
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

from ..core import cells
from ..core.course import ASSIGNMENTS, Assignment

NOISE = 15
"""Shortest match (filtered characters) that counts; copydetect's noise threshold."""
GUARANTEE = 20
"""Matches this long are always found; copydetect's guarantee threshold (window = GUARANTEE - NOISE + 1)."""
THRESHOLD = 0.6
"""Default similarity at and above which a pair is listed first and highlighted."""

FILE = "similarity.json"
"""In the reports folder: every compared pair, most similar first (``Pair`` fields)."""


@dataclass(frozen=True)
class Pair:
    """Two students' answers to one function, and how much of them matches."""

    assignment: str
    function: str
    students: tuple[str, str]
    similarity: float
    """max(share of the first answer matched, share of the second), 0..1."""
    sources: tuple[str, str]
    matches: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]
    """For each answer, (start, end) character ranges of matched code in its source."""


def answer_cells(notebook: dict, assignment: Assignment) -> dict[str, str]:
    """Function name -> source of its answer cell (the last one, as the notebook runs)."""
    found = {}
    for cell in notebook.get("cells", []):
        if cells.is_code(cell) and cells.grade_id(cell) in assignment.functions:
            found[cells.grade_id(cell)] = cells.source(cell)
    return found


def boilerplate(assignment: Assignment) -> str:
    """Every code cell of the release notebook: what all students were given."""
    nb = json.loads(assignment.release_path().read_text())
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    return "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)


def _fingerprint(code: str, given=None):
    from copydetect import CodeFingerprint

    if given is None:  # the boilerplate itself: every k-gram, as copydetect does
        return CodeFingerprint("answer.py", NOISE, 1, fp=io.StringIO(code))
    return CodeFingerprint("answer.py", NOISE, GUARANTEE - NOISE + 1, list(given), fp=io.StringIO(code))


def _ranges(slices, source: str, given: frozenset[str]) -> tuple[tuple[int, int], ...]:
    """copydetect's matched slices of ``source`` as (start, end) ranges to highlight:
    widened to whole words (its k-grams start and end inside them, ``strides=No|ne``) and
    cut where a line is given code (a line of the release, as the stub's signature and
    docstring: every student has it, so it is no evidence)."""
    if not (len(slices) and len(slices[0])):
        return ()
    word = re.compile(r"\w")
    own = [0] * (len(source) + 1)  # 1 where a character is on a line of the student's own
    at = 0
    for line in source.splitlines(keepends=True):
        if line.strip() not in given:
            own[at : at + len(line)] = [1] * len(line)
        at += len(line)
    ranges = []
    for a, b in zip(*slices):
        start, end = int(a), min(int(b), len(source))
        while 0 < start < len(source) and word.match(source[start - 1]) and word.match(source[start]):
            start -= 1
        while 0 < end < len(source) and word.match(source[end - 1]) and word.match(source[end]):
            end += 1
        run = None
        for i in range(start, end + 1):
            inside = i < end and own[i]
            if inside and run is None:
                run = i
            elif not inside and run is not None:
                if source[run:i].strip():
                    ranges.append((run, i))
                run = None
    return tuple(ranges)


@functools.cache
def _given_lines(assignment: str) -> frozenset[str]:
    """The non-blank lines of an assignment's release code, stripped."""
    return frozenset(line.strip() for line in boilerplate(ASSIGNMENTS[assignment]).splitlines() if line.strip())


def compare(answers: dict[str, dict[str, str]], assignment: Assignment) -> list[Pair]:
    """Every pair of students' answers to each of ``assignment``'s functions.

    Args:
        answers: student -> (function -> answer cell source).
        assignment: the assignment, whose release is the boilerplate.

    Returns:
        Pairs, most similar first; answers with nothing of their own (a stub left
        as released) are not compared.
    """
    from copydetect import compare_files

    given = _fingerprint(boilerplate(assignment)).hashes
    given_lines = _given_lines(assignment.name)
    pairs = []
    for function in assignment.functions:
        prints = {}
        for student in sorted(answers):
            source = answers[student].get(function)
            if source is not None:
                fp = _fingerprint(source, given)
                if fp.token_coverage > 0:
                    prints[student] = (source, fp)
        for a, b in combinations(sorted(prints), 2):
            _, (share_a, share_b), (slices_a, slices_b) = compare_files(prints[a][1], prints[b][1])
            pairs.append(
                Pair(
                    assignment.name,
                    function,
                    (a, b),
                    round(float(max(share_a, share_b)), 4),
                    (prints[a][0], prints[b][0]),
                    (_ranges(slices_a, prints[a][0], given_lines), _ranges(slices_b, prints[b][0], given_lines)),
                )
            )
    return sorted(pairs, key=lambda p: (-p.similarity, p.assignment, p.function, p.students))


def from_submissions(paths: list[str | Path]) -> list[Pair]:
    """Every pair of answers among the submissions under ``paths`` (nbgrader's layout);
    notebooks that cannot be read are left out."""
    from ..core.submissions import discover
    from ..execute import notebook

    by_assignment: dict[str, dict[str, dict[str, str]]] = {}
    for submission in discover(paths):
        if submission.path is None or submission.refused is not None:
            continue
        try:
            nb = notebook.load(submission.path)
        except notebook.NotebookError:
            continue
        cells = answer_cells(nb, submission.assignment) if isinstance(nb, dict) else {}
        by_assignment.setdefault(submission.assignment.name, {})[submission.student] = cells
    pairs = [p for name, answers in by_assignment.items() for p in compare(answers, ASSIGNMENTS[name])]
    return sorted(pairs, key=lambda p: (-p.similarity, p.assignment, p.function, p.students))


def _highlighted(source: str, ranges: tuple[tuple[int, int], ...]) -> str:
    parts, at = [], 0
    for start, end in ranges:
        parts += [html.escape(source[at:start]), f"<mark>{html.escape(source[start:end])}</mark>"]
        at = end
    return "".join(parts + [html.escape(source[at:])])


NOTICE = (
    "This page is evidence for a person to read, not a verdict. A high similarity means the two answers share "
    "long runs of the same code once names, strings, comments and the code every student was given are set "
    "aside; short functions with one natural solution look alike when written independently. Read both answers "
    "before drawing any conclusion, and talk with the students."
)


def write_report(out: str | Path, pairs: list[Pair], threshold: float = THRESHOLD, shown: int = 30) -> Path:
    """``out/similarity.html`` (the ``shown`` most similar pairs at or above
    ``threshold`` side by side, matches highlighted, and a table of all pairs) and
    ``out/similarity.json`` (every pair). Returns the page's path."""
    from .files import write_atomic

    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1. Received: threshold={threshold}")
    out = Path(out)
    data = {"threshold": threshold, "pairs": [asdict(p) for p in pairs]}
    write_atomic(out / FILE, json.dumps(data, indent=1))
    above = [p for p in pairs if p.similarity >= threshold]
    body = [
        "<h1>Similar answers</h1>",
        f"<p class='notice'><b>{html.escape(NOTICE)}</b></p>",
        f"<p>{len(pairs)} pairs of answers compared per function; {len(above)} at or above the threshold "
        f"{threshold:g} (matched code is <mark>highlighted</mark>).</p>",
    ]
    for p in above[:shown]:
        a, b = p.students
        body.append(
            f"<h2>{html.escape(p.assignment)} · <code>{html.escape(p.function)}</code>: "
            f"{html.escape(a)} and {html.escape(b)} ({100 * p.similarity:.0f}%)</h2><table class='pair'><tr>"
            + "".join(
                f"<td><b>{html.escape(who)}</b><pre>{_highlighted(src, rng)}</pre></td>"
                for who, src, rng in zip(p.students, p.sources, p.matches)
            )
            + "</tr></table>"
        )
    body.append(
        "<h2>All pairs</h2><table><tr><th>assignment</th><th>function</th><th>students</th><th>similarity</th></tr>"
    )
    body += [
        f"<tr><td>{html.escape(p.assignment)}</td><td><code>{html.escape(p.function)}</code></td>"
        f"<td>{html.escape(' / '.join(p.students))}</td><td>{100 * p.similarity:.0f}%</td></tr>"
        for p in pairs
    ]
    body.append("</table>")
    style = (
        "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:.2em .6em;vertical-align:top}"
        "table{border-collapse:collapse}table.pair td{width:50%}pre{white-space:pre-wrap;font-size:85%}"
        "mark{background:#ffd54f}.notice{background:#fff3e0;padding:.6em}"
    )
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Similar answers</title><style>{style}</style>"
        f"</head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    write_atomic(out / "similarity.html", page)
    return out / "similarity.html"


def load(out: str | Path) -> tuple[float, list[Pair]] | None:
    """(threshold, pairs) from ``out/similarity.json``, or None when there is none."""
    path = Path(out) / FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    pairs = [
        Pair(
            p["assignment"],
            p["function"],
            tuple(p["students"]),
            p["similarity"],
            tuple(p["sources"]),
            tuple(tuple(tuple(r) for r in side) for side in p["matches"]),
        )
        for p in data["pairs"]
    ]
    return data["threshold"], pairs
