"""Where submissions are: nbgrader's layout ``<root>/<student>/<assignment>/<notebook>``,
and what was found there but will not be graded (the pre-flight)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .course import ASSIGNMENTS, Assignment, assignment_of_grade_ids, grade_ids

_IGNORED = {"timestamp.txt"}  # nbgrader writes it beside every submitted notebook


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment (``path`` None when missing)."""

    student: str
    assignment: Assignment
    path: Path | None


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
        missing ones, and each path skipped with its reason."""
        students = {s.student for s in self.submissions}
        assignments = {s.assignment.name for s in self.submissions}
        notebooks = sum(s.path is not None for s in self.submissions)
        missing = len(self.submissions) - notebooks
        lines = [
            f"Found {_count(len(students), 'student')}, {_count(len(assignments), 'assignment')}: "
            f"{_count(notebooks, 'notebook')} to grade"
            + (
                f", {missing} assignment folder{'s' * (missing != 1)} without its notebook (scored 0)"
                if missing
                else ""
            )
            + "."
        ]
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
    """Submissions under ``paths`` (notebooks, ``<student>/<assignment>`` folders, or
    folders that hold them), and what is skipped there with its reason: folders of an
    unknown assignment, files that are not notebooks, symbolic links under ``paths``
    (``paths`` themselves are followed), notebooks whose
    grade ids belong to another course or another assignment. A folder of an assignment
    without its notebook yields a submission with ``path=None``. A notebook given as a
    file belongs to the assignment its folder, its name or its grade ids say.

    Args:
        paths: files or folders.
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

    def add(student: str, chosen: Assignment, path: Path | None) -> None:
        if only is None or chosen is only:
            found[(student, chosen.name)] = Submission(student, chosen, path)

    for root in map(Path, paths):  # the grader's own paths: followed even when links
        if not root.exists():
            raise FileNotFoundError(f"No such file or folder: {str(root)!r}")
        if root.is_file():
            _file(root, only, add, skipped)
        else:
            _folder(root, only, add, skipped)
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
    student = parent.parent.name if parent.name in ASSIGNMENTS else parent.name
    add(student, chosen, path)


def _folder(root: Path, only: Assignment | None, add, skipped: list[Skipped]) -> None:
    """Walk ``root`` without following links: each assignment folder is one submission;
    notebooks elsewhere are skipped with the reason."""
    stack = [root]
    while stack:
        folder = stack.pop()
        if folder.name in ASSIGNMENTS:
            _assignment_folder(folder, ASSIGNMENTS[folder.name], add, skipped)
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in _IGNORED:
                continue
            if entry.is_symlink():
                skipped.append(Skipped(entry, "a symbolic link (not followed)"))
            elif entry.is_dir():
                stack.append(entry)
            elif entry.suffix == ".ipynb":
                chosen, reason = _loose(entry, only)
                ids = grade_ids(entry)
                if chosen is not None:
                    reason = (
                        f"unknown assignment folder {folder.name!r}: this is {chosen.name}'s notebook "
                        f"(by its {'name' if entry.name == chosen.notebook else 'grade ids'}); "
                        f"put it in <student>/{chosen.name}/ or give the file itself"
                    )
                elif not ids:
                    reason = f"unknown assignment folder {folder.name!r} (one of {_known()})"
                skipped.append(Skipped(entry, reason))


def _assignment_folder(folder: Path, assignment: Assignment, add, skipped: list[Skipped]) -> None:
    """The submission in one ``<student>/<assignment>`` folder: its notebook by name,
    else its only other notebook; whatever else lies there is skipped."""
    entries = [e for e in sorted(folder.iterdir()) if not e.name.startswith(".") and e.name not in _IGNORED]
    notebooks = [e for e in entries if e.suffix == ".ipynb" and e.is_file() and not e.is_symlink()]
    expected = folder / assignment.notebook
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
    if chosen is not None:
        ids = grade_ids(chosen)
        owner = assignment_of_grade_ids(ids)
        if ids and owner is None:
            skipped.append(Skipped(chosen, _foreign(ids)))
            return
        if owner is not None and owner is not assignment:
            skipped.append(Skipped(chosen, f"{owner.name}'s notebook (by its grade ids), not {assignment.name}'s"))
            return
    add(folder.parent.name, assignment, chosen)


def discover(paths: list[str | Path], assignment: str | None = None) -> list[Submission]:
    """The submissions under ``paths`` (see ``classify``; what it skips is left out)."""
    return classify(paths, assignment).submissions
