"""A cell error is told to a student only when their own code caused it in the run that
counts: the lecture's TensorFlow cells of a NumPy-only assignment run where TensorFlow
exists, so nothing the NumPy-only run breaks by design is reported."""

from __future__ import annotations

import pytest

from autograder.core.course import ASSIGNMENTS


def cell_notes(result) -> list[str]:
    return [note for note in result.notes if note.startswith("Code cell")]


@pytest.mark.slow
def test_the_lectures_keras_cells_raise_nothing_in_a_numpy_only_assignment(grader, submission):
    path = submission("03_pooling")
    assert "MaxPool2D" in path.read_text()  # the lecture's Keras layer is in the notebook that is graded
    result = grader.grade(path, "student", ASSIGNMENTS["03_pooling"])
    assert result.score == result.max_score and cell_notes(result) == [], result.notes


@pytest.mark.slow
def test_the_students_own_error_is_still_told(grader, submission):
    path = submission("03_pooling", cells=["import tensorflow as tf\nprint(undefined_by_the_student)"])
    result = grader.grade(path, "student", ASSIGNMENTS["03_pooling"])
    [note] = cell_notes(result)
    assert "NameError" in note and "undefined_by_the_student" in note
