"""Checks for 06_backprop: im2col, conv2d_backward_manual, maxpool_backward_manual.

The references are answer keys (``autograder.author.keys.backprop``): ``tf.GradientTape`` on a
``Conv2D`` with the given weights and on ``MaxPooling2D``, or a numerical gradient of the same
layers; im2col is a ``Conv2D`` whose one-hot kernel picks the window entries. Each check of
``conv2d_backward_manual`` judges one array of the (dx, dw, db) it returns, so a right dw
earns its points beside a wrong dx.
"""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import allclose
from ...core.plain import describe
from ...core.spec import Check
from .answers import answer

PARTS = ("dx", "dw", "db")
PART_WORDS = {"dx": "dx (the images' gradient)", "dw": "dw (the kernels' gradient)", "db": "db (the biases' gradient)"}


def part_close(expected, actual, part: str = "dx") -> str | None:
    """``allclose`` on one array (``part``) of the (dx, dw, db) the function returned."""
    index = PARTS.index(part)
    if not isinstance(actual, list) or len(actual) != len(PARTS):
        return f"expected a tuple (dx, dw, db) of three arrays, got {describe(actual)}"
    reason = allclose(expected, actual[index])
    return None if reason is None else f"{part}, item {index} of the returned (dx, dw, db): {reason}"


def im2col_check(name, description, images, kernel_size, hidden=False, readonly=False) -> Check:
    """A check of ``im2col``; a wrong column order is simulated as channels-first columns
    (c, u, v) when there are several channels, as a column-by-column window (v, u) otherwise."""
    images = np.asarray(images)
    order = "im2col_channels_first" if images.shape[-1] > 1 else "im2col_window_transposed"
    return Check(
        "im2col",
        name,
        description,
        answer("backprop.im2col"),
        (images, kernel_size),
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes={"axes-swapped": answer(f"backprop.{order}")},
    )


def _conv_mistakes(part, dout, kernels) -> dict:
    """The simulated mistakes that can show on this part and input."""
    kernels = np.asarray(kernels)
    sims = {}
    if part == "dx" and not np.array_equal(kernels, kernels[::-1, ::-1]):
        sims["dx-kernel-not-flipped"] = "kernel_not_flipped"
    if part == "dx" and kernels.shape[0] * kernels.shape[1] > 1:
        sims["gradient-overwritten"] = "windows_overwrite"
    if np.shape(dout)[0] > 1:
        sims["first-item-only"] = "first_item_only"
    if part != "dx":
        sims["mean-instead-of-sum"] = "mean_over_positions"
        sims["batch-not-summed"] = "per_item"
    return {mid: functools.partial(answer("backprop.conv_part"), part=part, sim=sim) for mid, sim in sims.items()}


def conv_checks(
    label, description, dout, images, kernels, parts=PARTS, *, numerical=False, hidden=False, readonly=False
) -> list[Check]:
    """One check of ``conv2d_backward_manual`` per part, named ``test_conv2d_backward_manual_<part>_<label>``;
    the reference is the tape's gradient, or with ``numerical`` the numerical one. ``description``
    is one sentence for every part, or a sentence per part."""
    sim = "conv2d_numerical" if numerical else "conv2d_gradients"
    return [
        Check(
            "conv2d_backward_manual",
            f"test_conv2d_backward_manual_{part}_{label}",
            f"{PART_WORDS[part]}: {description[part] if isinstance(description, dict) else description}",
            functools.partial(answer("backprop.conv_part"), part=part, sim=sim),
            (dout, images, kernels),
            compare=functools.partial(part_close, part=part),
            hidden=hidden,
            readonly=readonly,
            manual=True,
            mistakes=_conv_mistakes(part, dout, kernels),
        )
        for part in parts
    ]


def _pool_mistakes(dout, x, pool_size, strides) -> dict:
    """The simulated mistakes that can show on this input: overwriting only where windows
    overlap, the stride mistakes by whether strides is given, uint8 truncation for integer x."""
    n, _, _, c = np.shape(x)
    sims = {
        "pool-gradient-spread": "spread_gradient",
        "avg-instead-of-max": "avg_gradient",
        "upstream-gradient-ignored": "ones_upstream",
    }
    pool = np.asarray(2 if pool_size is None else pool_size)
    if strides is None:
        sims["pool-stride-one"] = "windows_step_one"
    elif np.any(np.asarray(strides) != 1):
        sims["stride-ignored"] = "windows_step_one"
    if strides is not None and np.any(np.asarray(strides) < pool):
        sims["gradient-overwritten"] = "mask_overwrite"
    if c > 1:
        sims["pool-over-channels"] = "max_over_channels"
    if n > 1:
        sims["first-item-only"] = "pool_first_item_only"
    if np.asarray(x).dtype.kind in "iu" and not np.array_equal(dout, np.trunc(dout)):
        sims["integer-overflow"] = "truncated"
    return {mid: answer(f"backprop.{sim}") for mid, sim in sims.items()}


