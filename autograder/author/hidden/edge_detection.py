"""Hidden checks for 05_edge_detection, following the blind-spot rules: H != W,
kh != kw, H_out != W_out, uint8 images whose edges are negative, signed float
images, non-zero bias, read-only inputs, float32 inputs."""

from __future__ import annotations

import numpy as np

from ..public.edge_detection import HORIZONTAL, VERTICAL, edge_check, learn_check, sobel_check
from . import rng


def hidden_checks(student: str) -> list:
    r = rng("edge_detection", student)
    photo = r.integers(0, 256, size=(7, 9), dtype=np.uint8)
    photo_kernel = np.array([[-2, 0, 1], [-1, 3, -1]])  # asymmetric, integer, sums to 0
    signed = r.uniform(-2, 2, size=(7, 5))
    signed_kernel = r.uniform(-1, 1, size=(3, 2))
    single = r.uniform(0, 1, size=(6, 9)).astype(np.float32)
    sobel_photo = r.integers(0, 256, size=(8, 11), dtype=np.uint8)
    sobel_signed = r.uniform(-3, 3, size=(9, 6))
    return [
        edge_check(
            "test_detect_edges_on_a_uint8_photo_with_negative_edges",
            "A uint8 7x9 photo with [[-1, 1], [-1, 1]]: bright-to-dark edges are negative, beyond uint8's range.",
            photo,
            VERTICAL.astype(np.int64),
            hidden=True,
        ),
        edge_check(
            "test_detect_edges_on_a_uint8_photo_with_an_integer_kernel_and_bias",
            "A uint8 7x9 photo, an asymmetric integer (2, 3) kernel and bias -2 give a 6x7 map with negative values.",
            photo,
            photo_kernel,
            -2.0,
            hidden=True,
        ),
        edge_check(
            "test_detect_edges_on_a_signed_image_with_read_only_inputs",
            "A signed 7x5 image and an asymmetric (3, 2) kernel, passed read-only, with bias 1.25.",
            signed,
            signed_kernel,
            1.25,
            hidden=True,
            readonly=True,
        ),
        edge_check(
            "test_detect_edges_on_a_float32_image_with_negative_bias",
            "A float32 6x9 image with [[-1, -1], [1, 1]] and bias -0.75.",
            single,
            HORIZONTAL.copy(),
            -0.75,
            hidden=True,
        ),
        sobel_check(
            "test_sobel_magnitude_on_a_uint8_photo",
            "A uint8 8x11 photo: gx and gy range far beyond 0..255, the magnitude is a 6x9 float map.",
            sobel_photo,
            hidden=True,
        ),
        sobel_check(
            "test_sobel_magnitude_on_a_signed_image_with_read_only_input",
            "A signed 9x6 image, passed read-only.",
            sobel_signed,
            hidden=True,
            readonly=True,
        ),
        learn_check(
            "test_learn_kernel_recovers_a_2x3_kernel",
            "From 5 signed 7x10 images and their 6x8 feature maps, recover a random (2, 3) kernel within 0.05.",
            r.uniform(-1, 1, size=(5, 7, 10)),
            r.uniform(-1, 1, size=(2, 3)),
            hidden=True,
        ),
        learn_check(
            "test_learn_kernel_recovers_a_3x2_kernel_from_read_only_images",
            "From 4 random 10x8 images in [0, 1] (passed read-only), recover a random (3, 2) kernel within 0.05.",
            r.uniform(0, 1, size=(4, 10, 8)),
            r.uniform(-1.5, 1.5, size=(3, 2)),
            hidden=True,
            readonly=True,
        ),
    ]
