"""nbgrader integration: autograde in the sandbox.

nbgrader normally runs the test cells in the student's own kernel, where a student
can patch the comparison, rewrite later cells or plant fake modules, and where a
cell that kills the kernel fails the whole submission. ``SandboxAutograde`` takes
the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``: it
grades the (sanitized) notebook in the sandbox, writes each student cell's output
and error, and writes each test cell's feedback and points as its output, so the
scores nbgrader saves are the trusted ones, identical to the batch grader's. The
class's submissions are graded ahead, in parallel, by one background grader that
the first command starts and later commands reuse (``SandboxAutograde.workers``,
``SandboxAutograde.ahead_of_commands``; see ``autograder.frontends.nbgrader_ahead``);
nbgrader's own pass then takes each result, proved to come from the notebook it
handed over. Before grades are published (``SandboxAutograde.show_hidden``) a hidden
check's output shows its name and mark only, as every front end does.

The rest of the course's nbgrader pipeline (``nbgrader_config.py``):

- ``DeduplicateGradeIds`` takes the place of nbgrader's ``DeduplicateIds`` in
  ``Autograde.sanitize_preprocessors``: a submission with a copy-pasted test cell
  (a duplicate grade_id) is graded instead of failing.
- ``OverwriteCellsWithHiddenTests`` takes the place of nbgrader's ``OverwriteCells``:
  an honest test cell with hidden tests no longer reads as tampered, and a cell nbgrader
  cannot match to the gradebook is ignored as a grade cell (logged) instead of failing.
- ``SubmissionExporter`` is ``Autograde.exporter_class``: a file that is not a
  readable notebook scores 0 with a one-line warning, and the class is graded.
- ``FeedbackStyle`` and ``ClearHiddenTestsInFeedback`` are ``GenerateFeedback``'s
  preprocessors, with the template ``templates/course_feedback`` (``FEEDBACK_TEMPLATES``):
  a page that wraps its outputs, loads nothing from the network, and shows no hidden
  test's source.
"""

from __future__ import annotations

import atexit
import copy
import dataclasses
import glob
import logging
import os
import signal
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool, CaselessStrEnum, Float, HasTraits, Integer, List

from ..core import cells, i18n, intake
from ..core.course import ASSIGNMENTS, Assignment, default_secret_warning
from ..core.outcomes import CellRun
from ..core.results import totals
from ..execute import notebook
from ..execute.sandbox import ISOLATION_MODES, Limits
from ..judge.engine import Grader
from ..report import pictures
from ..report.report_text import format_function_report
from .nbgrader_ahead import GradingAhead, Job, Plan, grader_key, store_for

FEEDBACK_TEMPLATES = Path(__file__).with_name("templates")
"""The folder of the course's feedback template, ``course_feedback`` (named in ``nbgrader_config.py``'s
``HTMLExporter.extra_template_basedirs``)."""

_graders: dict[tuple[Limits, str], Grader] = {}
_ahead: dict[tuple[Limits, str, str], GradingAhead] = {}
_started: list[int] = []
"""The pids of the graders ahead this process started."""


def shared_grader(limits: Limits, isolation: str = "namespaces") -> Grader:
    """One Grader per nbgrader process, for what was not graded ahead: its fork servers
    start on its first notebook, and are reused."""
    if (limits, isolation) not in _graders:
        _graders[limits, isolation] = grader = Grader(limits, isolation=isolation)
        atexit.register(grader.close)
    return _graders[limits, isolation]


def _on_ctrl_c(etype, value, tb, default=sys.excepthook) -> None:
    """``sys.excepthook`` of an ``nbgrader autograde`` command: on Ctrl-C, nbgrader has
    logged "Canceled" and removed the submission it was working on, and every one it
    finished is in the gradebook and ``autograded/``. The command then stops the
    grader ahead it started (which finishes the submissions it is grading, keeps their
    results in the store and starts no other), closes its own grader and exits with
    status 130, without Python's traceback; a second Ctrl-C exits at once."""
    if not issubclass(etype, KeyboardInterrupt):
        return default(etype, value, tb)
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    for pid in _started:
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass
    for grader in _graders.values():  # what atexit would do, which os._exit skips
        grader.close()
    logging.shutdown()
    sys.stderr.flush()
    os._exit(130)


def _capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... ({len(text) - limit} more characters not shown)\n"


