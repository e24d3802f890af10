"""Small pure parts: the wire format, comparisons, diagnosis, discovery."""

from __future__ import annotations

import os

import numpy as np
import pytest

from autograder.core import plain
from autograder.core.compare import allclose, equal
from autograder.core.plain import describe
from autograder.core.results import CheckResult
from autograder.core.submissions import discover
from autograder.execute.sandbox import Limits
from autograder.frontends.nbgrader_plugin import _capped
from autograder.judge.misconceptions import CATALOGUE, diagnose
from autograder.report.report_text import UNPUBLISHED, format_function_report


def test_plain_data_round_trips_without_pickle():
    value = {"a": [1, 2.5, None, True, "s"], "b": np.arange(6, dtype=np.float32).reshape(2, 3), "c": float("nan")}
    back = plain.loads(plain.dumps(value))
    assert back["a"] == value["a"]
    assert back["b"].dtype == np.float32 and np.array_equal(back["b"], value["b"])
    assert np.isnan(back["c"])


@pytest.mark.parametrize("data", [b"", b"\x05\x00\x00\x00\x00\x00\x00\x00{}", b"\x02\x00\x00\x00\x00\x00\x00\x00[x"])
def test_malformed_messages_are_rejected(data):
    with pytest.raises(ValueError):
        plain.loads(data)


def test_object_arrays_and_objects_are_not_plain():
    with pytest.raises(plain.NotPlain, match="dtype object"):
        plain.to_plain(np.array([object()]))
    with pytest.raises(plain.NotPlain, match="function"):
        plain.to_plain(lambda: 0)
    assert plain.to_plain((np.int64(3), np.float32(0.5))) == [3, 0.5]


def test_allclose_matches_an_infinity_only_with_itself_and_scales_by_the_finite_values():
    padded = np.array([[-np.inf, 1.0], [2.0, -np.inf]])
    assert allclose(padded, padded.copy()) is None
    assert allclose(padded, np.where(np.isinf(padded), np.inf, padded)) is not None
    assert allclose(padded, np.where(np.isinf(padded), 0.0, padded)) is not None
    assert allclose(padded, padded + np.array([[0, 0.5], [0, 0]])) is not None  # the scale is 2, not inf
    assert equal(padded, padded.copy()) is None


def test_allclose_scales_the_tolerance_and_reports_the_first_difference():
    expected = np.array([[1000.0, 2.0], [3.0, 4.0]])
    assert allclose(expected, expected + 1e-3) is None
    reason = allclose(expected, expected + np.array([[0, 0], [0, 1.0]]))
    assert "[1, 1]" in reason and "1 of 4" in reason
    assert "shape" in allclose(expected, expected[:1])


def test_equal_counts_numpy_integers_as_ints_but_not_bools():
    assert equal([1, [2, 3]], [np.int64(1), [2, 3]]) is None
    assert equal([1], [True]) is not None


def test_diagnosis_names_a_simulated_mistake_and_patterns():
    expected = np.arange(12.0).reshape(2, 2, 3, 1)
    assert diagnose(expected, expected + 1, {"missing-bias": expected + 1}) == ["missing-bias"]
    assert diagnose(expected, np.broadcast_to(expected[:1], expected.shape).copy(), {}) == ["batch-collapsed"]
    assert diagnose(expected, np.zeros((2, 1, 3, 1)), {}) == ["off-by-one-size"]
    assert diagnose(np.array([-5.0, 3.0]), np.array([251.0, 3.0]), {}) == ["integer-overflow"]
    assert set(CATALOGUE) >= {"flipped-kernel", "forbidden-library-call", "same-padding-symmetric"}


def test_diagnosis_names_an_off_by_one_in_a_list_of_predicted_shapes():
    shapes = [[1, 5, 5, 1], [1, 6, 6, 1], [2, 6, 3, 8]]
    assert diagnose(shapes, [[1, 5, 5, 1], [1, 5, 5, 1], [2, 6, 2, 8]], {}) == ["off-by-one-size"]
    assert diagnose(shapes, [[1, 5, 5, 1], [1, 7, 6, 1], [2, 6, 3, 8]], {}) == ["off-by-one-size"]
    # a wrong filter count, a size two off, or another structure is not an off-by-one
    assert diagnose(shapes, [[1, 5, 5, 1], [1, 6, 6, 2], [2, 6, 3, 8]], {}) == []
    assert diagnose(shapes, [[1, 5, 5, 1], [1, 6, 8, 1], [2, 6, 3, 8]], {}) == []
    assert diagnose([[3, 3, 5, 10], [10]], [[3, 3, 5, 11], [11]], {}) == []


