"""nbgrader configuration for the course (loaded by every nbgrader command run here)."""

import importlib.util
import os
import sys
import warnings

import nbgrader
from sqlalchemy.exc import SAWarning

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

# TensorFlow writes start-up logs to stderr, which nbgrader scores as a failed cell.
# The kernels nbgrader starts inherit this environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONPATH", _here)

# nbgrader's Gradebook.add_submission links a new student's submission to its
# student, assignment and notebooks before adding it to the session; SQLAlchemy 2 no
# longer follows such back-references into the session and warns three times per
# new student, although nbgrader then adds the submission itself and nothing is lost.
warnings.filterwarnings(
    "ignore", r"Object of type <Submitted\w+> not in session, add operation along '\w+\.submissions'", SAWarning
)

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = _here
c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, "gradebook.db")

# Deleted or metadata-stripped test cells are put back from the gradebook.
c.OverwriteCells.add_missing_cells = True
# nbgrader's DeduplicateIds leaves empty metadata on a copy-pasted cell, on which
# add_missing_cells fails and the submission goes ungraded; the course's version
# drops the extra copy of a test cell instead. nbgrader's OverwriteCells compares
# each test cell with the gradebook's copy, hidden tests included, and so warns that
# the checksum "has changed" on every honest test cell with hidden tests; the
# course's version compares it with the release's and warns only on a real change.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "autograder.frontends.nbgrader_plugin.DeduplicateGradeIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograder.frontends.nbgrader_plugin.OverwriteCellsWithHiddenTests",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A submitted file that is not a readable notebook scores 0 with a one-line warning
# (as in the batch grader), instead of a traceback and exit status 1 after the class.
c.Autograde.exporter_class = "autograder.frontends.nbgrader_plugin.SubmissionExporter"

# Autograde runs the notebook in the course's sandbox instead of the student's own
# kernel (where the checks could be patched and a dead kernel fails the whole
# submission); the test cells' outputs then carry the sandbox's points. The first
# autograde command starts one background grader for the class (every assignment
# in the gradebook with submissions), whose results the later commands take
# (c.SandboxAutograde.ahead_of_commands = False: only the command's own). To run the
# notebook in a kernel as stock nbgrader does, put "nbgrader.preprocessors.Execute"
# back in place of SandboxAutograde. Hidden checks show their names and marks only
# until grades are published: then set c.SandboxAutograde.show_hidden = True and
# autograde again (or pass --SandboxAutograde.show_hidden=True).
c.Autograde.autograde_preprocessors = [
    "autograder.frontends.nbgrader_plugin.SandboxAutograde",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# For `nbgrader validate` and in-kernel runs: a per-cell time limit, and stray
# warnings on stderr are not errors.
c.Execute.timeout = 120
c.Execute.startup_timeout = 120
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"absl::InitializeLog|cpu_feature_guard|oneDNN|UserWarning|DeprecationWarning"

# Feedback shows the graded test cells without their hidden-test source, wraps long
# outputs instead of cutting them off in a sideways-scrolling box, and loads nothing
# from the network: the course's template is nbgrader's without its MathJax script
# (formulas stay as their TeX source), from autograder/frontends/templates.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.frontends.nbgrader_plugin.ClearHiddenTestsInFeedback",
    "autograder.frontends.nbgrader_plugin.FeedbackStyle",
]
c.HTMLExporter.template_name = "course_feedback"
c.HTMLExporter.extra_template_basedirs = [  # the course's (found without importing it), then nbgrader's
    os.path.join(os.path.dirname(importlib.util.find_spec("autograder").origin), "frontends", "templates"),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]
