"""Self-check with pytest: ``pytest autograder [--submission NOTEBOOK]``.

Each check becomes one pytest test; the notebook runs once, in the same sandbox
the course grades with, so the score printed at the end is the one the batch
grader gives (public checks only in the student copy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .core import i18n
from .core.course import ASSIGNMENTS, Assignment, assignment_for, default_secret_warning
from .core.i18n import _
from .core.results import NotebookResult
from .core.submissions import student_of
from .execute import isolation
from .judge.engine import Grader
from .report.report_text import format_points

_RESULTS = pytest.StashKey[dict]()
_UNISOLATED = pytest.StashKey["str | None"]()


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "course self-check")
    group.addoption(
        "--submission",
        action="append",
        default=[],
        metavar="NOTEBOOK",
        help="notebook to grade (repeatable); default: every notebook in assignments/",
    )
    group.addoption(
        "--assignment",
        choices=list(ASSIGNMENTS),
        default=None,
        help="the assignment of every --submission (default: its folder, its name, else its grade ids)",
    )
    group.addoption(
        "--show-hidden",
        action="store_true",
        default=False,
        help="show hidden checks' details (instructor copy, once grades are published)",
    )
    group.addoption(
        "--lang",
        choices=i18n.languages(),
        default=None,
        help="language of the feedback, over the notebook's metadata and AUTOGRADER_LANG (default: English)",
    )


def assignment_of(config, path: Path) -> Assignment:
    """The assignment of one notebook: --assignment, else what its folder, name or grade
    ids say."""
    chosen = config.getoption("assignment")
    return ASSIGNMENTS[chosen] if chosen else assignment_for(path)


def submissions(config) -> list[Path]:
    """The notebooks to grade: --submission, else the release notebooks."""
    given = [Path(p) for p in config.getoption("submission")]
    if given:
        for path in given:
            if not path.is_file():
                raise pytest.UsageError(f"--submission: no such notebook: {str(path)!r}")
            try:
                assignment_of(config, path)
            except ValueError as err:
                raise pytest.UsageError(f"--submission: {err}") from None
        return given
    root = Path(config.rootpath) / "assignments"
    return [root / a.name / a.notebook for a in ASSIGNMENTS.values() if (root / a.name / a.notebook).exists()]


class _Session:
    """Grades each notebook once, on first use, and keeps the result. The self-check
    isolates the notebook like the course's grader where the kernel allows it, and
    runs it without namespaces elsewhere (it is your own code on your own machine)."""

    def __init__(self, config, lang: str | None = None):
        self.config = config
        self.unavailable = isolation.available()
        self.grader = Grader(isolation="none" if self.unavailable else "namespaces", lang=lang)
        self.results: dict[Path, NotebookResult] = {}

    def result(self, path: Path) -> NotebookResult:
        if path not in self.results:
            self.results[path] = self.grader.grade(path, student_of(path), assignment_of(self.config, path))
        return self.results[path]


@pytest.fixture(scope="session")
def graded(request):
    session = _Session(request.config, request.config.getoption("lang"))
    request.config.stash[_RESULTS] = session.results
    request.config.stash[_UNISOLATED] = session.unavailable
    yield session
    session.grader.close()


def pytest_terminal_summary(terminalreporter, config):
    results = config.stash.get(_RESULTS, {})
    if not results:
        return
    with i18n.language(i18n.choose(config.getoption("lang"))):
        terminalreporter.section(_("course self-check"))
        warning = default_secret_warning(hidden=None)
        if warning:  # the instructor's copy only: the student copy has no hidden checks
            terminalreporter.write_line(warning)
        if config.stash.get(_UNISOLATED, None):
            reason = config.stash[_UNISOLATED]
            terminalreporter.write_line(_("(run without kernel isolation: {reason})").format(reason=reason))
    for path, result in results.items():
        assignment = ASSIGNMENTS[result.assignment]
        hidden = {f: assignment.hidden_points(f) for f in dict.fromkeys(c.function for c in result.checks)}
        with i18n.language(result.lang):
            terminalreporter.write_line(f"{path}: {format_points(result.checks, sum(hidden.values()))}")
            if result.grader_error:
                line = "  " + _("GRADER ERROR (not your fault): {error}").format(error=result.grader_error)
                terminalreporter.write_line(line)
            for note in result.notes:
                terminalreporter.write_line(f"  {note}")
            for function, points in hidden.items():
                checks = [c for c in result.checks if c.function == function]
                terminalreporter.write_line(f"  {function}: {format_points(checks, points)}")
