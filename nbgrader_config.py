"""nbgrader configuration for the course (loaded by every nbgrader command run here)."""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

# TensorFlow writes start-up logs to stderr, which nbgrader scores as a failed cell.
# The kernels nbgrader starts inherit this environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONPATH", _here)

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = _here
c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, "gradebook.db")

# Execution in the student's kernel: per-cell time limit; stray warnings are not errors.
c.Execute.timeout = 120
c.Execute.startup_timeout = 120
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"absl::InitializeLog|cpu_feature_guard|oneDNN|UserWarning|DeprecationWarning"

# Deleted or metadata-stripped test cells are put back from the gradebook.
c.OverwriteCells.add_missing_cells = True

# The kernel's word is not trusted: after nbgrader executes the notebook, the
# trusted re-grade runs the student code in the sandbox and writes those scores
# into the test cells before nbgrader saves the grades.
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "autograder.nbgrader_plugin.TrustedRegrade",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback shows the graded test cells without their hidden-test source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