def pool_check(
    name, description, dout, x, pool_size=None, strides=None, *, numerical=False, hidden=False, readonly=False
) -> Check:
    """A check of ``maxpool_backward_manual``; arguments left None are not passed (the
    student's defaults are used)."""
    kwargs = {k: v for k, v in (("pool_size", pool_size), ("strides", strides)) if v is not None}
    return Check(
        "maxpool_backward_manual",
        name,
        description,
        answer("backprop.maxpool_numerical" if numerical else "backprop.maxpool_gradient"),
        (dout, x),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes=_pool_mistakes(dout, x, pool_size, strides),
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240506)

    def signed(*shape):
        return rng.uniform(-1, 1, size=shape)

    overlapping = signed(1, 7, 6, 2)
    overlapping[0, 2, 2, :] = 5.0  # the maximum of all four windows that share it
    distinct = rng.permutation(256)[:24].astype(np.uint8).reshape(1, 4, 6, 1)
    return [
        im2col_check(
            "test_im2col_on_the_d2l_example",
            "im2col(arange(9).reshape(1, 3, 3, 1), (2, 2))[0] is [[[0, 1, 3, 4], [1, 2, 4, 5]], [[3, 4, 6, 7], [4, 5, 7, 8]]].",
            np.arange(9.0).reshape(1, 3, 3, 1),
            (2, 2),
        ),
        im2col_check(
            "test_im2col_orders_each_column_like_the_kernel_reshape",
            "arange(24).reshape(1, 3, 4, 2) with a (2, 3) window: column [0, 0, 0] is "
            "[0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13], row u, then column v, then channel c.",
            np.arange(24).reshape(1, 3, 4, 2),
            (2, 3),
        ),
        im2col_check(
            "test_im2col_times_the_kernel_matrix_is_conv2d",
            "A signed (2, 5, 4, 3) batch with kernel_size=3 gives (2, 3, 2, 27) columns; "
            "cols @ kernel.reshape(27, F) is then Conv2D(F, 3)'s output.",
            signed(2, 5, 4, 3),
            3,
        ),
        *conv_checks(
            "of_the_worked_example",
            {
                part: f"arange(9) as a 3x3 image, the kernel [[0, 1], [2, 3]] and dout of ones give {part} = {value}."
                for part, value in (
                    ("dx", "[[0, 1, 1], [2, 6, 4], [2, 5, 3]]"),
                    ("dw", "[[8, 12], [20, 24]]"),
                    ("db", "[4]"),
                )
            },
            np.ones((1, 2, 2, 1)),
            np.arange(9.0).reshape(1, 3, 3, 1),
            np.array([[0.0, 1.0], [2.0, 3.0]]).reshape(2, 2, 1, 1),
        ),
        *conv_checks(
            "on_a_batch_of_two_rgb_images",
            "Two signed 5x4 RGB images, two (3, 2) filters, a signed dout (2, 3, 3, 2).",
            signed(2, 3, 3, 2),
            signed(2, 5, 4, 3),
            signed(3, 2, 3, 2),
        ),
        *conv_checks(
            "agrees_with_a_numerical_gradient",
            "Central differences of sum(Conv2D(x) * dout) on two 4x6 images with two channels and three (2, 3) filters.",
            signed(2, 3, 4, 3),
            signed(2, 4, 6, 2),
            signed(2, 3, 2, 3),
            parts=("dx", "dw"),
            numerical=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_routes_to_the_max_on_the_seed_example",
            "x = arange(16).reshape(1, 4, 4, 1), dout = [[1, 2], [3, 4]]: dx is 0 except 1, 2, 3, 4 "
            "at the maxima 5, 7, 13, 15.",
            np.arange(1.0, 5.0).reshape(1, 2, 2, 1),
            np.arange(16).reshape(1, 4, 4, 1),
        ),
        pool_check(
            "test_maxpool_backward_manual_defaults_strides_to_the_pool_size",
            "A signed (2, 6, 7, 3) input, pool_size=(2, 3) and no strides: windows move by (2, 3); "
            "the last column is in no window and gets 0.",
            signed(2, 3, 2, 3),
            signed(2, 6, 7, 3),
            (2, 3),
        ),
        pool_check(
            "test_maxpool_backward_manual_adds_where_windows_overlap",
            "pool_size=3, strides=2 on a (1, 7, 6, 2) input whose x[0, 2, 2] is the maximum of four "
            "windows: it gets the sum of their four dout values.",
            signed(1, 3, 2, 2),
            overlapping,
            3,
            2,
        ),
        pool_check(
            "test_maxpool_backward_manual_agrees_with_a_numerical_gradient",
            "Central differences of sum(MaxPooling2D(x) * dout) on a signed (2, 5, 7, 2) input, "
            "pool_size=2, strides=1.",
            signed(2, 4, 6, 2),
            signed(2, 5, 7, 2),
            2,
            1,
            numerical=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_on_a_uint8_feature_map",
            "A uint8 x (1, 4, 6, 1) of distinct values and dout with decimals: dx must be a float array.",
            rng.uniform(0.5, 9.5, size=(1, 2, 3, 1)),
            distinct,
        ),
    ]
