"""06_backprop's answer keys and checks: the references agree with TensorFlow ops they were
not computed with and with each other (tape and numerical gradients), the hidden checks keep
the blind-spot rules, and every simulated mistake differs from the answer where it is offered."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.author.keys import backprop as keys
from autograder.author.public.backprop import float_close
from autograder.core.compare import allclose
from autograder.core.course import ASSIGNMENTS
from autograder.core.plain import describe
from autograder.judge.scoring import compute_references

BACKPROP = ASSIGNMENTS["06_backprop"]


@pytest.fixture(scope="module")
def checks_and_references():
    checks = BACKPROP.checks(hidden=True)
    return checks, compute_references(checks)


def test_im2col_is_tensorflows_extract_patches():
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(2, 6, 5, 3))
    patches = tf.image.extract_patches(x, [1, 3, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID").numpy()
    assert allclose(patches, keys.im2col(x, (3, 2))) is None


def test_the_tape_numerical_and_transposed_convolution_gradients_agree():
    import tensorflow as tf

    r = np.random.default_rng(1)
    x, kernels, dout = r.normal(size=(2, 5, 6, 2)), r.normal(size=(3, 2, 2, 3)), r.normal(size=(2, 3, 5, 3))
    tape, numerical = keys.conv2d_gradients(dout, x, kernels), keys.conv2d_numerical(dout, x, kernels)
    for part, a, b in zip(keys.PARTS, tape, numerical):
        assert np.max(np.abs(a - b)) < 1e-8, part
    assert allclose(tf.nn.conv2d_transpose(dout, kernels, x.shape, 1, "VALID").numpy(), tape[0]) is None
    assert allclose(dout.sum(axis=(0, 1, 2)), tape[2]) is None


def test_strided_and_same_padded_gradients_agree_three_ways():
    """Tape, numerical differences and TensorFlow's own transposed convolution (dx), and the
    window-by-window NumPy loop the mistakes are simulated with."""
    import tensorflow as tf

    r = np.random.default_rng(3)
    x, kernels = r.normal(size=(2, 7, 5, 3)), r.normal(size=(2, 4, 3, 2))
    dout = r.normal(size=(2, 4, 3, 2))  # 'same', strides 2: odd total padding in both directions
    tape = keys.conv2d_gradients(dout, x, kernels, strides=2, padding="same")
    numerical = keys.conv2d_numerical(dout, x, kernels, strides=2, padding="same")
    loops = keys.conv_backward_loops(dout, x, kernels, strides=2, padding="same")
    for part, a, b, c in zip(keys.PARTS, tape, numerical, loops):
        assert np.max(np.abs(a - b)) < 1e-8 and np.max(np.abs(a - c)) < 1e-9, part
    transposed = tf.nn.conv2d_transpose(dout, kernels, x.shape, 2, "SAME").numpy()
    assert allclose(transposed, tape[0]) is None


def test_the_tape_and_numerical_pooling_gradients_agree():
    r = np.random.default_rng(2)
    x, dout = r.normal(size=(2, 7, 6, 2)), r.normal(size=(2, 3, 2, 2))
    assert np.max(np.abs(keys.maxpool_gradient(dout, x, 3, 2) - keys.maxpool_numerical(dout, x, 3, 2))) < 1e-8
    assert np.max(np.abs(keys.avg_gradient(dout, x, 3, 2) - keys.avgpool_numerical(dout, x, 3, 2))) < 1e-8
    for kind, key in (("max", keys.maxpool_gradient), ("avg", keys.avg_gradient)):
        assert np.max(np.abs(keys.pool_backward_loops(dout, x, 3, 2, kind) - key(dout, x, 3, 2))) < 1e-12


def test_an_integer_answer_fails_even_with_the_right_values_and_is_named():
    images = np.arange(9, dtype=np.uint8).reshape(1, 3, 3, 1)
    right = keys.im2col(images, 2)
    assert float_close(right, right.astype(np.uint8)) is not None
    assert float_close(right, right.astype(np.float32)) is None
    assert float_close(keys.im2col_integer(images, 2), right.astype(np.uint8)) is None  # the simulation matches


def test_the_hidden_checks_keep_the_blind_spot_rules():
    names = [c.name for c in BACKPROP.checks(hidden=True)]
    assert len(names) == len(set(names)), "a hidden check must not share a public check's name"
    hidden = [c for c in BACKPROP.checks(hidden=True) if c.hidden and c.function != "train_numpy_cnn"]
    for check in hidden:
        images = check.args[0] if check.function == "im2col" else check.args[1]
        n, h, w, c = images.shape
        assert n >= 2 and h != w and c >= 2, check.name
        if check.function == "conv2d_backward_manual":
            kh, kw, c, f = check.args[2].shape
            assert f >= 2 and c != f, check.name
    kinds = {(c.function, a.dtype.kind) for c in hidden for a in c.args if isinstance(a, np.ndarray)}
    pooling = ("maxpool_backward_manual", "avgpool_backward_manual")
    assert {("im2col", "u"), ("conv2d_backward_manual", "u"), *((f, "u") for f in pooling)} <= kinds
    every = [c for c in BACKPROP.checks(hidden=True) if c.hidden]
    assert all(any(c.readonly for c in every if c.function == f) for f in BACKPROP.functions)
    for function in pooling:
        pools = [c for c in hidden if c.function == function]
        assert any("strides" not in c.kwargs for c in pools)
        overlapping = [
            c for c in pools if np.any(np.asarray(c.kwargs.get("strides", 99)) < c.kwargs.get("pool_size", 2))
        ]
        assert any(
            np.any((np.asarray(c.args[1].shape[1:3]) - c.kwargs["pool_size"]) % c.kwargs["strides"])
            for c in overlapping
        ), f"{function}: overlapping windows with a stride that does not divide the size"
    assert any(np.all(c.args[1] < 0) for c in hidden if c.function == "maxpool_backward_manual")
    convs = [c for c in hidden if c.function == "conv2d_backward_manual"]
    assert any(c.args[2].shape[0] != c.args[2].shape[1] for c in convs)
    assert any(c.args[0].shape[1] != c.args[0].shape[2] for c in convs)  # H_out != W_out
    strided = [c for c in convs if np.any(np.asarray(c.kwargs.get("strides", 1)) > 1)]
    assert any((c.args[1].shape[1] - c.args[2].shape[0]) % np.asarray(c.kwargs["strides"]).flat[0] for c in strided)
    same = [c for c in strided if c.kwargs.get("padding") == "same"]
    assert any(
        sum(keys._same_split(c.args[1].shape[1], c.args[2].shape[0], np.asarray(c.kwargs["strides"]).flat[0])) % 2
        for c in same
    ), "an odd total 'same' padding"
    trainings = [c for c in every if c.function == "train_numpy_cnn"]
    assert len(trainings) <= 2, "each graded training costs seconds per submission"


def test_every_simulated_mistake_differs_from_the_answer_where_it_is_offered(checks_and_references):
    checks, references = checks_and_references
    for check, reference in zip(checks, references):
        for mid, alternate in reference.alternates.items():
            assert float_close(reference.expected, alternate) is not None, (
                f"{check.name}: {mid} gives the answer itself"
            )


def test_a_backward_pass_answer_is_described_by_its_arrays():
    answer = [np.zeros((2, 5, 4, 3)), np.zeros((3, 2, 3, 2)), np.zeros(2)]
    assert describe(answer) == "a list of 3 arrays: (2, 5, 4, 3) float64, (3, 2, 3, 2) float64, (2,) float64"
    assert describe(["dx", "dw", "db"]) == "a list of 3 items"
