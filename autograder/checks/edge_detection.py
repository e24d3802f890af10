"""Checks for 05_edge_detection: vertical_edge_kernel, horizontal_edge_kernel,
detect_edges, sobel_magnitude, learn_kernel."""

from __future__ import annotations

import numpy as np

from .. import references as ref
from ..answers import answer
from ..compare import allclose, within
from ..spec import Check

VERTICAL = np.array([[-1.0, 1.0], [-1.0, 1.0]])
"""Seed 004's filter: right column minus left column (dark -> bright from left to right is +2)."""
HORIZONTAL = VERTICAL.T
"""Bottom row minus top row (dark -> bright from top to bottom is +2)."""
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
SOBEL_Y = SOBEL_X.T


# References (module-level: checks are pickled to other processes).
def vertical_kernel() -> np.ndarray:
    """The vertical-edge kernel [[-1, 1], [-1, 1]]."""
    return VERTICAL.copy()


def horizontal_kernel() -> np.ndarray:
    """The horizontal-edge kernel [[-1, -1], [1, 1]]."""
    return HORIZONTAL.copy()


def edges(image, kernel, bias=0.0) -> np.ndarray:
    """``Conv2D(1, kernel.shape)`` with weights ``kernel`` and ``[bias]`` on one gray image."""
    return ref.conv2d_single(image, np.asarray(kernel, dtype=np.float64), bias)


def sobel(image) -> np.ndarray:
    """sqrt(gx**2 + gy**2), gx and gy the two feature maps of ``Conv2D(2, 3)`` with kernels kx and ky."""
    kernel = np.stack([SOBEL_X, SOBEL_Y], axis=-1)[:, :, None, :]  # (3, 3, 1, 2)
    maps = ref.conv2d(np.asarray(image)[None, :, :, None], kernel, np.zeros(2)).astype(np.float64)
    return np.sqrt(maps[0, :, :, 0] ** 2 + maps[0, :, :, 1] ** 2)


def windows(X, kernel_shape) -> np.ndarray:
    """(N, H_out, W_out, kh, kw): every valid window of every image."""
    return np.lib.stride_tricks.sliding_window_view(np.asarray(X, dtype=np.float64), tuple(kernel_shape), axis=(1, 2))


def cross_correlate(X, kernel) -> np.ndarray:
    """Valid cross-correlation of each image in X (N, H, W) with ``kernel``: the targets Y of learn_kernel."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return np.einsum("nijuv,uv->nij", windows(X, kernel.shape), kernel)


least_squares_kernel = answer("least_squares_kernel")
"""The kernel that maps X to Y exactly (an answer to learn_kernel: hidden package)."""


def kernel_values(expected, actual) -> str | None:
    """Exact values; a nested list of numbers counts as the array it spells."""
    if isinstance(actual, list):
        try:
            actual = np.asarray(actual, dtype=np.float64)
        except (TypeError, ValueError):
            pass
    return allclose(expected, actual, atol=0.0, rtol=0.0)


# Simulated mistakes: what each mistake gives on the same input.
def _vertical_swapped() -> np.ndarray:
    return HORIZONTAL.copy()


def _horizontal_swapped() -> np.ndarray:
    return VERTICAL.copy()


def _edges_flipped(image, kernel, bias=0.0):
    return edges(image, np.asarray(kernel)[::-1, ::-1], bias)


def _edges_no_bias(image, kernel, bias=0.0):
    return edges(image, kernel, 0.0)


def _edges_wrapped(image, kernel, bias=0.0):
    """Results stored in (or computed with) the uint8 image's own dtype wrap modulo 256."""
    out = edges(image, kernel, bias)
    if np.asarray(image).dtype.kind not in "iu":
        return out
    return np.mod(np.trunc(out), 256)


def _sobel_mean(image):
    return sobel(image) / 9.0