def test_discover_follows_nbgrader_layout_and_names_bad_paths(tmp_path):
    (tmp_path / "ann" / "01_conv_basics").mkdir(parents=True)
    (tmp_path / "ann" / "01_conv_basics" / "conv_basics.ipynb").write_text("{}")
    (tmp_path / "ben" / "03_pooling").mkdir(parents=True)
    found = discover([tmp_path])
    assert [(s.student, s.assignment.name, s.path is None) for s in found] == [
        ("ann", "01_conv_basics", False),
        ("ben", "03_pooling", True),
    ]
    with pytest.raises(FileNotFoundError, match="nowhere"):
        discover([tmp_path / "nowhere"])


@pytest.mark.parametrize(
    "bad", [{"cell_seconds": 0}, {"submission_seconds": -1.0}, {"memory_bytes": "3G"}, {"threads": -2}]
)
def test_limits_name_the_bad_argument(bad):
    name, value = next(iter(bad.items()))
    with pytest.raises(ValueError, match=f"Limits.{name} .*Received: {name}={value!r}"):
        Limits(**bad)


def test_demo_cells_are_skipped_only_while_they_are_the_releases():
    from autograder.core.course import ASSIGNMENTS
    from autograder.execute import notebook
    from bench import synth

    spec = ASSIGNMENTS["04_cnn_models"]
    demos = notebook.demo_cells(synth.release(spec))
    assert "demo_train_sequential_cnn" in demos and "demo_compare_mlp_cnn" in demos
    nb = synth.solved(spec)
    ran = [source for _, source in notebook.student_cells(nb, demos)]
    assert demos["demo_compare_mlp_cnn"] not in ran and len(ran) == len(notebook.student_cells(nb)) - len(demos)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "demo_compare_mlp_cnn":
            cell["source"] = "import os\nos._exit(1)"  # edited: no longer the release's demo, so it runs
    assert "import os\nos._exit(1)" in [source for _, source in notebook.student_cells(nb, demos)]


def test_grader_lines_in_a_students_cell_become_pass():
    from autograder.execute.notebook import without_grader_lines

    source = (
        "import numpy as np\nfrom autograder.inline import check\nif True:\n    check('conv2d_manual', f)\ncheck(x)"
    )
    assert without_grader_lines(source) == "import numpy as np\npass\nif True:\n    pass\ncheck(x)"
    # the grading service's submit(), saved in the notebook it sends
    source = "from autograder.frontends.submit import submit\nanswer = submit()\nsubmit('a.ipynb')\nsubmitted = 1"
    assert without_grader_lines(source) == "pass\npass\npass\nsubmitted = 1"


def test_a_failed_cell_is_summed_up_with_its_line():
    import doctest

    from autograder.judge import engine

    assert doctest.testmod(engine).failed == 0
    error = '  File "<ipython-input-1-08bd>", line 1\n    def broken(:\n               ^\nSyntaxError: invalid syntax'
    assert engine.cell_error_summary(error) == "SyntaxError: invalid syntax (line 1: def broken(:)"


def test_a_non_numeric_answer_is_described_by_type_and_size_only():
    secret = "the hidden input was 0.123"
    assert describe(secret) == "a string of 26 characters"
    assert secret not in (equal(np.zeros(2), secret) or "")
    assert secret not in (equal("Sequential", secret) or "")
    assert "0.123" not in (allclose(np.zeros(2), {"x": secret}) or "")
    assert describe((1, 26, 26, 1)) == "(1, 26, 26, 1)"


def _result(hidden: bool, passed: bool) -> CheckResult:
    return CheckResult(
        "test_f_on_secret_inputs",
        "f",
        "f on a (7, 5) input",
        1.0 if passed else 0.0,
        1.0,
        hidden,
        "Got: 3\nExpected: 4",
    )


@pytest.mark.parametrize("passed", [True, False])
def test_a_hidden_check_shows_its_name_and_mark_only_until_published(passed):
    text = format_function_report("f", [_result(True, passed)])
    assert "test_f_on_secret_inputs" in text and UNPUBLISHED in text
    assert "(7, 5)" not in text and "Expected" not in text
    published = format_function_report("f", [_result(True, passed)], show_hidden=True)
    assert "(7, 5)" in published and ("Expected" in published) != passed
    assert "(7, 5)" in format_function_report("f", [_result(False, passed)])


def test_cell_output_copied_into_the_notebook_is_capped():
    assert _capped("x" * 50, 10) == "x" * 10 + "\n... (40 more characters not shown)\n"
    assert _capped("short", 10) == "short"


