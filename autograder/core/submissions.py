"""Where submissions are: nbgrader's layout ``<root>/<student>/<assignment>/<notebook>``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .course import ASSIGNMENTS, Assignment


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment (``path`` None when missing)."""

    student: str
    assignment: Assignment
    path: Path | None


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
        folders = [root] if root.is_dir() else []
        folders += [p for p in root.rglob("*") if p.is_dir()] if root.is_dir() else []
        for folder in folders:
            if folder.name not in ASSIGNMENTS or ".ipynb_checkpoints" in folder.parts:
                continue
            assignment = ASSIGNMENTS[folder.name]
            expected = folder / assignment.notebook
            notebooks = [expected] if expected.exists() else sorted(folder.glob("*.ipynb"))
            key = (folder.parent.name, assignment.name)
            found[key] = Submission(folder.parent.name, assignment, notebooks[0] if notebooks else None)
        if root.is_file():
            parent = root.parent
            assignment = ASSIGNMENTS.get(parent.name) or next(
                (a for a in ASSIGNMENTS.values() if a.notebook == root.name), None
            )
            if assignment is None:
                raise ValueError(f"Cannot tell which assignment {str(root)!r} belongs to")
            student = parent.parent.name if parent.name in ASSIGNMENTS else parent.name
            found[(student, assignment.name)] = Submission(student, assignment, root)
    return [found[k] for k in sorted(found)]
