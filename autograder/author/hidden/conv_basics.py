"""Hidden checks for 01_conv_basics, following the blind-spot rules: H != W,
kh != kw, C >= 2, signed inputs, non-zero bias, uint8 images, read-only inputs,
sizes the stride does not divide, odd total 'same' padding, NumPy integers."""

from __future__ import annotations

import numpy as np

from ..public.conv_basics import (
    LECTURE_TEST3_IMAGE,
    LECTURE_TEST3_KERNEL,
    conv_check,
    shape_check,
    step_check,
    weight_check,
)
from . import rng


def hidden_checks(student: str) -> list:
    r = rng("conv_basics", student)
    gray = r.uniform(-2, 2, size=(7, 5))
    kernel_2d = r.uniform(-1, 1, size=(2, 3))
    color = r.uniform(-1, 1, size=(6, 8, 4))
    kernel_3d = r.uniform(-1, 1, size=(3, 2, 4))
    photo = r.integers(0, 256, size=(6, 7), dtype=np.uint8)
    edge = np.array([[-1, 1], [-1, 1]], dtype=np.int64)
    return [
        shape_check(
            "test_conv_output_shape_when_the_stride_does_not_divide",
            "A valid stride-3 convolution of a 10x8 input with a (4, 3) kernel.",
            (2, 10, 8, 3),
            5,
            (4, 3),
            strides=3,
            hidden=True,
        ),
        shape_check(
            "test_conv_output_shape_with_odd_same_padding",
            "'same' padding with a 4x4 kernel and stride 2 on a 5x7 input.",
            (3, 5, 7, 2),
            4,
            4,
            strides=(2, 2),
            padding="same",
            hidden=True,
        ),
        shape_check(
            "test_conv_output_shape_with_numpy_integers",
            "Sizes given as np.int64 count as plain integers.",
            (np.int64(2), np.int64(12), np.int64(9), np.int64(3)),
            np.int64(7),
            (np.int64(5), np.int64(2)),
            hidden=True,
        ),
        weight_check(
            "test_conv_weight_shapes_with_more_channels_than_filters",
            "7 input channels and 2 filters of size (3, 1).",
            7,
            2,
            (3, 1),
            hidden=True,
        ),
        step_check(
            "test_conv_single_step_on_a_wide_window",
            "A signed (2, 5) window, an asymmetric kernel and a negative bias.",
            r.uniform(-2, 2, size=(2, 5)),
            r.uniform(-1, 1, size=(2, 5)),
            -0.6,
            hidden=True,
        ),
        step_check(
            "test_conv_single_step_with_a_0d_bias_on_read_only_integers",
            "A read-only integer (3, 2, 3) window and kernel, the bias given as a 0-d array.",
            r.integers(-5, 6, size=(3, 2, 3)),
            r.integers(-3, 4, size=(3, 2, 3)),
            np.array(0.75),
            hidden=True,
            readonly=True,
        ),
        step_check(
            "test_conv_single_step_on_a_uint8_color_window",
            "A uint8 (2, 2, 3) window and a signed float kernel.",
            r.integers(0, 256, size=(2, 2, 3), dtype=np.uint8),
            r.uniform(-1, 1, size=(2, 2, 3)),
            0.25,
            hidden=True,
        ),
        conv_check(
            "test_conv2d_manual_on_the_example_computed_by_hand",
            "The lecture's Conv2D test 3 (the prediction of section 3).",
            LECTURE_TEST3_IMAGE,
            LECTURE_TEST3_KERNEL,
            hidden=True,
        ),
        conv_check(
            "test_conv2d_manual_on_a_rectangular_gray_image",
            "A signed 7x5 image, an asymmetric (2, 3) kernel and bias 1.5.",
            gray,
            kernel_2d,
            1.5,
            hidden=True,
        ),
        conv_check(
            "test_conv2d_manual_on_four_channels_with_read_only_inputs",
            "A (6, 8, 4) image and a (3, 2, 4) kernel, passed read-only, bias -0.75.",
            color,
            kernel_3d,
            -0.75,
            hidden=True,
            readonly=True,
        ),
        conv_check(
            "test_conv2d_manual_on_a_uint8_image",
            "A uint8 photo with the integer edge kernel [[-1, 1], [-1, 1]]: results are negative too.",
            photo,
            edge,
            hidden=True,
        ),
    ]
