"""The course: its assignments, their notebooks, graded functions and checks."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from . import intake
from .spec import Check


@dataclass(frozen=True)
class Assignment:
    """One assignment: a notebook whose functions are graded by checks."""

    name: str
    """Folder name, e.g. ``01_conv_basics``."""
    notebook: str
    """Notebook file name inside the folder."""
    module: str
    """Module name in ``autograder.author.public`` (public) and ``autograder.author.hidden``."""
    functions: tuple[str, ...]
    """Graded functions (and classes), in notebook order."""
    optional: bool = False
    """Not part of the course total: reported beside it, in its own column."""

    def checks(self, hidden: bool | None = None, student: str = "") -> list[Check]:
        """Public checks, plus hidden ones when asked (``hidden=True``) or, with
        ``hidden=None``, whenever this copy of the package has them: their inputs drawn
        for ``student`` (see ``autograder.author.hidden.rng``), their names and points
        the same for every student."""
        checks = self.public_checks()
        if self.grades_hidden(hidden):
            checks += self.hidden_checks(student)
        return checks

    def public_checks(self) -> list[Check]:
        """The public checks (the same for every student)."""
        return list(importlib.import_module(f"autograder.author.public.{self.module}").public_checks())

    def hidden_checks(self, student: str) -> list[Check]:
        """The hidden checks, their inputs drawn from the course secret and ``student``."""
        return importlib.import_module(f"autograder.author.hidden.{self.module}").hidden_checks(student)

    @staticmethod
    def grades_hidden(hidden: bool | None) -> bool:
        """Whether hidden checks are graded: asked (``hidden=True``), or with ``hidden=None``
        whenever this copy of the package has them.

        Raises:
            RuntimeError: asked for where this copy has none (the student copy).
        """
        if hidden is not False and has_hidden_checks():
            return True
        if hidden:
            raise RuntimeError("hidden checks are not part of this copy of the course")
        return False

    def release_path(self) -> Path:
        """Where this assignment's release notebook lies beside the package
        (``assignments/<name>/<notebook>``, in the instructor's and the student's copy)."""
        return Path(__file__).resolve().parent.parent.parent / "assignments" / self.name / self.notebook

    def points(self, function: str, hidden: bool | None = None) -> float:
        """Total points of one function's checks."""
        return sum(c.points for c in self.checks(hidden) if c.function == function)

    def hidden_points(self, function: str) -> float:
        """Points of one function's hidden checks, in every copy of the course: summed from
        the hidden checks where this copy has them, else as the student copy froze them
        (points are not secret; the hidden checks' names and inputs are)."""
        if has_hidden_checks():
            return _hidden_points(self.module).get(function, 0.0)
        answers = importlib.import_module("autograder.author.public.answers")
        return float(answers.frozen_hidden_points().get(function, 0.0))


ASSIGNMENTS: dict[str, Assignment] = {
    a.name: a
    for a in [
        Assignment(
            "01_conv_basics",
            "conv_basics.ipynb",
            "conv_basics",
            ("conv_output_shape", "conv_weight_shapes", "conv_single_step", "conv2d_manual", "predict_test3"),
        ),
        Assignment(
            "02_filters",
            "filters.ipynb",
            "filters",
            ("predict_output_shapes", "pad_same", "multi_filter_conv", "channels_first"),
        ),
        Assignment(
            "03_pooling", "pooling.ipynb", "pooling", ("predict_pooled_values", "maxpool_manual", "avgpool_manual")
        ),
        Assignment(
            "04_cnn_models",
            "cnn_models.ipynb",
            "cnn_models",
            (
                "count_conv_params",
                "conv_macs",
                "predict_shifted_feature_map",
                "predict_pooled_shifts",
                "cascade_output_shapes",
                "predict_lecture_cnn_params",
                "build_sequential_cnn",
                "build_functional_cnn",
                "SubclassedCNN",
                "compare_mlp_cnn",
            ),
        ),
        Assignment(
            "05_edge_detection",
            "edge_detection.ipynb",
            "edge_detection",
            (
                "predict_homework_edge_map",
                "vertical_edge_kernel",
                "horizontal_edge_kernel",
                "detect_edges",
                "predict_diagonal_edge_map",
                "predict_laplacian_edge_map",
                "sobel_magnitude",
                "learn_kernel",
            ),
        ),
        Assignment(
            "06_backprop",
            "backprop.ipynb",
            "backprop",
            (
                "im2col",
                "conv2d_backward_manual",
                "maxpool_backward_manual",
                "avgpool_backward_manual",
                "train_numpy_cnn",
            ),
            optional=True,
        ),
    ]
}


