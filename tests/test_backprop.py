"""06_backprop's answer keys and checks: the references agree with TensorFlow ops they were
not computed with and with each other (tape and numerical gradients), the hidden checks keep
the blind-spot rules, and every simulated mistake differs from the answer where it is offered."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.author.keys import backprop as keys
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


def test_the_tape_and_numerical_pooling_gradients_agree():
    r = np.random.default_rng(2)
    x, dout = r.normal(size=(2, 7, 6, 2)), r.normal(size=(2, 3, 2, 2))
    assert np.max(np.abs(keys.maxpool_gradient(dout, x, 3, 2) - keys.maxpool_numerical(dout, x, 3, 2))) < 1e-8


def test_the_hidden_checks_keep_the_blind_spot_rules():
    names = [c.name for c in BACKPROP.checks(hidden=True)]
    assert len(names) == len(set(names)), "a hidden check must not share a public check's name"
    hidden = [c for c in BACKPROP.checks(hidden=True) if c.hidden]
    for check in hidden:
        images = check.args[0] if check.function == "im2col" else check.args[1]
        n, h, w, c = images.shape
        assert n >= 2 and h != w and c >= 2, check.name
        if check.function == "conv2d_backward_manual":
            kh, kw, c, f = check.args[2].shape
            assert f >= 2 and c != f, check.name
    kinds = {(c.function, a.dtype.kind) for c in hidden for a in c.args if isinstance(a, np.ndarray)}
    assert {("im2col", "u"), ("conv2d_backward_manual", "u"), ("maxpool_backward_manual", "u")} <= kinds
    assert all(any(c.readonly for c in hidden if c.function == f) for f in BACKPROP.functions)
    pools = [c for c in hidden if c.function == "maxpool_backward_manual"]
    assert any("strides" not in c.kwargs for c in pools)
    assert any(np.all(c.args[1] < 0) for c in pools)
    assert any(np.any(np.asarray(c.kwargs.get("strides", 99)) < np.asarray(c.kwargs["pool_size"])) for c in pools)
    convs = [c for c in hidden if c.function == "conv2d_backward_manual"]
    assert any(c.args[2].shape[0] != c.args[2].shape[1] for c in convs)
    assert any(c.args[0].shape[1] != c.args[0].shape[2] for c in convs)  # H_out != W_out


def test_every_simulated_mistake_differs_from_the_answer_where_it_is_offered(checks_and_references):
    checks, references = checks_and_references
    for check, reference in zip(checks, references):
        for mid, alternate in reference["alternates"].items():
            assert allclose(reference["expected"], alternate) is not None, (
                f"{check.name}: {mid} gives the answer itself"
            )


def test_a_backward_pass_answer_is_described_by_its_arrays():
    answer = [np.zeros((2, 5, 4, 3)), np.zeros((3, 2, 3, 2)), np.zeros(2)]
    assert describe(answer) == "a list of 3 arrays: (2, 5, 4, 3) float64, (3, 2, 3, 2) float64, (2,) float64"
    assert describe(["dx", "dw", "db"]) == "a list of 3 items"