class DeduplicateGradeIds(NbGraderPreprocessor):
    """Keep one cell per nbgrader grade_id, as nbgrader's ``DeduplicateIds`` does (the
    last one), without breaking ``OverwriteCells.add_missing_cells``.

    nbgrader's version empties the earlier copies' nbgrader metadata (``{}``), and
    ``OverwriteCells.add_missing_task_cells`` then fails with ``KeyError: 'grade_id'``
    on them, so the whole submission goes ungraded. Here an earlier copy of a test
    cell (graded, not an answer) is removed, since ``OverwriteCells`` restores the
    kept one from the gradebook anyway; an earlier copy of an answer or locked cell
    stays as plain code (its metadata removed), so the notebook still runs as
    written.
    """

    def preprocess(self, nb, resources):
        seen: set[str] = set()
        kept = []
        for cell in reversed(nb.cells):
            if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
                grade_id = cells.grade_id(cell)
                if not grade_id:
                    _ignore(self.log, cell, resources, "has nbgrader metadata without a grade_id")
                    kept.append(cell)
                    continue
                if grade_id in seen:
                    self.log.warning("Cell with id '%s' exists multiple times: grading the last one", grade_id)
                    if utils.is_grade(cell) and not utils.is_solution(cell):
                        continue
                    del cell.metadata["nbgrader"]
                seen.add(grade_id)
            kept.append(cell)
        nb.cells = kept[::-1]
        return nb, resources


def _ignore(log, cell, resources, why: str) -> None:
    """Make a cell nbgrader cannot match an ordinary cell of the student's (its nbgrader
    metadata removed), and say so in the log."""
    info = resources.get("nbgrader", {})
    log.warning(
        "%s/%s: a %s cell %s: ignored as a grade cell (kept as the student's own cell)",
        info.get("student"),
        info.get("assignment"),
        cell.cell_type,
        why,
    )
    del cell.metadata["nbgrader"]


class OverwriteCellsWithHiddenTests(OverwriteCells):
    """nbgrader's ``OverwriteCells``, without the false alarm on every honest test cell
    that has hidden tests.

    ``nbgrader generate_assignment`` saves each test cell to the gradebook, checksum
    included, before ``ClearHiddenTests`` removes its hidden tests, and writes the
    release's checksum after; so nbgrader compares every honest submission's test cell
    (the release's, without them) with the gradebook's (with them) and warns
    "Attribute 'checksum' ... has changed!" on each (jupyter/nbgrader#1961). Here a
    locked cell whose source is exactly the release's (the gradebook's source with its
    hidden tests cleared as ``generate_assignment`` clears them) gets the gradebook's
    source back before nbgrader checks it; any other change is reported as before.

    A cell whose nbgrader id is not in the gradebook (a markdown cell carrying a grade
    cell's metadata, say) becomes an ordinary cell of the student's, with a warning:
    nbgrader would remove only its id and then fail on it, leaving the submission ungraded.
    """

    def preprocess(self, nb, resources):
        self._clear = ClearHiddenTests(parent=self)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cells.grade_id(cell)
        if grade_id:
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:  # nbgrader would drop the id only, and fail on the cell later
                _ignore(
                    self.log, cell, resources, f"carries the nbgrader id '{grade_id}', which is not in the gradebook"
                )
                return cell, resources
            if utils.is_locked(cell) and source.locked and cell.source != source.source:
                released = copy.deepcopy(cell)
                released.source = source.source
                self._clear.preprocess_cell(released, resources, cell_index)
                if released.source == cell.source:
                    cell.source = source.source
        return super().preprocess_cell(cell, resources, cell_index)


class SubmissionExporter(NotebookExporter):
    """``Autograde.exporter_class``: a submitted file that is not a readable notebook
    is the student's failure, not the grader's.

    nbgrader stops at such a file with a traceback and exits 1 after the class. Here
    it is reported in one warning line and graded as the batch grader grades it:
    every check failed with the reason, 0 points. What nbgrader sanitizes and saves
    in its place is the release with each answer cell saying why.
    """

    def from_file(self, file_stream, resources=None, **kw):
        path = getattr(file_stream, "name", "") or ""
        name = os.path.basename(path or "notebook.ipynb")
        try:
            refused = intake.refusal(Path(path)) if path else None  # nbgrader opened it through any link
            if refused is not None:
                raise notebook.NotebookError(refused.message(), refused)
            text = file_stream.read(intake.MAX_NOTEBOOK_BYTES + 1)
            notebook.parse(text, name)  # the batch grader's reasons
            nb = nbformat.reads(text, as_version=4)
        except Exception as err:  # whatever the file holds
            reason = str(err) if isinstance(err, notebook.NotebookError) else f"cannot read notebook {name}: {err}"
            info = (resources or {}).get("nbgrader", {})
            self.log.warning("%s/%s: %s; graded 0", info.get("student"), info.get("assignment"), reason)
            nb = self._stand_in(info.get("assignment", ""), info.get("notebook", ""), reason)
        return self.from_notebook_node(nb, resources, **kw)

    def _stand_in(self, assignment: str, name: str, reason: str):
        course = CourseDirectory(config=self.config)
        release = Path(course.format_path(course.release_directory, ".", assignment)) / f"{name}.ipynb"
        if not release.exists() and assignment in ASSIGNMENTS:
            release = ASSIGNMENTS[assignment].release_path()
        nb = nbformat.read(release, as_version=4)
        for cell in nb.cells:
            if utils.is_solution(cell):
                cell.source = f"# The submitted notebook could not be read: {reason}"
        nb.metadata["autograder"] = {"unreadable": reason}
        return nb


