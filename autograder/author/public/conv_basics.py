"""Checks for 01_conv_basics: conv_output_shape, conv_weight_shapes, conv_single_step, conv2d_manual,
predict_test3."""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import equal, values_close
from ...core.spec import Check
from .answers import answer

# References and simulated mistakes are answer keys (``autograder.author.keys.conv_basics``).
SHAPE_MISTAKES = {
    "off-by-one-size": answer("conv_basics.shape_no_plus_one"),
    "stride-ignored": answer("conv_basics.shape_stride_ignored"),
    "axes-swapped": answer("conv_basics.shape_hw_swapped"),
}
WEIGHT_MISTAKES = {"axes-swapped": answer("conv_basics.weights_channels_first")}
CONV_MISTAKES = {
    "flipped-kernel": answer("conv_basics.conv_flipped"),
    "missing-bias": answer("conv_basics.conv_no_bias"),
    "bias-per-channel": answer("conv_basics.conv_bias_per_channel"),
    "bias-per-element": answer("conv_basics.conv_bias_per_element"),
    "mean-instead-of-sum": answer("conv_basics.conv_mean"),
    "integer-overflow": answer("conv_basics.conv_stored_in_uint8"),
}


def shape_check(name, description, *args, hidden=False, **kwargs) -> Check:
    return Check(
        "conv_output_shape",
        name,
        description,
        answer("conv_basics.conv_output_shape"),
        args,
        kwargs,
        compare=equal,
        hidden=hidden,
        mistakes=SHAPE_MISTAKES,
    )


def weight_check(name, description, *args, hidden=False) -> Check:
    return Check(
        "conv_weight_shapes",
        name,
        description,
        answer("conv_basics.conv_weight_shapes"),
        args,
        compare=equal,
        hidden=hidden,
        mistakes=WEIGHT_MISTAKES,
    )


STEP_MISTAKES = {
    "flipped-kernel": answer("conv_basics.step_flipped"),
    "missing-bias": answer("conv_basics.step_no_bias"),
    "bias-per-element": answer("conv_basics.step_bias_per_element"),
    "mean-instead-of-sum": answer("conv_basics.step_mean"),
}


def step_check(name, description, window, kernel, bias=None, hidden=False, readonly=False) -> Check:
    """A conv_single_step check: the answer must be a number (a 0-d array counts as one, a (1, 1)
    array does not), compared within float32 tolerance."""
    kwargs = {} if bias is None else {"bias": bias}
    return Check(
        "conv_single_step",
        name,
        description,
        answer("conv_basics.conv_single_step"),
        (window, kernel),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        mistakes=STEP_MISTAKES,
        manual=True,
    )


def step_checks() -> list[Check]:
    rng = np.random.default_rng(20240511)
    return [
        step_check(
            "test_conv_single_step_on_the_worked_example",
            "conv_single_step(arange(9).reshape(3, 3)[:2, :2], [[0, 1], [2, 3]]) is 0·0 + 1·1 + 3·2 + 4·3 = 19, "
            "a number (not a (1, 1) array).",
            np.array([[0.0, 1.0], [3.0, 4.0]]),
            np.array([[0.0, 1.0], [2.0, 3.0]]),
        ),
        step_check(
            "test_conv_single_step_adds_the_bias_once_after_the_sum",
            "A signed (2, 3) window, an asymmetric (2, 3) kernel and bias 0.5: the bias is added once, after the sum.",
            rng.uniform(-1, 1, size=(2, 3)),
            rng.uniform(-1, 1, size=(2, 3)),
            0.5,
        ),
        step_check(
            "test_conv_single_step_sums_over_the_channels_of_read_only_arrays",
            "A (3, 2, 4) window and kernel, passed read-only (writing into them raises), bias -1.25: one number, "
            "the sum over rows, columns and all 4 channels, plus the bias once.",
            rng.uniform(-1, 1, size=(3, 2, 4)),
            rng.uniform(-1, 1, size=(3, 2, 4)),
            -1.25,
            readonly=True,
        ),
        step_check(
            "test_conv_single_step_on_a_uint8_window",
            "A uint8 window [[10, 200], [10, 200]] and the kernel [[1, -1], [1, -1]]: -380, below uint8's 0..255.",
            np.array([[10, 200], [10, 200]], dtype=np.uint8),
            np.array([[1, -1], [1, -1]]),
        ),
    ]


def predict_check() -> Check:
    """The prediction of the lecture's Conv2D test 3, graded by value."""
    return Check(
        "predict_test3",
        "test_predict_test3_gives_the_nine_outputs_of_the_lecture_example",
        "predict_test3() returns the 3x3 output of the lecture's Conv2D test 3, worked out by hand.",
        functools.partial(answer("conv_basics.conv2d_single"), LECTURE_TEST3_IMAGE, LECTURE_TEST3_KERNEL),
        compare=values_close,
        points=2.0,
    )


