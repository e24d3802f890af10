"""Where submissions are: nbgrader's layout ``<root>/<student>/<assignment>/<notebook>``,
and what was found there but will not be graded (the pre-flight).

Only that layout is read, at its own depth (a folder nested inside a submission never
stands for another student), and no symbolic link below the paths named on the command
line is followed: a linked student folder, assignment folder or notebook is refused for
its student (``Submission.refused``, see ``autograder.core.intake``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import intake
from .course import ASSIGNMENTS, Assignment, assignment_of_grade_ids, grade_ids

_IGNORED = {"timestamp.txt"}  # nbgrader writes it beside every submitted notebook


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment (``path`` None when missing)."""

    student: str
    assignment: Assignment
    path: Path | None
    refused: intake.Refusal | None = None
    """Why the notebook is not read (a link, not a file, too large), or None."""


@dataclass(frozen=True)
class Skipped:
    """A file or folder found under the given paths that will not be graded, and why."""

    path: Path
    reason: str


@dataclass
class Found:
    """What a batch would grade (``submissions``) and what it leaves out (``skipped``)."""

    submissions: list[Submission] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """The pre-flight, in lines: students, assignments, notebooks recognised, the
        missing and refused ones, and each path skipped with its reason."""
        students = {s.student for s in self.submissions}
        assignments = {s.assignment.name for s in self.submissions}
        refused = [s for s in self.submissions if s.refused is not None]
        notebooks = sum(s.path is not None and s.refused is None for s in self.submissions)
        missing = sum(s.path is None and s.refused is None for s in self.submissions)
        lines = [
            f"Found {_count(len(students), 'student')}, {_count(len(assignments), 'assignment')}: "
            f"{_count(notebooks, 'notebook')} to grade"
            + (
                f", {missing} assignment folder{'s' * (missing != 1)} without its notebook (scored 0)"
                if missing
                else ""
            )
            + (f", {len(refused)} refused (scored 0 with the reason)" if refused else "")
            + "."
        ]
        lines += [f"  {s.student}/{s.assignment.name}: {s.refused.message()}" for s in refused]
        if self.skipped:
            lines.append(f"Skipped {_count(len(self.skipped), 'path')}:")
            lines += [f"  {s.path}: {s.reason}" for s in self.skipped]
        if not self.submissions:
            lines.append("Nothing to grade.")
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _known() -> str:
    return ", ".join(ASSIGNMENTS)


def _foreign(ids: list[str]) -> str:
    shown = ", ".join(ids[:4]) + (", ..." if len(ids) > 4 else "")
    return f"not a notebook of this course: its grade ids ({shown}) name none of its graded functions"


def _loose(path: Path, only: Assignment | None) -> tuple[Assignment | None, str]:
    """The assignment of a notebook outside an assignment folder: by its name, else its
    grade ids, else ``only`` (``--assignment``); or None and why not."""
    by_name = next((a for a in ASSIGNMENTS.values() if a.notebook == path.name), None)
    ids = grade_ids(path)
    found = by_name or assignment_of_grade_ids(ids) or (only if not ids else None)
    if found is not None:
        return found, ""
    if ids:
        return None, _foreign(ids)
    return None, f"unknown assignment: neither its folder, its name nor its grade ids say (one of {_known()})"


def classify(paths: list[str | Path], assignment: str | None = None) -> Found:
    """Submissions under ``paths``, and what is skipped there with its reason.

    Each path is a notebook, an assignment folder (``<student>/<assignment>``), a student's
    folder (holding assignment folders) or a class folder (holding students' folders);
    nothing deeper is looked at. Skipped, with the reason: folders of an unknown assignment,
    files that are not notebooks, notebooks outside an assignment folder, notebooks whose
    grade ids belong to another course or another assignment. A folder of an assignment
    without its notebook yields a submission with ``path=None``; a linked folder or notebook
    one with ``refused`` set. A notebook given as a file belongs to the assignment its
    folder, its name or its grade ids say.

    Args:
        paths: files or folders (followed even when links: they are the grader's own).
        assignment: grade only this assignment; a notebook none of the above places
            is taken as this assignment's.

    Raises:
        FileNotFoundError: naming a path that does not exist.
        ValueError: naming an unknown ``assignment``.
    """
    if assignment is not None and assignment not in ASSIGNMENTS:
        raise ValueError(f"Unknown assignment. Expected one of {_known()}. Received: assignment={assignment!r}")
    only = ASSIGNMENTS[assignment] if assignment else None
    found: dict[tuple[str, str], Submission] = {}
    skipped: list[Skipped] = []

    def add(submission: Submission) -> None:
        if only is None or submission.assignment is only:
            found[(submission.student, submission.assignment.name)] = submission

    for root in map(Path, paths):
        if not root.exists():
            raise FileNotFoundError(f"No such file or folder: {str(root)!r}")
        if root.is_file():
            _file(root, only, add, skipped)
            continue
        for student, folder in _folders(root, only, skipped):
            chosen = ASSIGNMENTS[folder.name]
            linked = intake.linked_folder(folder)
            if linked is not None:
                add(Submission(student, chosen, None, linked))
            else:
                _assignment_folder(folder, student, chosen, add, skipped)
    return Found([found[k] for k in sorted(found)], skipped)