def _sobel_wrapped(image):
    """Slices of a uint8 image subtracted in uint8 (gx, gy wrap modulo 256), squared and summed
    in uint8 as well; np.sqrt of a uint8 array is float16."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        return sobel(image)
    kernel = np.stack([SOBEL_X, SOBEL_Y], axis=-1)[:, :, None, :]
    maps = np.rint(ref.conv2d(image[None, :, :, None], kernel, np.zeros(2))).astype(np.int64)
    gx, gy = (np.mod(maps[0, :, :, f], 256).astype(np.uint8) for f in (0, 1))
    return np.sqrt(gx**2 + gy**2)


def _kernel_flipped(X, Y, kernel_shape):
    return least_squares_kernel(X, Y, kernel_shape)[::-1, ::-1]


EDGE_MISTAKES = {
    "flipped-kernel": _edges_flipped,
    "missing-bias": _edges_no_bias,
    "integer-overflow": _edges_wrapped,
}
SOBEL_MISTAKES = {"mean-instead-of-sum": _sobel_mean, "integer-overflow": _sobel_wrapped}
LEARN_MISTAKES = {"flipped-kernel": _kernel_flipped}


def edge_check(name, description, image, kernel, bias=None, hidden=False, readonly=False) -> Check:
    kwargs = {} if bias is None else {"bias": bias}
    return Check(
        "detect_edges",
        name,
        description,
        edges,
        (image, kernel),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        mistakes=EDGE_MISTAKES,
    )


def sobel_check(name, description, image, hidden=False, readonly=False) -> Check:
    return Check(
        "sobel_magnitude",
        name,
        description,
        sobel,
        (image,),
        hidden=hidden,
        readonly=readonly,
        mistakes=SOBEL_MISTAKES,
    )


def learn_check(name, description, X, kernel, hidden=False, readonly=False) -> Check:
    """Y is made from X with ``kernel`` here, so the student gets inputs and outputs only."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return Check(
        "learn_kernel",
        name,
        description,
        least_squares_kernel,
        (X, cross_correlate(X, kernel), kernel.shape),
        compare=within(0.05),
        hidden=hidden,
        readonly=readonly,
        mistakes=LEARN_MISTAKES,
        timeout=60.0,
    )


def half_dark(h=6, w=6, edge=3) -> np.ndarray:
    """Seed 004's image: 0 (dark) left of column ``edge``, 1 (bright) from it on."""
    image = np.zeros((h, w))
    image[:, edge:] = 1.0
    return image


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240505)
    band = np.zeros((5, 7))
    band[1:4, :] = 1.0  # a bright horizontal band in rows 1-3
    return [
        Check(
            "vertical_edge_kernel",
            "test_vertical_edge_kernel_is_the_seed_filter",
            "vertical_edge_kernel() is [[-1, 1], [-1, 1]]: right column minus left column.",
            vertical_kernel,
            compare=kernel_values,
            mistakes={"axes-swapped": _vertical_swapped},
        ),
        Check(
            "horizontal_edge_kernel",
            "test_horizontal_edge_kernel_is_the_transposed_filter",
            "horizontal_edge_kernel() is [[-1, -1], [1, 1]]: bottom row minus top row.",
            horizontal_kernel,
            compare=kernel_values,
            mistakes={"axes-swapped": _horizontal_swapped},
        ),
        edge_check(
            "test_detect_edges_finds_the_seed_vertical_edge",
            "The seed's 6x6 half-dark image with [[-1, 1], [-1, 1]] and bias 0 gives a 5x5 map with a column of 2s.",
            half_dark(),
            VERTICAL.copy(),
        ),
        edge_check(
            "test_detect_edges_finds_horizontal_edges_with_their_signs",
            "A 5x7 image with a bright band in rows 1-3 and [[-1, -1], [1, 1]]: a row of 2s at the band's top edge, "
            "a row of -2s at its bottom edge.",
            band,
            HORIZONTAL.copy(),
        ),
        edge_check(
            "test_detect_edges_adds_the_bias_once",
            "A random 5x6 image, an asymmetric (3, 2) kernel and bias 0.5 give Conv2D(1, (3, 2))'s 3x5 output.",
            rng.uniform(0, 1, size=(5, 6)),
            rng.uniform(-1, 1, size=(3, 2)),
            0.5,
        ),
        sobel_check(
            "test_sobel_magnitude_of_a_vertical_step",
            "A 5x6 image, 0 left of column 3 and 1 from it on: next to the step gx = 4, gy = 0, magnitude 4.",
            half_dark(5, 6),
        ),
        sobel_check(
            "test_sobel_magnitude_of_a_random_image",
            "A random 6x7 image gives sqrt(gx**2 + gy**2), a 4x5 map.",
            rng.uniform(0, 1, size=(6, 7)),
        ),
        learn_check(
            "test_learn_kernel_recovers_the_vertical_edge_kernel",
            "From 8 random 8x8 images and their feature maps, recover [[-1, 1], [-1, 1]] within 0.05.",
            rng.uniform(0, 1, size=(8, 8, 8)),
            VERTICAL,
        ),
        learn_check(
            "test_learn_kernel_recovers_a_random_3x3_kernel",
            "From 6 random signed 9x9 images and their 7x7 feature maps, recover a random 3x3 kernel within 0.05.",
            rng.uniform(-1, 1, size=(6, 9, 9)),
            rng.uniform(-1, 1, size=(3, 3)),
        ),
    ]
