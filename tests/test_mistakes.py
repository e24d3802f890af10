"""Deliberately wrong submissions, one per mistake (tests/mistakes/<function>__<id>.py),
are named correctly through the sandbox; correct variants in other styles
(tests/variants/) score full marks and are never accused. Every pitfall the notebooks'
prose teaches fails a visible check (the mistakes, and tests/pitfalls/<function>__<label>.py
for the taught pitfalls that have no misconception id), so a student who passes every
visible check has been warned of each one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.core.course import assignment_of_function
from autograder.frontends import batch
from autograder.release import synth

from .conftest import TEST_LIMITS

HERE = Path(__file__).resolve().parent
MISTAKES = sorted((HERE / "mistakes").glob("*.py"))
VARIANTS = sorted((HERE / "variants").glob("*.py"))
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
    "02 s5: an odd total 'same' padding puts the extra row at the bottom": "multi_filter_conv__same-padding-symmetric",
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
    "04 s2: each valid layer shrinks by k - 1": "cascade_output_shapes__off-by-one-size",
    "04 ex2: kernel_size may be a pair (kh, kw)": "cascade_output_shapes__int-kernel-only",
    "04 s3: ReLU after each convolution and the first Dense": "build_sequential_cnn__activation-missing",
    "04 s3: the builders follow input_shape and n_classes": "build_sequential_cnn__hard-coded-shape",
    "05 ex1: the horizontal kernel is the transpose": "horizontal_edge_kernel__axes-swapped",
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


def split(path: Path) -> tuple[str, str]:
    function, label = path.stem.split("__")
    return function, label


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """Every mistake and variant in a notebook of its own, graded as one batch."""
    root = tmp_path_factory.mktemp("submissions")
    for path in MISTAKES + VARIANTS + PITFALLS:
        function, _ = split(path)
        assignment = assignment_of_function(function)
        nb = synth.solved(assignment, {function: path.read_text()})
        synth.write(nb, root / f"{path.parent.name}-{path.stem}" / assignment.name / assignment.notebook)
    out = tmp_path_factory.mktemp("reports")
    batch.grade([root], out, limits=TEST_LIMITS, progress=False)
    return {p.parent.parent.name: json.loads(p.read_text()) for p in out.glob("*/*/results.json")}


def checks_of(data: dict, function: str) -> list[dict]:
    return [t for t in data["tests"] if f"function:{function}" in t["tags"]]


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.stem)
def test_each_mistake_is_named_and_costs_only_its_function(graded, path):
    function, mistake = split(path)
    data = graded[f"mistakes-{path.stem}"]
    own = checks_of(data, function)
    failed = [t for t in own if t["status"] == "failed"]
    assert failed, "the wrong answer passed every check"
    assert any(f"misconception:{mistake}" in t["tags"] for t in failed), [t["tags"] for t in failed]
    others = [t for t in data["tests"] if t not in own]
    assert all(t["status"] == "passed" for t in others)


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_correct_variants_score_full_marks_and_are_never_accused(graded, path):
    data = graded[f"variants-{path.stem}"]
    assert data["score"] == data["max_score"]
    assert not [tag for t in data["tests"] for tag in t["tags"] if tag.startswith("misconception:")]


def test_every_taught_pitfall_has_a_deliberate_mistake():
    stems = {p.stem for p in MISTAKES + PITFALLS}
    assert not [stem for stem in TAUGHT.values() if stem not in stems]
    assert not [p.stem for p in PITFALLS if p.stem not in TAUGHT.values()], "tell TAUGHT what each pitfall teaches"
    assert not set(STILL_HIDDEN) & set(TAUGHT.values())


@pytest.mark.parametrize("path", MISTAKES + PITFALLS, ids=lambda p: p.stem)
def test_each_mistake_fails_a_visible_check(graded, path):
    """Before the hidden checks run, the student has been told: a visible check fails."""
    if path.stem in STILL_HIDDEN:
        pytest.skip(STILL_HIDDEN[path.stem])
    function, _ = split(path)
    data = graded[f"{path.parent.name}-{path.stem}"]
    own = checks_of(data, function)
    assert any(t["visibility"] == "visible" for t in own)
    visible_failures = [t["name"] for t in own if t["visibility"] == "visible" and t["status"] == "failed"]
    assert visible_failures, f"{path.stem} passes every visible check of {function}; only hidden checks catch it"