def _file(path: Path, only: Assignment | None, add, skipped: list[Skipped]) -> None:
    if path.suffix != ".ipynb":
        skipped.append(Skipped(path, "not a notebook (.ipynb)"))
        return
    parent = path.parent
    chosen, reason = (ASSIGNMENTS[parent.name], "") if parent.name in ASSIGNMENTS else _loose(path, only)
    if chosen is None:
        skipped.append(Skipped(path, reason))
        return
    add(Submission(student_of(path), chosen, path, intake.refusal(path)))


def student_of(path: Path) -> str:
    """The student a notebook named on its own belongs to: the folder above its assignment
    folder (``<student>/<assignment>/<notebook>``), else the folder holding it."""
    parent = path.parent
    return parent.parent.name if parent.name in ASSIGNMENTS else parent.name


def _folders(root: Path, only: Assignment | None, skipped: list[Skipped]) -> list[tuple[str, Path]]:
    """(student, assignment folder) under ``root``, an assignment, student's or class folder;
    nothing deeper is looked at. What a student's folder holds besides assignment folders
    is skipped with the reason."""
    if root.name in ASSIGNMENTS:
        return [(root.parent.name, root)]
    children = _entries(root)
    if any(p.name in ASSIGNMENTS for p in children):
        return _student(root, children, only, skipped)
    found = []
    for student in children:
        if student.is_dir() and not student.is_symlink():
            found += _student(student, _entries(student), only, skipped)
    submitted = sorted({folder.name for _, folder in found})
    linked = [p for p in children if p.is_symlink()]  # refused, for each assignment the class submitted
    return found + [(student.name, student / name) for student in linked for name in submitted]


def _student(folder: Path, children: list[Path], only: Assignment | None, skipped: list[Skipped]):
    """The assignment folders of one student's ``folder``; its loose notebooks and the
    notebooks in folders of unknown assignments are skipped with a hint where they belong."""
    found = []
    for child in children:
        if child.name in ASSIGNMENTS:
            found.append((folder.name, child))
        elif child.is_dir() and not child.is_symlink():
            for entry in _entries(child):
                if entry.suffix == ".ipynb":
                    skipped.append(Skipped(entry, _misplaced(entry, child.name, only)))
        elif child.suffix == ".ipynb":
            skipped.append(Skipped(child, _misplaced(child, None, only)))
    return found


def _misplaced(path: Path, folder: str | None, only: Assignment | None) -> str:
    where = f"unknown assignment folder {folder!r}" if folder else "outside an assignment folder"
    if path.is_symlink():
        return f"{where}, and a symbolic link (not followed)"
    chosen, reason = _loose(path, only)
    if chosen is None:
        return f"{where}: {reason}" if grade_ids(path) else f"{where} (one of {_known()})"
    by = "name" if path.name == chosen.notebook else "grade ids"
    return f"{where}: this is {chosen.name}'s notebook (by its {by}); put it in <student>/{chosen.name}/"


def _entries(folder: Path) -> list[Path]:
    return [e for e in sorted(folder.iterdir()) if not e.name.startswith(".") and e.name not in _IGNORED]


def _assignment_folder(folder: Path, student: str, assignment: Assignment, add, skipped: list[Skipped]) -> None:
    """The submission in one ``<student>/<assignment>`` folder: its notebook by name, else
    its only other notebook (a link is refused for the student, never followed); whatever
    else lies there is skipped."""
    entries = _entries(folder)
    expected = folder / assignment.notebook
    notebooks = [e for e in entries if e.suffix == ".ipynb"]
    chosen = expected if expected in notebooks else (notebooks[0] if notebooks else None)
    for entry in entries:
        if entry == chosen:
            continue
        if entry.is_symlink():
            reason = "a symbolic link (not followed)"
        elif entry.suffix != ".ipynb" or entry.is_dir():
            reason = "not a notebook (.ipynb)"
        else:
            reason = f"another notebook: {chosen.name} is graded for {assignment.name}"
        skipped.append(Skipped(entry, reason))
    refused = chosen and intake.refusal(chosen)
    if chosen is not None and refused is None:
        ids = grade_ids(chosen)
        owner = assignment_of_grade_ids(ids)
        if ids and owner is None:
            skipped.append(Skipped(chosen, _foreign(ids)))
            return
        if owner is not None and owner is not assignment:
            skipped.append(Skipped(chosen, f"{owner.name}'s notebook (by its grade ids), not {assignment.name}'s"))
            return
    add(Submission(student, assignment, chosen, refused or None))


def discover(paths: list[str | Path], assignment: str | None = None) -> list[Submission]:
    """The submissions under ``paths`` (see ``classify``; what it skips is left out)."""
    return classify(paths, assignment).submissions
