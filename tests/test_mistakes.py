"""Each misconception is named wherever it can occur, and never on correct code.

The matrix of what can occur where is ``autograder.judge.misconceptions.APPLICABLE``
(with ``EVERYWHERE``). For every pair (function, id) of it a deliberately wrong
submission ``tests/mistakes/<function>__<id>.py`` goes through the real sandboxed
batch grader and must be named by that id; a pair without its file fails, and so
does a file for a pair the matrix does not declare. Correct variants in other styles
(``tests/variants/``) score full marks and are never accused. The fast tests at the
end check the matrix against the checks' own simulations and wording tables.

Every pitfall the notebooks' prose teaches also fails a visible check (the mistakes, and
``tests/pitfalls/<function>__<label>.py`` for taught pitfalls without a misconception id),
so a student who passes every visible check has been warned of each one.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.core.course import ASSIGNMENTS, assignment_of_function
from autograder.core.outcomes import CallError, CallOutcome, ErrorKind, Reference
from autograder.frontends import batch
from autograder.judge import misconceptions, scoring
from autograder.judge.misconceptions import APPLICABLE, BY_PATTERN, CATALOGUE, WORDING, applicable, mistake_id
from bench import synth

from .conftest import TEST_LIMITS

HERE = Path(__file__).resolve().parent
MISTAKES = HERE / "mistakes"
VARIANTS = sorted((HERE / "variants").glob("*.py"))
MISTAKE_FILES = sorted(MISTAKES.glob("*.py"))
PITFALLS = sorted((HERE / "pitfalls").glob("*.py"))

TAUGHT = {
    "01 s1: valid output size rounds down when the stride does not divide": "conv_output_shape__rounds-up",
    "01 s1: input shapes are (N, H, W, C), height before width": "conv_output_shape__axes-swapped",
    "01 s1: the kernel is (kh, kw, C, F)": "conv_weight_shapes__axes-swapped",
    "01 s2: cross-correlation uses the kernel as it is, not flipped": "conv2d_manual__flipped-kernel",
    "01 s2: H - kh + 1 windows fit": "conv2d_manual__off-by-one-size",
    "01 s2: the window is summed (times the kernel), not averaged": "conv2d_manual__mean-instead-of-sum",
    "01 s2: the bias is added once, after the whole sum, not per channel": "conv2d_manual__bias-per-channel",
    "01 s2: ... nor per window element": "conv2d_manual__bias-per-element",
    "01 ex3: one output cell adds the bias once, after the sum": "conv_single_step__bias-per-element",
    "01 ex3: arguments may be read-only, and np.asarray(x, float64) is no copy": "conv_single_step__input-mutated",
    "01 ex3: do not modify image or kernel": "conv2d_manual__input-mutated",
    "01 ex3: uint8 images work: compute in floating point": "conv2d_manual__integer-overflow",
    "01 ex3: NumPy only": "conv2d_manual__forbidden-library-call",
    "02 s1: each filter makes its own feature map": "multi_filter_conv__filters-summed",
    "02 s2: a zero bias cannot show whether a bias is added": "multi_filter_conv__missing-bias",
    "02 s3: the activation comes after the bias, for each value": "multi_filter_conv__activation-missing",
    "02 s3: the activation asked for, not another": "multi_filter_conv__wrong-activation",
    "02 s3: None means no activation": "multi_filter_conv__activation-applied",
    "02 s3: 'linear' means no activation too": "multi_filter_conv__linear-unknown",
    "02 s4: the window of output row i starts at row i * s": "multi_filter_conv__stride-ignored",
    "02 s5: 'same' rounds up, ceil(H / s), where 'valid' rounds down": "predict_output_shapes__off-by-one-size",
    "02 s5: an odd total 'same' padding puts the extra row at the bottom": "multi_filter_conv__same-padding-symmetric",
    "02 s5: pad_same puts the extra row/column of an odd total at the bottom/right": "pad_same__same-padding-symmetric",
    "02 s5: the stride sets the total padding": "pad_same__stride-ignored",
    "02 ex1: the border holds value (-inf for max pooling)": "pad_same__same-padding-zeros",
    "02 ex1: uint8 cannot hold -inf: pad a float copy": "pad_same__integer-overflow",
    "02 ex1: uint8 images work: convert, do not allocate with zeros_like": "multi_filter_conv__integer-overflow",
    "02 ex1: every image of the batch gets its own result": "multi_filter_conv__batch-collapsed",
    "02 ex1: do not modify the arguments": "multi_filter_conv__input-mutated",
    "02 s6: transpose, not swapaxes(0, -1), which swaps H and W": "channels_first__axes-swapped",
    "03 s1: strides=None means the pool size": "maxpool_manual__pool-stride-one",
    "03 s1: pooling works on each channel separately": "maxpool_manual__pool-over-channels",
    "03 s1: each batch item is pooled on its own": "maxpool_manual__batch-collapsed",
    "03 s2: valid drops the rows a window cannot reach": "maxpool_manual__off-by-one-size",
    "03 s2: the window of output row i starts at row i * s": "maxpool_manual__stride-ignored",
    "03 s2: an odd total 'same' padding puts the extra row at the bottom": "maxpool_manual__same-padding-symmetric",
    "03 s2: padding never wins a max (-inf, not 0)": "maxpool_manual__same-padding-zeros",
    "03 ex1: do not modify x": "maxpool_manual__input-mutated",
    "03 s4: average pooling keeps the mean, not the max": "avgpool_manual__max-instead-of-avg",
    "03 s4: 'same' averages only the real cells": "avgpool_manual__avg-counts-padding",
    "03 ex2: uint8 images work: compute with floats": "avgpool_manual__integer-overflow",
    "04 s1: one bias per filter, not per input channel": "count_conv_params__bias-per-channel",
    "04 s1: use_bias counts the bias": "count_conv_params__missing-bias",
    "04 s2: a valid layer has (H - kh) // s + 1 output rows": "conv_macs__off-by-one-size",
    "04 s2: the window moves by the stride: fewer outputs to compute": "conv_macs__stride-ignored",
    "04 s2: every image of the batch is computed": "conv_macs__batch-ignored",
    "04 s2: multiply-adds count products, not the bias additions": "conv_macs__bias-counted",
    "04 s2: the output at (i, j) sums kernel * window at (i, j), the kernel not flipped": (
        "predict_shifted_feature_map__flipped-kernel"
    ),
    "04 s2: MaxPooling2D(2) moves by 2: non-overlapping blocks": "predict_pooled_shifts__pool-stride-one",
    "04 s4: every Conv2D and Dense layer has one bias per filter or unit": "predict_lecture_cnn_params__missing-bias",
    "04 s3: each valid layer shrinks by k - 1": "cascade_output_shapes__off-by-one-size",
    "04 ex5: kernel_size may be a pair (kh, kw)": "cascade_output_shapes__int-kernel-only",
    "04 s4: ReLU after each convolution and the first Dense": "build_sequential_cnn__activation-missing",
    "04 s4: the builders follow input_shape and n_classes": "build_sequential_cnn__hard-coded-shape",
    "05 s2: a 2x2 window fits 6 - 2 + 1 = 5 times in the homework's image": "predict_homework_edge_map__off-by-one-size",
    "05 s2: the filter as it stands: dark to bright from left to right is +2": "predict_homework_edge_map__flipped-kernel",
    "05 ex2: the horizontal kernel is bottom row minus top row": "horizontal_edge_kernel__axes-swapped",
    "05 s3: D is top-right minus bottom-left, as it stands": "predict_diagonal_edge_map__flipped-kernel",
    "05 s3: a 3x3 window fits 6 - 3 + 1 = 4 times": "predict_laplacian_edge_map__off-by-one-size",
    "05 s3: uint8 wraps around modulo 256: edges are negative": "detect_edges__integer-overflow",
    "05 s3: Conv2D does not accept integer inputs: convert first": "detect_edges__uint8-into-conv2d",
    "05 s4: Sobel on a uint8 photograph": "sobel_magnitude__integer-overflow",
    "05 s4: the magnitude of summed windows, not means": "sobel_magnitude__mean-instead-of-sum",
}
"""What the notebooks' prose teaches (notebook, section or exercise: the lesson) -> the
deliberate mistake, in tests/mistakes/ or tests/pitfalls/, that ignores it."""

STILL_HIDDEN: dict[str, str] = {}
"""Deliberate mistakes that no visible check can show, with the reason; a taught pitfall
never belongs here. (compare_mlp_cnn's "accuracy measured on the test set" is taught and
checked by a hidden check only: a visible check of it would train both models once more
for every submission; it has no deliberate-mistake file.)"""
BUILT_ON: dict[str, tuple[str, ...]] = {
    "conv2d_manual": ("conv_single_step",),
    "multi_filter_conv": ("pad_same",),
    "train_numpy_cnn": ("im2col", "conv2d_backward_manual", "maxpool_backward_manual"),
}
"""Graded function -> the functions of the notebook its solution calls (06 trains a network
with the student's own layers): a mistake, or a correct but slow variant, in one of those may
cost it too."""
PAIRS = sorted((function, mid) for function in APPLICABLE for mid in applicable(function))
LIMITS = dataclasses.replace(TEST_LIMITS, cell_seconds=30.0, submission_seconds=600.0)
"""Generous: this test is about naming mistakes, and a loaded machine must not turn a
slow notebook into failures of other functions."""


def split(path: Path) -> tuple[str, str]:
    function, label = path.stem.split("__")
    return function, label


def mistake_file(function: str, mid: str) -> Path:
    return MISTAKES / f"{function}__{mid}.py"


def _selected(request) -> list[Path]:
    """The files the selected tests of this module need (all of them when used elsewhere)."""
    paths = set()
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.module is request.module and isinstance(params.get("path"), Path):
            paths.add(params["path"])
    everything = {mistake_file(f, m) for f, m in PAIRS} | set(VARIANTS) | set(PITFALLS)
    return sorted(p for p in (paths or everything) if p.exists())


def related(a: str, b: str) -> bool:
    """Whether a wrong answer of one can cost the other (one is built on the other)."""
    return a == b or a in BUILT_ON.get(b, ()) or b in BUILT_ON.get(a, ())


def pack(paths: list[Path]) -> list[list[Path]]:
    """The files in as few notebooks as can hold them: one file per notebook and function,
    never two related functions (``BUILT_ON``) in one notebook, and the correct variants
    apart from the wrong answers. Each notebook still grades every function of its
    assignment, so the functions left as solved show what each wrong answer costs the rest."""
    groups: list[tuple[str, str, list[Path]]] = []  # (assignment, kind, files)
    for path in paths:
        function, _ = split(path)
        assignment = assignment_of_function(function).name
        kind = "variants" if path.parent.name == "variants" else "wrong"
        for owner, owner_kind, files in groups:
            if (owner, owner_kind) == (assignment, kind) and not any(related(function, split(f)[0]) for f in files):
                files.append(path)
                break
        else:
            groups.append((assignment, kind, [path]))
    return [files for _, _, files in groups]


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory) -> dict[Path, dict]:
    """Every selected mistake and variant graded in one batch, packed into few notebooks
    (``pack``): file -> the results of the notebook that holds it."""
    root = tmp_path_factory.mktemp("submissions")
    holder: dict[Path, str] = {}
    for i, files in enumerate(pack(_selected(request))):
        assignment = assignment_of_function(split(files[0])[0])
        nb = synth.solved(assignment, {split(f)[0]: f.read_text() for f in files})
        synth.write(nb, root / f"notebook{i:03d}" / assignment.name / assignment.notebook)
        holder.update({f: f"notebook{i:03d}" for f in files})
    out = tmp_path_factory.mktemp("reports")
    batch.grade([root], out, limits=LIMITS, progress=False)
    results = {p.parent.parent.name: json.loads(p.read_text()) for p in out.glob("*/*/results.json")}
    return {f: results[student] for f, student in holder.items()}


def replaced(data: dict, graded: dict, path: Path) -> set[str]:
    """The functions answered wrongly (or differently) in the notebook that holds ``path``."""
    return {split(f)[0] for f, other in graded.items() if other is data}


def checks_of(data: dict, function: str) -> list[dict]:
    return [t for t in data["tests"] if f"function:{function}" in t["tags"]]


def users(functions: set[str]) -> set[str]:
    """The functions built on any of ``functions`` (``BUILT_ON``)."""
    return {user for user, parts in BUILT_ON.items() if set(parts) & functions}


@pytest.mark.slow
@pytest.mark.parametrize("path", [mistake_file(f, m) for f, m in PAIRS], ids=lambda p: p.stem)
def test_each_mistake_is_named_wherever_it_can_occur_and_costs_only_its_function(graded, path):
    function, mistake = split(path)
    assert path.exists(), f"{mistake} can occur in {function}, but there is no deliberate mistake {path.name}"
    data = graded[path]
    own = checks_of(data, function)
    failed = [t for t in own if t["status"] == "failed"]
    assert failed, "the wrong answer passed every check"
    assert any(f"misconception:{mistake}" in t["tags"] for t in failed), [t["tags"] for t in failed]
    cost = replaced(data, graded, path)
    others = [t for t in data["tests"] if not any(f"function:{f}" in t["tags"] for f in cost | users(cost))]
    assert all(t["status"] == "passed" for t in others), [t["output"] for t in others if t["status"] != "passed"]


def test_every_mistake_file_is_a_pair_of_the_matrix():
    files = {split(p) for p in MISTAKES.glob("*.py")}
    assert not files - set(PAIRS), "mistake files for pairs APPLICABLE does not declare"


@pytest.mark.slow
@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_correct_variants_score_full_marks_and_are_never_accused(graded, path):
    data = graded[path]
    function, _ = split(path)
    cost = users(replaced(data, graded, path))
    scored = [t for t in data["tests"] if not any(f"function:{f}" in t["tags"] for f in cost)]
    assert all(t["status"] == "passed" for t in scored), [t["output"] for t in scored if t["status"] != "passed"]
    assert checks_of(data, function)
    assert not [tag for t in scored for tag in t["tags"] if tag.startswith("misconception:")]


def test_every_taught_pitfall_has_a_deliberate_mistake():
    stems = {p.stem for p in MISTAKE_FILES + PITFALLS}
    assert not [stem for stem in TAUGHT.values() if stem not in stems]
    assert not [p.stem for p in PITFALLS if p.stem not in TAUGHT.values()], "tell TAUGHT what each pitfall teaches"
    assert not set(STILL_HIDDEN) & set(TAUGHT.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", MISTAKE_FILES + PITFALLS, ids=lambda p: p.stem)
def test_each_mistake_fails_a_visible_check(graded, path):
    """Before the hidden checks run, the student has been told: a visible check fails."""
    if path.stem in STILL_HIDDEN:
        pytest.skip(STILL_HIDDEN[path.stem])
    function, _ = split(path)
    own = checks_of(graded[path], function)
    assert any(t["visibility"] == "visible" for t in own)
    visible_failures = [t["name"] for t in own if t["visibility"] == "visible" and t["status"] == "failed"]
    assert visible_failures, f"{path.stem} passes every visible check of {function}; only hidden checks catch it"


# ----------------------------------------------------------------------------------------------
# The matrix against the checks (no grading)


def _all_checks():
    return [c for a in ASSIGNMENTS.values() for c in a.checks(hidden=True)]


def test_the_matrix_names_every_graded_function_and_catalogued_ids_only():
    functions = {f for a in ASSIGNMENTS.values() for f in a.functions}
    assert set(APPLICABLE) == functions
    used = {m for f in APPLICABLE for m in applicable(f)}
    assert used <= set(CATALOGUE)
    assert set(CATALOGUE) <= used, "ids that can occur nowhere"


def test_every_simulation_is_of_an_id_that_can_occur_in_its_function():
    for check in _all_checks():
        wrong = {mistake_id(k) for k in check.mistakes} - set(applicable(check.function))
        assert not wrong, f"{check.name} simulates {wrong}, which APPLICABLE does not list for {check.function}"


def test_every_applicable_id_without_a_pattern_is_simulated_on_some_check_of_its_function():
    simulated = {(c.function, mistake_id(k)) for c in _all_checks() for k in c.mistakes}
    missing = [(f, m) for f, m in PAIRS if m not in BY_PATTERN and (f, m) not in simulated]
    assert not missing, "no check simulates these"


def test_wording_is_given_only_for_pairs_that_can_occur():
    worded = {(f, m) for f, table in WORDING.items() for m in table}
    assert worded <= set(PAIRS)
    assert all(title and hint for table in WORDING.values() for title, hint in table.values())


def test_every_id_meets_correct_code_in_some_function_it_applies_to():
    """Never an id on correct code: each id's simulations and patterns run against a correct
    variant somewhere (test_correct_variants_... then finds no tag)."""
    covered = {split(p)[0] for p in VARIANTS}
    assert set(APPLICABLE) <= covered, "functions without a correct variant"


def test_a_check_gets_its_functions_wording():
    assert "per filter, not per input channel" in misconceptions.explain("bias-per-channel", "count_conv_params")
    assert misconceptions.explain("bias-per-channel") == misconceptions.explain("bias-per-channel", "conv2d_manual")
    assert misconceptions.wording("flipped-kernel", "count_conv_params") == CATALOGUE["flipped-kernel"]


def test_variants_of_a_simulation_are_named_by_their_id():
    alternates = {"wrong-activation@tanh": np.zeros(3), "wrong-activation@relu": np.ones(3), "missing-bias": np.ones(3)}
    assert misconceptions.diagnose(np.full(3, 2.0), np.ones(3), alternates) == ["wrong-activation", "missing-bias"]


# ----------------------------------------------------------------------------------------------
# A function voided by one of its calls


def _score(function: str, errors: dict[int, CallError]):
    checks = [
        c for c in ASSIGNMENTS[assignment_of_function(function).name].checks(hidden=False) if c.function == function
    ]
    references = [Reference(np.zeros(2)) for _ in checks]
    outcomes = [
        CallOutcome(error=errors[i]) if i in errors else CallOutcome(value=np.zeros(2)) for i in range(len(checks))
    ]
    return scoring.score(checks, references, outcomes)


@pytest.mark.parametrize(
    "error, module",
    [
        ("ModuleNotFoundError: No module named 'autograder.author'", "autograder.author"),
        ("AttributeError: module 'autograder' has no attribute 'author'", "autograder"),
    ],
)
@pytest.mark.parametrize("function", ["conv2d_manual", "conv_output_shape"])
def test_calling_the_graders_code_voids_the_function_with_its_own_reason(function, error, module):
    results = _score(function, {0: CallError(ErrorKind.GRADER_MODULE, f"{function} raised an error:\n{error}", module)})
    assert sum(r.points for r in results) == 0
    assert all(r.misconceptions == ("grader-code-called",) for r in results)
    assert "called the grader's own code in another of its calls" in results[1].message
    assert "NumPy" not in results[1].message


def test_a_forbidden_library_still_voids_a_numpy_only_function_as_such():
    error = "conv2d_manual raised an error:\nNumpyOnlyError: tensorflow.nn is not available here: this function must compute with NumPy only"
    results = _score("conv2d_manual", {0: CallError(ErrorKind.FORBIDDEN_LIBRARY, error, "tensorflow")})
    assert all(r.misconceptions == ("forbidden-library-call",) for r in results)
    assert sum(r.points for r in results) == 0
    assert "used a library other than NumPy in another of its calls" in results[1].message


@pytest.mark.parametrize(
    "text",
    [
        "ValueError: operands could not be broadcast",
        "    out[...] = x  # must compute with NumPy only\nValueError: this function must compute with NumPy only",
        "ModuleNotFoundError: No module named 'autograder.author'  (a sentence the student printed)",
    ],
)
def test_honest_errors_void_nothing_whatever_their_words(text):
    results = _score("conv2d_manual", {0: CallError(ErrorKind.RAISED, f"conv2d_manual raised an error:\n{text}")})
    assert results[0].misconceptions == () and all(r.points == r.max_points for r in results[1:])


def test_a_write_into_a_read_only_input_is_named_by_its_kind():
    error = CallError(
        ErrorKind.READ_ONLY_WRITE, "conv2d_manual raised an error:\nValueError: assignment destination is read-only"
    )
    results = _score("conv2d_manual", {0: error})
    assert results[0].misconceptions == ("input-mutated",) and all(r.points == r.max_points for r in results[1:])
    worded = _score("conv2d_manual", {0: CallError(ErrorKind.RAISED, "ValueError: read-only, says my comment")})
    assert worded[0].misconceptions == ()