def test_cells_are_told_apart_by_their_nbgrader_marks_as_saved():
    from autograder.core import cells

    def cell(tags=(), source="x = 1", **marks):
        return {"cell_type": "code", "metadata": {"nbgrader": marks, "tags": list(tags)}, "source": source}

    answer = cell(grade_id="conv2d_manual", solution=True, grade=False, locked=False)
    test = cell(grade_id="test_conv2d_manual", solution=False, grade=True, locked=True, points=6)
    demo = cell(tags=["demo"], grade_id="demo_compare", solution=False, grade=False, locked=True)
    given = cell(grade_id="imports", solution=False, grade=False, locked=True)
    plain = {"cell_type": "code", "metadata": {}, "source": ["a = 1\n", "b = 2"]}
    assert [cells.is_test(c) for c in (answer, test, demo, given, plain)] == [False, True, False, False, False]
    assert [cells.is_given(c) for c in (answer, test, demo, given, plain)] == [False, True, True, True, False]
    assert [cells.is_demo(c) for c in (answer, test, demo, given, plain)] == [False, False, True, False, False]
    assert cells.tested_function(test) == "conv2d_manual" and cells.tested_function(answer) is None
    assert cells.is_solution(answer) and cells.grade_id(plain) is None and cells.source(plain) == "a = 1\nb = 2"
    # a test cell that an answer cell's marks were pasted into is no test cell
    assert not cells.is_test(cell(grade_id="test_x", solution=True, grade=True))
    # malformed metadata (as a student's editor may leave it) is no mark at all
    assert cells.marks({"metadata": {"nbgrader": "test"}}) == {} and cells.tags({"metadata": {"tags": "demo"}}) == []


def test_every_limit_is_an_option_of_grade_and_a_trait_of_nbgraders_autograde_with_its_default():
    import dataclasses

    from traitlets.config import Config

    from autograder.frontends.cli import build_parser
    from autograder.frontends.nbgrader_plugin import SandboxAutograde

    grade = build_parser().parse_args(["grade", "submitted", "--out", "reports"])
    traits = SandboxAutograde.class_traits(config=True)
    for limit in dataclasses.fields(Limits):
        assert getattr(grade, limit.name) == limit.default, limit.name
        assert traits[limit.name].default_value == limit.default, limit.name
        assert limit.metadata["help"] and limit.metadata["unit"], limit.name
    config = Config()
    config.SandboxAutograde.processes = 99
    assert SandboxAutograde(config=config).processes == 99


def test_discover_reads_only_the_layout_and_refuses_links(tmp_path):
    from autograder.core.intake import RefusalKind

    nb = "conv_basics.ipynb"
    for student in ("ann", "ben"):
        (tmp_path / student / "01_conv_basics").mkdir(parents=True)
        (tmp_path / student / "01_conv_basics" / nb).write_text("{}")
    nested = tmp_path / "eve" / "01_conv_basics" / "ann" / "01_conv_basics"  # eve names ann
    nested.mkdir(parents=True)
    (nested / nb).write_text('{"cells": []}')
    (tmp_path / "eve" / "01_conv_basics" / nb).symlink_to(tmp_path / "ann" / "01_conv_basics" / nb)
    (tmp_path / "lee").symlink_to(tmp_path / "ben")
    (tmp_path / "kim" / "01_conv_basics").mkdir(parents=True)
    os.mkfifo(tmp_path / "kim" / "01_conv_basics" / nb)
    found = {s.student: s for s in discover([tmp_path])}
    assert sorted(found) == ["ann", "ben", "eve", "kim", "lee"]
    assert found["ann"].path == tmp_path / "ann" / "01_conv_basics" / nb and found["ann"].refused is None
    assert (
        found["eve"].refused.kind == RefusalKind.SYMLINK
        and "conv_basics.ipynb is a symbolic link" in found["eve"].refused.message()
    )
    assert found["lee"].refused.kind == RefusalKind.SYMLINK and found["lee"].refused.path == str(tmp_path / "lee")
    assert found["kim"].refused.kind == RefusalKind.NOT_A_FILE


def test_a_notebook_too_deep_or_too_large_is_refused_with_its_reason(tmp_path):
    from autograder.core import intake
    from autograder.execute import notebook

    deep = tmp_path / "deep.ipynb"
    deep.write_text('{"cells": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(notebook.NotebookError, match="nested more than 64 levels") as err:
        notebook.load(deep)
    assert err.value.refusal.kind == intake.RefusalKind.TOO_DEEP
    large = tmp_path / "large.ipynb"
    large.write_text('{"cells": [], "x": "' + "a" * (intake.MAX_NOTEBOOK_BYTES + 1) + '"}')
    with pytest.raises(notebook.NotebookError, match="larger than the 32 MB") as err:
        notebook.load(large)
    assert err.value.refusal.kind == intake.RefusalKind.TOO_LARGE
    link = tmp_path / "link.ipynb"
    link.symlink_to(deep)
    with pytest.raises(notebook.NotebookError, match="symbolic link"):
        notebook.load(link)
