"""The student copy of the course: release notebooks, the public checks with their
references precomputed, and the self-check runtime. It holds no solution code, no
hidden check, no hidden input and no code that computes an answer (references,
simulated mistakes, geometry: the answer keys stay in ``autograder.author.keys``); ``build``
ships an allow-list of modules and then proves it with ``autograder.release.leaks``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..author.public.answers import FROZEN, derived_inputs
from ..core import plain
from ..core.course import ASSIGNMENTS
from ..core.outcomes import Reference
from ..judge.scoring import compute_references
from . import leaks

PROJECT = Path(__file__).resolve().parent.parent.parent
SHIPPED = (
    "__init__.py",
    "__main__.py",
    "conftest.py",
    "test_notebooks.py",
    "inline.py",
    "core",
    "execute",
    "judge",
    "report",
    "frontends",
    "locale",
    "author/__init__.py",
    "author/public",
)
"""What of ``autograder`` ships to students, as whole subpackages (and the package's
entry points): the runtime that executes a notebook, judges it with the frozen public
references and reports, the message catalogues (``locale``: code and public
descriptions only), and the public check declarations. Everything else (the answer
keys, hidden checks and their descriptions' catalogue, Keras references, release and
distribution tools) stays with the instructor."""

STUDENT_README = """# CNN course: student copy

Open the notebooks in `assignments/` with JupyterLab, fill in every cell that says
`YOUR CODE HERE`, and run the test cell under it.

Check your whole work from this folder with

    pip install -e .
    pytest autograder                                   # all notebooks in assignments/
    pytest autograder --submission assignments/01_conv_basics/conv_basics.ipynb

These are the public (visible) checks. The course grades with further hidden checks
of the same functions on other inputs, so every total here says how much is still to
come, e.g. "visible: 3 / 3 points; hidden checks worth 3 more points run when the
course grades": the visible and the hidden points add up to what the test cell is worth.

한국어 피드백: `pytest autograder --lang ko`. In a notebook, add
`"autograder": {"lang": "ko"}` to its metadata and save it (its `check()` output and
the course's feedback on it are then in Korean), or run `%env AUTOGRADER_LANG=ko`.

Points per assignment:
"""


STUDENT_DEPENDENCIES = (
    "numpy>=1.26",
    "tensorflow-cpu>=2.16; sys_platform == 'linux'",  # the model notebooks (04) and the lecture's Keras cells
    "tensorflow>=2.16; sys_platform != 'linux'",
    "keras>=3.0",
    "ipython>=8.20",  # the sandbox runs each cell as a notebook kernel would
    "nbformat>=5.9",
    "jupyterlab>=4",  # to open the notebooks
    "pytest>=8",  # the self-check
    "scikit-learn>=1.3",  # 04's digits
    "matplotlib>=3.7",  # the notebooks' figures and check()'s pictures
    "koreanize-matplotlib>=0.1.1",  # a Hangul font for the pictures' titles in Korean
    "pillow>=9",
)
"""What a student installs: the notebooks' runtime and the self-check; none of the
instructor's tools (nbgrader's grading side, dask, copydetect, rich, import-linter)."""


def student_pyproject() -> str:
    """The student copy's pyproject.toml: its own dependencies, no instructor configuration."""
    version = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in (PROJECT / "pyproject.toml").read_text().splitlines()
        if line.startswith("version")
    )
    dependencies = "".join(f"    {json.dumps(d)},\n" for d in STUDENT_DEPENDENCIES)
    return f"""[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "cnn-course-student"
version = "{version}"
description = "The CNN course's notebooks and their self-check"
requires-python = ">=3.10"
dependencies = [
{dependencies}]

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["locale/*/LC_MESSAGES/*.mo", "author/public/*.bin"]

[tool.pytest.ini_options]
# The copy is pytest's root: conftest files outside it (beside a notebook checked) are never loaded.
testpaths = ["autograder"]
"""


def points_table() -> str:
    """The student README's table: per assignment, the visible points, what the hidden
    checks are worth and the total (what nbgrader's test cells add up to)."""
    rows = ["| assignment | visible checks | hidden checks | in all |", "| --- | --- | --- | --- |"]
    for a in ASSIGNMENTS.values():
        visible = sum(a.points(f, hidden=False) for f in a.functions)
        hidden = sum(a.hidden_points(f) for f in a.functions)
        rows.append(f"| `{a.name}` | {visible:g} | {hidden:g} | {visible + hidden:g} |")
    return "\n" + "\n".join(rows) + "\n"


def hidden_points() -> dict[str, float]:
    """Function -> points of its hidden checks, for every graded function: frozen into the
    copy, so its totals can say what the hidden checks are worth without holding them."""
    return {f: a.hidden_points(f) for a in ASSIGNMENTS.values() for f in a.functions}


def public_references() -> dict[str, Reference]:
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
        RuntimeError: listing the answer code found in the copy (which is then removed).
    """
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"Refusing to overwrite an existing folder. Received: out={str(out)!r}")
    shutil.copytree(PROJECT / "assignments", out / "assignments")
    package = PROJECT / "autograder"
    for part in SHIPPED:
        source, target = package / part, out / "autograder" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, target)
    (out / "pyproject.toml").write_text(student_pyproject())
    (out / "README.md").write_text(STUDENT_README + points_table())
    references = public_references()
    frozen = {
        "references": {n: r.to_plain() for n, r in references.items()},
        "inputs": derived_inputs(list(references)),
        "hidden_points": hidden_points(),
    }
    (out / FROZEN.relative_to(PROJECT)).write_bytes(plain.dumps(frozen))
    found = leaks.find(out, references)
    if found:
        shutil.rmtree(out)
        raise RuntimeError("The student copy would leak answer code:\n" + "\n".join(map(str, found[:20])))
    return out
