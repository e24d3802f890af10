"""Checks for 05_edge_detection: the predictions (predict_homework_edge_map,
predict_diagonal_edge_map, predict_laplacian_edge_map, graded by value against Keras),
vertical_edge_kernel, horizontal_edge_kernel, detect_edges, sobel_magnitude, learn_kernel."""

from __future__ import annotations

import numpy as np

from ...core.compare import allclose, within
from ...core.spec import Check
from .answers import answer, derived

VERTICAL = np.array([[-1.0, 1.0], [-1.0, 1.0]])
"""Seed 004's filter: right column minus left column (dark -> bright from left to right is +2)."""
HORIZONTAL = VERTICAL.T
"""Bottom row minus top row (dark -> bright from top to bottom is +2)."""
DIAGONAL = np.array([[0.0, 1.0], [-1.0, 0.0]])
"""Top-right minus bottom-left: the diagonal kernel of the notebook's prediction."""
LAPLACIAN = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
"""The second-derivative kernel of the notebook's prediction."""


def kernel_values(expected, actual) -> str | None:
    """Exact values; a nested list of numbers counts as the array it spells."""
    if isinstance(actual, list):
        try:
            actual = np.asarray(actual, dtype=np.float64)
        except (TypeError, ValueError):
            pass
    return allclose(expected, actual, atol=0.0, rtol=0.0)


# References and simulated mistakes are answer keys (``autograder.author.keys.edge_detection``).
EDGE_MISTAKES = {
    "flipped-kernel": answer("edge_detection.edges_flipped"),
    "missing-bias": answer("edge_detection.edges_no_bias"),
    "integer-overflow": answer("edge_detection.edges_wrapped"),
}
SOBEL_MISTAKES = {
    "mean-instead-of-sum": answer("edge_detection.sobel_mean"),
    "integer-overflow": answer("edge_detection.sobel_wrapped"),
}
LEARN_MISTAKES = {"flipped-kernel": answer("edge_detection.kernel_flipped")}


def edge_check(name, description, image, kernel, bias=None, hidden=False, readonly=False) -> Check:
    kwargs = {} if bias is None else {"bias": bias}
    return Check(
        "detect_edges",
        name,
        description,
        answer("edge_detection.edges"),
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
        answer("edge_detection.sobel"),
        (image,),
        hidden=hidden,
        readonly=readonly,
        mistakes=SOBEL_MISTAKES,
    )


def learn_check(name, description, X, kernel, hidden=False, readonly=False) -> Check:
    """Y is made from X with ``kernel`` (by the answer key; frozen in the student copy), so the
    student gets inputs and outputs only."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return Check(
        "learn_kernel",
        name,
        description,
        answer("edge_detection.least_squares_kernel"),
        (X, derived(name, "edge_detection.cross_correlate", X, kernel), kernel.shape),
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


def prediction_check(function, name, description, key, mistakes=()) -> Check:
    """A predict-first exercise: the hand-written values against Keras's on the notebook's own input."""
    return Check(
        function,
        name,
        description,
        answer(f"edge_detection.{key}"),
        compare=kernel_values,
        mistakes={m: answer(f"edge_detection.{key}_{m.replace('-', '_')}") for m in mistakes},
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240505)
    band = np.zeros((5, 7))
    band[1:4, :] = 1.0  # a bright horizontal band in rows 1-3
    return [
        prediction_check(
            "predict_homework_edge_map",
            "test_predict_homework_edge_map_is_what_keras_computes",
            "Your hand-written output of the homework's 2x2 filter on its 6x6 half-dark image (bias 0) equals "
            "Conv2D's, value for value and in shape.",
            "homework_edge_map",
            mistakes=("flipped-kernel",),
        ),
        prediction_check(
            "predict_diagonal_edge_map",
            "test_predict_diagonal_edge_map_is_what_keras_computes",
            "Your hand-written output of D = [[0, 1], [-1, 0]] on the 4x4 lower-triangular image of ones equals "
            "Conv2D's, value for value and in shape.",
            "diagonal_edge_map",
            mistakes=("flipped-kernel",),
        ),
        prediction_check(
            "predict_laplacian_edge_map",
            "test_predict_laplacian_edge_map_is_what_keras_computes",
            "Your hand-written output of the 3x3 Laplacian on the homework's 6x6 half-dark image equals "
            "Conv2D's, value for value and in shape.",
            "laplacian_edge_map",
        ),
        Check(
            "vertical_edge_kernel",
            "test_vertical_edge_kernel_is_the_homework_filter",
            "vertical_edge_kernel() is [[-1, 1], [-1, 1]]: right column minus left column.",
            answer("edge_detection.vertical_kernel"),
            compare=kernel_values,
            mistakes={"axes-swapped": answer("edge_detection.vertical_swapped")},
        ),
        Check(
            "horizontal_edge_kernel",
            "test_horizontal_edge_kernel_is_the_transposed_filter",
            "horizontal_edge_kernel() is bottom row minus top row: +2 where a 2x2 window goes from dark (top) to "
            "bright (bottom), -2 the other way.",
            answer("edge_detection.horizontal_kernel"),
            compare=kernel_values,
            mistakes={"axes-swapped": answer("edge_detection.horizontal_swapped")},
        ),
        edge_check(
            "test_detect_edges_finds_the_homework_vertical_edge",
            "The homework's 6x6 half-dark image with [[-1, 1], [-1, 1]] and bias 0 gives a 5x5 map with a column of 2s.",
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
            "A random 5x6 image, an asymmetric (3, 2) kernel and bias 0.5 give Conv2D(1, (3, 2))'s 3x5 output. "
            "The arrays are read-only: convert copies, do not write into them.",
            rng.uniform(0, 1, size=(5, 6)),
            rng.uniform(-1, 1, size=(3, 2)),
            0.5,
            readonly=True,
        ),
        edge_check(
            "test_detect_edges_keeps_the_negative_edges_of_a_uint8_image",
            "A uint8 4x5 image whose columns go 200, 200, 10, 10, 200 with [[-1, 1], [-1, 1]]: the lecture's "
            "bright-to-dark step is -380, not a wrapped-around uint8 value, and dark-to-bright is +380.",
            np.tile(np.array([200, 200, 10, 10, 200], dtype=np.uint8), (4, 1)),
            VERTICAL.copy(),
        ),
        sobel_check(
            "test_sobel_magnitude_of_a_vertical_step",
            "A 5x6 image, 0 left of column 3 and 1 from it on: next to the step gx = 4, gy = 0, magnitude 4.",
            half_dark(5, 6),
        ),
        sobel_check(
            "test_sobel_magnitude_of_a_random_image",
            "A random 6x7 image, passed read-only, gives sqrt(gx**2 + gy**2), a 4x5 map.",
            rng.uniform(0, 1, size=(6, 7)),
            readonly=True,
        ),
        sobel_check(
            "test_sobel_magnitude_of_a_uint8_step",
            "A uint8 5x6 image, 10 left of column 3 and 200 from it on: next to the step gx = 4 * 190 = 760, far "
            "beyond uint8's 0..255, so compute in floating point.",
            (10 + 190 * half_dark(5, 6)).astype(np.uint8),
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
