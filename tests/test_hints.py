"""The feedback's advice works: each hint that states a computation, applied as it says to the
notebooks' own array layouts, gives Keras's answer. (A hint that told students to reduce a
(N, ph, pw, C) window over axis=(0, 1) once broke working code.) Also the answer key of
pad_same, which is not a Keras layer itself, against Keras's 'same' layers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.author import references as ref
from autograder.author.keys import filters as filter_keys
from autograder.judge.misconceptions import CATALOGUE, WORDING

AXES = re.compile(r"window\.(max|mean)\(axis=\((\d), (\d)\)")

HINTS_WITH_AXES = [
    ("pool-over-channels", "", "max"),
    ("pool-over-channels", "", "avg"),
    ("avg-instead-of-max", "", "max"),
    ("max-instead-of-avg", "", "avg"),
    ("pool-over-channels", "maxpool_backward_manual", "max"),
]
"""(id, function whose wording it is, "" for the catalogue's; the pooling whose window the hint
is about). Every hint that names axes must be listed here (see the last test)."""


def _hint(mid: str, function: str) -> str:
    return (WORDING.get(function, {}).get(mid) or CATALOGUE[mid])[1]


def _windows(x: np.ndarray, pool: int):
    """The notebooks' windows x[:, i*s : i*s+p, j*s : j*s+p, :] of a valid pool with stride = pool."""
    rows, cols = x.shape[1] // pool, x.shape[2] // pool
    return [[x[:, i * pool : i * pool + pool, j * pool : j * pool + pool, :] for j in range(cols)] for i in range(rows)]


@pytest.mark.parametrize(("mid", "function", "kind"), HINTS_WITH_AXES)
def test_the_axes_a_pooling_hint_names_give_keras_on_the_notebooks_window_layout(mid, function, kind):
    hint = _hint(mid, function)
    reductions = AXES.findall(hint) or re.findall(r"axis=\((\d), (\d)\)", hint)
    assert reductions, f"no axes found in the hint of {mid}: {hint}"
    axes = tuple(int(a) for a in reductions[0][-2:])
    reduce = np.max if kind == "max" else np.mean
    x = np.random.default_rng(7).uniform(-1, 1, size=(2, 6, 4, 3))  # N=2, H != W, C=3
    advised = np.array([[reduce(w, axis=axes) for w in row] for row in _windows(x, 2)])  # (H_out, W_out, N, C)
    assert np.allclose(np.transpose(advised, (2, 0, 1, 3)), ref.pool2d(x, kind, 2), atol=1e-6), hint


def test_every_hint_that_names_axes_is_applied_above():
    tables = [("", CATALOGUE), *WORDING.items()]
    named = {(mid, function) for function, table in tables for mid, (_, hint) in table.items() if "axis=(" in hint}
    applied = {(mid, function) for mid, function, _ in HINTS_WITH_AXES} | set(BIAS_GRADIENT_HINTS)
    assert named <= applied, named - applied


BIAS_GRADIENT_HINTS = [("batch-not-summed", ""), ("mean-instead-of-sum", "conv2d_backward_manual")]
"""Hints that say how db is summed from dout, whose layout is the forward output's (N, H_out, W_out, F)."""


@pytest.mark.parametrize(("mid", "function"), BIAS_GRADIENT_HINTS)
def test_the_bias_gradient_a_hint_states_is_the_tapes(mid, function):
    import tensorflow as tf

    axes = tuple(
        int(a) for a in re.search(r"dout\.sum\(axis=\(([\d, ]+)\)\)", _hint(mid, function)).group(1).split(",")
    )
    rng = np.random.default_rng(3)
    x = tf.constant(rng.uniform(-1, 1, size=(2, 6, 5, 2)), tf.float32)
    dout = rng.uniform(-1, 1, size=(2, 4, 4, 3)).astype(np.float32)
    layer = tf.keras.layers.Conv2D(3, (3, 2))
    layer.build(x.shape)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) * dout)
    db = tape.gradient(loss, layer.bias).numpy()
    assert np.allclose(dout.sum(axis=axes), db, atol=1e-5)


def _same_split(size: int, k: int, s: int) -> tuple[int, int]:
    """The split the same-padding-symmetric and pad_same hints state: H_out = ceil(H / s),
    total = max((H_out - 1) * s + k - H, 0), top = total // 2, bottom = total - top."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def test_the_padding_hints_state_the_split_they_are_checked_with():
    assert "top = total // 2 and bottom = total - top" in _hint("same-padding-symmetric", "")
    assert "max((H_out - 1) * stride + k - H, 0)" in _hint("stride-ignored", "pad_same")


@pytest.mark.parametrize(("h", "w", "k", "s"), [(5, 5, (4, 4), (2, 2)), (7, 5, (4, 2), (2, 3)), (6, 9, (2, 1), (3, 2))])
def test_the_hinted_split_and_the_pad_same_key_give_kerass_same_layers(h, w, k, s):
    rng = np.random.default_rng(h * w)
    x = rng.uniform(-1, 1, size=(2, h, w, 2))
    kernel = rng.uniform(-1, 1, size=(*k, 2, 3))
    (top, bottom), (left, right) = _same_split(h, k[0], s[0]), _same_split(w, k[1], s[1])
    hinted = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    same = ref.conv2d(x, kernel, np.zeros(3), s, "same")
    assert np.allclose(ref.conv2d(hinted, kernel, np.zeros(3), s, "valid"), same, atol=1e-5)
    key = filter_keys.pad_same(x, k, s)
    assert np.allclose(ref.conv2d(key, kernel, np.zeros(3), s, "valid"), same, atol=1e-5)
    negative = -np.abs(x)  # all negative: a zero border would win the max
    padded = filter_keys.pad_same(negative, k, s, value=-np.inf)
    assert np.allclose(ref.pool2d(padded, "max", k, s, "valid"), ref.pool2d(negative, "max", k, s, "same"))


def test_the_output_size_hints_give_kerass_shapes():
    hint = _hint("off-by-one-size", "")
    assert "(H - kh) // stride + 1" in hint and "ceil(H / stride)" in hint
    for h, k, s in [(8, 3, 2), (7, 3, 2), (5, 4, 2), (10, 4, 3), (11, 2, 1)]:
        assert ref.conv_output_shape((1, h, h, 1), 1, k, s, "valid")[1] == (h - k) // s + 1
        assert ref.conv_output_shape((1, h, h, 1), 1, k, s, "same")[1] == -(-h // s)
