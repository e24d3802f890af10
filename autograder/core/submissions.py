"""Where submissions are: nbgrader's layout ``<root>/<student>/<assignment>/<notebook>``.

Only that layout is read, at its own depth (a folder nested inside a submission never
stands for another student), and no symbolic link below the folders named on the
command line is followed: a linked student folder, assignment folder or notebook is
refused for its student (``Submission.refused``, see ``autograder.core.intake``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import intake
from .course import ASSIGNMENTS, Assignment


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment (``path`` None when missing)."""

    student: str
    assignment: Assignment
    path: Path | None
    refused: intake.Refusal | None = None
    """Why the notebook is not read (a link, not a file, too large), or None."""


def _folders(root: Path) -> list[tuple[str, Path]]:
    """(student, assignment folder) under ``root``: ``root`` is an assignment folder, a
    student's folder (holding assignment folders) or a class folder (holding students'
    folders), and nothing deeper is looked at."""
    if root.name in ASSIGNMENTS:
        return [(root.parent.name, root)]
    children = sorted(p for p in root.iterdir() if p.is_dir() or p.is_symlink())
    if any(p.name in ASSIGNMENTS for p in children):
        return [(root.name, p) for p in children if p.name in ASSIGNMENTS]
    found = []
    for student in children:
        if not student.is_symlink() and not student.name.startswith("."):
            found += [(student.name, p) for p in sorted(student.iterdir()) if p.name in ASSIGNMENTS]
    submitted = sorted({folder.name for _, folder in found})
    linked = [p for p in children if p.is_symlink()]  # refused, for each assignment the class submitted
    return found + [(student.name, student / name) for student in linked for name in submitted]


def discover(paths: list[str | Path]) -> list[Submission]:
    """Submissions under ``paths``: notebooks, ``<student>/<assignment>`` folders, or
    folders that hold them. A folder of an assignment without its notebook yields a
    submission with ``path=None``.

    Raises:
        FileNotFoundError: naming a path that does not exist.
    """
    found: dict[tuple[str, str], Submission] = {}
    for root in map(Path, paths):
        if not root.exists():
            raise FileNotFoundError(f"No such file or folder: {str(root)!r}")
        for student, folder in _folders(root) if root.is_dir() else []:
            assignment = ASSIGNMENTS[folder.name]
            linked = intake.linked_folder(folder)
            if linked is not None:
                found[(student, assignment.name)] = Submission(student, assignment, None, linked)
                continue
            expected = folder / assignment.notebook
            notebooks = [expected] if expected.exists() or expected.is_symlink() else sorted(folder.glob("*.ipynb"))
            path = notebooks[0] if notebooks else None
            found[(student, assignment.name)] = Submission(student, assignment, path, path and intake.refusal(path))
        if root.is_file():
            parent = root.parent
            assignment = ASSIGNMENTS.get(parent.name) or next(
                (a for a in ASSIGNMENTS.values() if a.notebook == root.name), None
            )
            if assignment is None:
                raise ValueError(f"Cannot tell which assignment {str(root)!r} belongs to")
            student = parent.parent.name if parent.name in ASSIGNMENTS else parent.name
            found[(student, assignment.name)] = Submission(student, assignment, root, intake.refusal(root))
    return [found[k] for k in sorted(found)]