def conv_check(name, description, image, kernel, bias=None, hidden=False, readonly=False) -> Check:
    kwargs = {} if bias is None else {"bias": bias}
    return Check(
        "conv2d_manual",
        name,
        description,
        answer("conv_basics.conv2d_single"),
        (image, kernel),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        mistakes=CONV_MISTAKES,
        manual=True,
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240501)
    rgb = rng.uniform(-1, 1, size=(6, 5, 3))
    rgb_kernel = rng.uniform(-1, 1, size=(3, 2, 3))
    checks = [
        shape_check(
            "test_conv_output_shape_of_the_lecture_example",
            "conv_output_shape((1, 28, 28, 1), 1, 3) is (1, 26, 26, 1): 28 - 3 + 1 = 26.",
            (1, 28, 28, 1),
            1,
            3,
        ),
        shape_check(
            "test_conv_output_shape_counts_filters_and_keeps_the_batch",
            "conv_output_shape((32, 28, 28, 5), 10, 3) is (32, 26, 26, 10).",
            (32, 28, 28, 5),
            10,
            3,
        ),
        shape_check(
            "test_conv_output_shape_with_stride_2_and_same_padding",
            "conv_output_shape((4, 9, 7, 3), 6, (3, 2), strides=2, padding='same') is (4, 5, 4, 6): ceil(9/2), ceil(7/2).",
            (4, 9, 7, 3),
            6,
            (3, 2),
            strides=2,
            padding="same",
        ),
        shape_check(
            "test_conv_output_shape_floors_when_the_stride_does_not_divide",
            "conv_output_shape((2, 8, 7, 3), 4, 3, strides=(2, 3)) is (2, 3, 2, 4): (8 - 3) // 2 + 1 = 3 and "
            "(7 - 3) // 3 + 1 = 2 round down, so the last row and column are never used.",
            (2, 8, 7, 3),
            4,
            3,
            strides=(2, 3),
        ),
        weight_check(
            "test_conv_weight_shapes_of_the_lecture_example",
            "conv_weight_shapes(5, 10, 3) is ((3, 3, 5, 10), (10,)), as Conv2D(10, 3) built on 5 channels.",
            5,
            10,
            3,
        ),
        weight_check(
            "test_conv_weight_shapes_with_a_rectangular_kernel",
            "conv_weight_shapes(3, 4, (2, 5)) is ((2, 5, 3, 4), (4,)).",
            3,
            4,
            (2, 5),
        ),
        conv_check(
            "test_conv2d_manual_on_the_worked_example",
            "conv2d_manual(arange(9).reshape(3, 3), [[0, 1], [2, 3]]) is [[19, 25], [37, 43]].",
            np.arange(9.0).reshape(3, 3),
            np.array([[0.0, 1.0], [2.0, 3.0]]),
        ),
        conv_check(
            "test_conv2d_manual_adds_the_bias_once",
            "A 5x5 image, a 3x3 kernel and bias 0.5 give Conv2D(1, 3)'s 3x3 output.",
            rng.uniform(0, 1, size=(5, 5)),
            rng.uniform(-1, 1, size=(3, 3)),
            0.5,
        ),
        conv_check(
            "test_conv2d_manual_sums_over_three_channels",
            "A (6, 5, 3) image and an asymmetric (3, 2, 3) kernel with bias -0.25, both read-only, give a (4, 4) output.",
            rgb,
            rgb_kernel,
            -0.25,
            readonly=True,
        ),
        conv_check(
            "test_conv2d_manual_keeps_the_negative_edges_of_a_uint8_image",
            "A uint8 image whose columns go 10, 10, 200, 200, 10 with the integer kernel [[1, -1], [1, -1]]: "
            "the edges are -380 and +380, beyond uint8's 0..255, so compute in floating point.",
            np.tile(np.array([10, 10, 200, 200, 10], dtype=np.uint8), (4, 1)),
            np.array([[1, -1], [1, -1]]),
        ),
    ]
    return checks[:6] + step_checks() + checks[6:] + lecture_conv2d_tests() + [predict_check()]


# ----------------------------------------------------------------------------------------------
# The lecture's Conv2D tests 2, 3 and 6, which notebook 01 works through (prediction first, then
# Keras with set_weights); its tests 4 and 5 take a batch or several filters and are in filters.py.
# Test 3 is what predict_test3 asks for: no visible check shows its outputs (a hidden check runs
# conv2d_manual on it).

# Test 2's 3x3 kernel and test 6's first filter, (2, 2, 3), as the lecture printed them.
LECTURE_TEST2_KERNEL = np.array(
    [
        [-0.08676198, -0.1595147, -0.13450584],
        [-0.4105929, -0.38366908, 0.07744962],
        [-0.09255642, 0.4915564, 0.20828158],
    ]
)
LECTURE_TEST3_IMAGE = np.array(
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]], dtype=np.float64
)
LECTURE_TEST3_KERNEL = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=np.float64)
LECTURE_TEST6_FILTER = np.array(
    [
        [[-0.06956434, -0.30761963, 0.16699678], [0.28664726, -0.23161241, -0.14245945]],
        [[0.02764335, 0.22414821, 0.4610079], [-0.1620284, 0.37925082, -0.30264795]],
    ]
)


def lecture_conv2d_tests() -> list[Check]:
    return [
        conv_check(
            "test_conv2d_manual_on_arange_25_with_a_3x3_kernel",
            "The lecture's Conv2D test 2: arange(25) as a 5x5 image and its 3x3 kernel give a 3x3 output whose "
            "top-left value is sum(image[:3, :3] * kernel) = 2.7396.",
            np.arange(25.0).reshape(5, 5),
            LECTURE_TEST2_KERNEL,
        ),
        conv_check(
            "test_conv2d_manual_adds_the_red_green_and_blue_sums",
            "The lecture's Conv2D test 6: a 2x2 RGB image of ones and a (2, 2, 3) filter give one number, the sum "
            "of all 12 weights (w_red, w_green and w_blue together): 0.3298.",
            np.ones((2, 2, 3)),
            LECTURE_TEST6_FILTER,
        ),
    ]
