"""The student copy of the course: release notebooks, the public checks with their
references precomputed, and the self-check runtime. It holds no solution code, no
hidden check, no hidden input and no reference that is itself an answer; ``build``
proves it by searching the copy for every solution region's and hidden module's
lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import plain
from .answers import FROZEN
from .course import ASSIGNMENTS
from .scoring import compute_references

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED_MODULES = (
    "__init__",
    "__main__",
    "adapters",
    "answers",
    "batch",
    "calls",
    "cli",
    "compare",
    "conftest",
    "course",
    "engine",
    "inline",
    "misconceptions",
    "notebook",
    "plain",
    "preload",
    "quiet",
    "report_text",
    "reports",
    "results",
    "sandbox",
    "scoring",
    "spec",
    "test_notebooks",
)
"""Modules of ``autograder`` that ship to students: the runtime that executes a
notebook, scores it with the frozen public references and reports. Everything else
(references, answer keys, hidden checks, release and distribution tools) stays with
the instructor."""
SHIPPED_PACKAGES = ("checks",)
"""Subpackages that ship whole: the public check declarations."""

STUDENT_README = """# CNN course: student copy

Open the notebooks in `assignments/` with JupyterLab, fill in every cell that says
`YOUR CODE HERE`, and run the test cell under it.

Check your whole work from this folder with

    pip install -e .
    pytest autograder                                   # all notebooks in assignments/
    pytest autograder --submission assignments/01_conv_basics/conv_basics.ipynb

These are the public checks; the course grades with further hidden checks of the
same functions on other inputs.
"""


def _marked_lines(source: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


def secret_lines(solutions: Path = PROJECT / "solutions") -> set[str]:
    """Lines inside solution and hidden-test regions of the source notebooks, and
    lines of the hidden checks and answers, that do not also appear in public places
    (prose, examples, the public modules)."""
    secret, public = set(), set()
    for path in (PROJECT / "autograder" / "hidden").rglob("*.py"):
        secret |= {line.strip() for line in path.read_text().splitlines()}
    for path in (PROJECT / "autograder").rglob("*.py"):
        if "hidden" not in path.relative_to(PROJECT / "autograder").parts:
            public |= {line.strip() for line in path.read_text().splitlines()}
    for path in solutions.rglob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            inside = set(_marked_lines(source, "BEGIN SOLUTION", "END SOLUTION"))
            inside |= set(_marked_lines(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
            secret |= inside
            public |= {line.strip() for line in source.splitlines()} - inside
    return {line for line in secret - public if len(line) >= 12}


def leaks(folder: Path, secrets: set[str]) -> list[str]:
    """Files under ``folder`` that contain a secret line, with the line."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        stripped = {line.strip() for line in text.replace("\\n", "\n").splitlines()}
        for line in sorted(secrets & stripped):
            found.append(f"{path.relative_to(folder)}: {line}")
    return found


def public_references() -> dict[str, dict]:
    """Every public check's reference, computed here (with Keras and the answers)."""
    references = {}
    for assignment in ASSIGNMENTS.values():
        checks = assignment.checks(hidden=False)
        references.update(zip((c.name for c in checks), compute_references(checks)))
    return references


def build(out: str | Path) -> Path:
    """Write the student copy to ``out`` (which must not exist yet) and return it.

    Raises:
        FileExistsError: when ``out`` exists.
        RuntimeError: listing solution or hidden-test lines found in the copy.
    """
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"Refusing to overwrite an existing folder. Received: out={str(out)!r}")
    shutil.copytree(PROJECT / "assignments", out / "assignments")
    package = PROJECT / "autograder"
    (out / "autograder").mkdir(parents=True)
    for module in SHIPPED_MODULES:
        shutil.copy(package / f"{module}.py", out / "autograder" / f"{module}.py")
    for sub in SHIPPED_PACKAGES:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(package / sub, out / "autograder" / sub, ignore=ignore)
    shutil.copy(PROJECT / "pyproject.toml", out / "pyproject.toml")
    (out / "README.md").write_text(STUDENT_README)
    (out / "autograder" / FROZEN.name).write_bytes(plain.dumps(public_references()))
    found = leaks(out, secret_lines())
    if found:
        shutil.rmtree(out)
        raise RuntimeError("The student copy would leak solution lines:\n" + "\n".join(found[:20]))
    return out
