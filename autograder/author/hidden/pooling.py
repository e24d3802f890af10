"""Hidden checks for 03_pooling, following the blind-spot rules: N >= 2, H != W, C >= 2,
ph != pw, H_out != W_out, signed random inputs, the strides=None default, stride 2 on sizes
it does not divide, odd total 'same' padding, all-negative inputs for 'same' max pooling,
uint8 images and read-only inputs."""

from __future__ import annotations

import numpy as np

from ..public.pooling import pool_check
from . import rng


def _checks(function: str, kind: str, student: str) -> list:
    r = rng(f"pooling:{kind}", student)
    signed = r.uniform(-3, 3, size=(3, 9, 10, 2)).astype(np.float32)
    overlapping = r.normal(0, 2, size=(2, 9, 6, 3))
    odd_same = r.uniform(-2, 2, size=(2, 5, 7, 2))
    negative = -r.uniform(0.5, 5, size=(2, 7, 5, 3))
    mixed_strides = r.uniform(-1, 1, size=(2, 6, 7, 2))
    photo = r.integers(0, 256, size=(2, 8, 9, 3), dtype=np.uint8)
    padded = "padding never wins the max" if kind == "max" else "padded cells do not count in the average"
    return [
        pool_check(
            function,
            f"test_{function}_defaults_strides_to_a_rectangular_pool_size",
            "A signed float32 (3, 9, 10, 2) input with pool_size=(2, 3) and no strides: windows move by (2, 3).",
            signed,
            (2, 3),
            hidden=True,
        ),
        pool_check(
            function,
            f"test_{function}_with_stride_2_that_does_not_divide_the_size",
            "A signed (2, 9, 6, 3) input, passed read-only, with pool_size=3 and strides=2: overlapping windows.",
            overlapping,
            3,
            2,
            "valid",
            hidden=True,
            readonly=True,
        ),
        pool_check(
            function,
            f"test_{function}_with_odd_total_same_padding",
            "A signed (2, 5, 7, 2) input, pool_size=4, strides=2, 'same': pad 1 on top/left, 2 at bottom/right.",
            odd_same,
            4,
            2,
            "same",
            hidden=True,
        ),
        pool_check(
            function,
            f"test_{function}_same_on_all_negative_values",
            f"An all-negative (2, 7, 5, 3) input, pool_size=2, 'same': {padded}.",
            negative,
            2,
            None,
            "same",
            hidden=True,
        ),
        pool_check(
            function,
            f"test_{function}_same_with_different_strides_per_axis",
            "A signed (2, 6, 7, 2) input, pool_size=(3, 2), strides=(1, 2), 'same'.",
            mixed_strides,
            (3, 2),
            (1, 2),
            "same",
            hidden=True,
        ),
        pool_check(
            function,
            f"test_{function}_on_a_uint8_image",
            "A uint8 (2, 8, 9, 3) image, pool_size=(3, 2), strides=2, 'same': compute with real numbers, not uint8.",
            photo,
            (3, 2),
            (2, 2),
            "same",
            hidden=True,
        ),
    ]


def hidden_checks(student: str) -> list:
    return _checks("maxpool_manual", "max", student) + _checks("avgpool_manual", "avg", student)