class ClearHiddenTestsInFeedback(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests``, for ``GenerateFeedback``: the autograded notebook's
    test cells hold their hidden tests again (``OverwriteCells`` restores them), and the
    feedback shows none of their source.

    nbgrader's preprocessors declare ``display_data_priority`` as a plain trait, which
    shadows nbconvert's configurable one; the HTML exporter configures it for every
    preprocessor, so nbgrader's class warns "Config option `display_data_priority` not
    recognized". Declared configurable here, as nbgrader's own ``GetGrades`` does.
    """

    display_data_priority = List(ClearHiddenTests.display_data_priority.default_value).tag(config=True)


class FeedbackStyle(Preprocessor):
    """Adds the course's ``feedback.css`` to the styles the feedback template inlines
    (after the code colours that nbconvert's template puts there): outputs and code
    wrap at the page's width."""

    enabled = Bool(True)  # nbgrader registers its preprocessors without enabling them

    def preprocess(self, nb, resources):
        css = (FEEDBACK_TEMPLATES / "course_feedback" / "feedback.css").read_text()
        resources.setdefault("inlining", {}).setdefault("css", []).append(css)
        return nb, resources


def _limit_trait(limit: dataclasses.Field) -> Float | Integer:
    """The configurable trait of one sandbox limit: its default, help and unit as ``Limits`` describes them."""
    trait = Float if isinstance(limit.default, float) else Integer
    return trait(limit.default, help=f"{limit.metadata['help'].capitalize()} ({limit.metadata['unit']}).").tag(
        config=True
    )


_LimitTraits = type("_LimitTraits", (HasTraits,), {f.name: _limit_trait(f) for f in dataclasses.fields(Limits)})
"""One trait per sandbox limit (``SandboxAutograde.cell_seconds``, ...), each made from ``Limits``."""


class SandboxAutograde(NbGraderPreprocessor, _LimitTraits):
    """Execute and grade the notebook in the sandbox; outputs carry the verdict."""

    show_hidden = Bool(False, help="Show hidden checks' descriptions and feedback (once grades are published).").tag(
        config=True
    )
    cell_output_chars = Integer(
        10_000, help="Characters of a student cell's output and error copied into the notebook."
    ).tag(config=True)
    isolation = CaselessStrEnum(
        ISOLATION_MODES,
        default_value="namespaces",
        help="namespaces: each submission in its own Linux namespaces; none: no kernel isolation, for machines "
        "without namespaces (student code can then read the course's files).",
    ).tag(config=True)
    workers = Integer(
        0, help="Submissions graded at once, ahead of nbgrader's own pass over them; 0: one per core."
    ).tag(config=True)
    ahead_of_commands = Bool(
        True,
        help="The first autograde command's background grader also grades the submissions of every other "
        "assignment in the gradebook, for the later commands to take; False: only this command's.",
    ).tag(config=True)

    strict = Bool(False, help="Refuse to grade with the public default course secret (AUTOGRADER_SECRET unset).").tag(
        config=True
    )

    _warned = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sys.excepthook = _on_ctrl_c

    def preprocess(self, nb, resources):
        if self.strict or not self._warned:
            warning = default_secret_warning(self.strict)
            if warning:
                self.log.warning(warning.removeprefix("WARNING: "))
            SandboxAutograde._warned = True  # once per command, not once per notebook
        info = resources.get("nbgrader", {})
        assignment = ASSIGNMENTS.get(info.get("assignment", ""))
        if assignment is None:
            raise RuntimeError(f"SandboxAutograde: {info.get('assignment')!r} is not an assignment of this course")
        student = info.get("student", "")
        workers = self.workers or os.cpu_count() or 1
        limits = Limits(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Limits)})
        if not limits.threads:  # submissions run side by side: the cores shared out among them
            limits = dataclasses.replace(limits, threads=max(1, (os.cpu_count() or 1) // workers))
        grader = shared_grader(limits, self.isolation)
        unreadable = (nb.metadata.get("autograder") or {}).get("unreadable")
        if unreadable:  # see SubmissionExporter
            result, how = grader.unreadable(student, assignment, unreadable), "the notebook could not be read"
        else:
            ahead = self._grading_ahead(assignment, student, limits, workers)
            result, how = ahead.take(nb, student, assignment, grader.demos(assignment))
            if result is None:
                result, how = grader.grade_notebook(nb, student, assignment), f"graded now ({how})"
        if result.grader_error:
            raise RuntimeError(f"sandbox grading failed (grader error, not the student's): {result.grader_error}")
        # which hidden inputs were graded (drawn for this student), as a digest that shows none of them
        nb.metadata.setdefault("autograder", {})["hidden_inputs_sha256"] = result.hidden_inputs_sha256
        by_function = {f: [c for c in result.checks if c.function == f] for f in assignment.functions}
        count = 0  # the cells' numbers as a kernel gives them: each cell that ran, in order
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            function = cells.tested_function(cell)
            executed = function in by_function or index in result.cells  # checks made, or the cell run
            count += executed
            cell.execution_count = count if executed else None
            if function in by_function:
                checks = by_function[function]
                points = min(totals(checks)[0], float(cells.marks(cell).get("points", 0)))
                with i18n.language(result.lang):  # the report, and the pictures of wrong maps as check() shows them
                    report = format_function_report(
                        function, checks, self.show_hidden, hidden_points=assignment.hidden_points(function)
                    )
                    shown = pictures.bundles(checks, self.show_hidden)
                cell.outputs = [
                    new_output("stream", name="stdout", text=report + "\n"),
                    *(new_output("display_data", data=bundle) for bundle in shown),
                    new_output("execute_result", data={"text/plain": repr(round(points, 6))}, execution_count=count),
                ]
            else:
                ran = result.cells.get(index, CellRun())
                text = _capped(ran.output, self.cell_output_chars)
                cell.outputs = [new_output("stream", name="stdout", text=text)] if text else []
                if ran.error:
                    lines = _capped(ran.error.message, self.cell_output_chars).splitlines()
                    cell.outputs.append(new_output("error", ename="Error", evalue=lines[-1], traceback=lines))
        self.log.info(
            "SandboxAutograde: %s/%s scored %g/%g, %s",
            result.student,
            assignment.name,
            result.score,
            result.max_score,
            how,
        )
        return nb, resources

    def _grading_ahead(self, assignment: Assignment, student: str, limits: Limits, workers: int) -> GradingAhead:
        """The class's results graded ahead (the background grader started, or joined,
        on this process's first notebook)."""
        key = (limits, self.isolation, assignment.name)
        if key not in _ahead:
            course = CourseDirectory(config=self.config)
            jobs = self._jobs(course, assignment, student)
            plan = Plan(grader_key(limits, self.isolation), limits, self.isolation, workers, jobs)
            _ahead[key], pid = GradingAhead.start(store_for(course.root), plan)
            if pid:
                _started.append(pid)
                self.log.info(
                    "SandboxAutograde: grading %d submissions of %d assignments ahead in the background (pid %d)",
                    len(jobs),
                    len({j.assignment for j in jobs}),
                    pid,
                )
        return _ahead[key]

    def _jobs(self, course: CourseDirectory, assignment: Assignment, student: str) -> tuple[Job, ...]:
        """This command's submissions (in nbgrader's order), then, with ``ahead_of_commands``,
        those of the course's other assignments in the gradebook, as nbgrader would
        take them with the same options: without ``--force``, the ones not yet autograded."""
        force = bool(self.config.BaseConverter.get("force") or self.config.Autograde.get("force"))
        names = [assignment.name]
        if self.ahead_of_commands:
            with Gradebook(course.db_url, course.course_id) as gb:
                known = {a.name for a in gb.assignments}
            names += [name for name in ASSIGNMENTS if name != assignment.name and name in known]
        excluded = set(filter(None, course.student_id_exclude.split(",")))
        jobs = []
        for name in names:
            for folder in sorted(glob.glob(course.format_path(course.submitted_directory, course.student_id, name))):
                who = Path(folder).parent.name
                done = os.path.exists(course.format_path(course.autograded_directory, who, name))
                if who not in excluded and (force or not done or (name, who) == (assignment.name, student)):
                    jobs.append(Job(name, who, str(Path(folder) / ASSIGNMENTS[name].notebook)))
        return tuple(jobs)