def in_course_total(assignment: str) -> bool:
    """Whether an assignment's score counts in a student's course total (an optional one's
    does not; an assignment this course does not know does)."""
    return assignment not in ASSIGNMENTS or not ASSIGNMENTS[assignment].optional


@functools.cache
def _hidden_points(module: str) -> dict[str, float]:
    """Function -> points of its hidden checks, for one assignment module (built once; the
    same for every student, whose inputs alone differ)."""
    points: dict[str, float] = {}
    for check in importlib.import_module(f"autograder.author.hidden.{module}").hidden_checks(""):
        points[check.function] = points.get(check.function, 0.0) + check.points
    return points


def has_hidden_checks() -> bool:
    """True in the instructor's copy, False in the student copy (even when another
    copy of the package, installed in the same environment, has them)."""
    spec = importlib.util.find_spec("autograder.author.hidden")
    return (
        spec is not None
        and spec.origin is not None
        and Path(spec.origin).parent.parent == Path(__file__).parent.parent / "author"
    )


DEFAULT_SECRET_WARNING = (
    "WARNING: the hidden checks are graded with the public default course secret, so anyone can compute "
    "their inputs. Set a private secret for your term, the same wherever the term is graded, e.g. "
    """export AUTOGRADER_SECRET="$(python -c 'import secrets; print(secrets.token_hex(16))')" """
    "(or AUTOGRADER_SECRET_FILE naming a file that holds it); --strict refuses to grade without one."
)


def default_secret_warning(strict: bool = False, hidden: bool | None = None) -> str | None:
    """``DEFAULT_SECRET_WARNING`` when this copy would grade hidden checks (``hidden`` as
    in ``Assignment.checks``) with the public default secret, else None.

    Raises:
        ValueError: under ``strict``, instead of the warning.
    """
    if hidden is False or not has_hidden_checks():
        return None
    secrets = importlib.import_module("autograder.author.hidden")  # by name: absent from the student copy
    if secrets.course_secret() != secrets.DEFAULT_SECRET:
        return None
    if strict:
        raise ValueError("refusing to grade with the public default course secret (strict): " + DEFAULT_SECRET_WARNING)
    return DEFAULT_SECRET_WARNING


def grade_ids(path: str | Path) -> list[str]:
    """The nbgrader grade ids of the notebook at ``path``, in cell order (none when it
    cannot be read as a notebook)."""
    try:  # read as a submitted file: no link followed, size and nesting bounded
        text = intake.read_bytes(path).decode("utf-8")
        if intake.nesting(text) > intake.MAX_NESTING:
            return []
        nb = json.loads(text)
        cells = nb["cells"] if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else []
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return []
    ids = [((c.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") for c in cells if isinstance(c, dict)]
    return [i for i in ids if isinstance(i, str) and i]


def assignment_of_grade_ids(ids: list[str]) -> Assignment | None:
    """The assignment whose graded functions the grade ids name (a function's answer
    cell or its ``test_`` cell), None when they name none of this course's."""
    for assignment in ASSIGNMENTS.values():
        own = set(assignment.functions) | {f"test_{f}" for f in assignment.functions}
        if own & set(ids):
            return assignment
    return None


def assignment_for(path: str | Path) -> Assignment:
    """The assignment a notebook belongs to, from its folder, its file name, else the
    grade ids of its cells (``conv_basics (1).ipynb`` is still 01_conv_basics).

    Raises:
        ValueError: naming the path when none of them says.
    """
    path = Path(path)
    if path.parent.name in ASSIGNMENTS:
        return ASSIGNMENTS[path.parent.name]
    for assignment in ASSIGNMENTS.values():
        if path.name == assignment.notebook:
            return assignment
    found = assignment_of_grade_ids(grade_ids(path))
    if found is not None:
        return found
    known = ", ".join(f"{a.name}/{a.notebook}" for a in ASSIGNMENTS.values())
    raise ValueError(
        f"Cannot tell which assignment {str(path)!r} belongs to: neither its folder, its name nor its grade ids "
        f"say (pass --assignment). Expected one of: {known}"
    )


def assignment_of_function(function: str) -> Assignment:
    """The assignment that grades ``function``."""
    for assignment in ASSIGNMENTS.values():
        if function in assignment.functions:
            return assignment
    raise ValueError(f"No assignment grades a function named {function!r}")
