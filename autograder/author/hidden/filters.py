"""Hidden checks for 02_filters, following the blind-spot rules: every call has
N >= 2, H != W, C >= 2, F >= 2, C != F, kh != kw and H_out != W_out; signed random
inputs, asymmetric kernels and distinct non-zero per-filter biases; stride 2 and 3
on sizes the stride does not divide; odd total 'same' padding; every activation
(None, "linear", "relu", "sigmoid", "tanh") and the all-defaults call; a uint8
image; read-only inputs."""

from __future__ import annotations

import numpy as np

from ..public.filters import channels_check, conv_check, pad_check
from . import rng


def _biases(r: np.random.Generator, f: int) -> np.ndarray:
    """Distinct non-zero biases, one per filter, of both signs."""
    magnitudes = r.uniform(0.3, 1.5, size=f)
    signs = np.where(np.arange(f) % 2 == 0, 1.0, -1.0)
    return r.permutation(magnitudes * signs)


def hidden_checks(student: str) -> list:
    r = rng("filters", student)

    def signed(*shape):
        return r.uniform(-1, 1, size=shape)

    photo = r.integers(0, 256, size=(2, 6, 8, 3), dtype=np.uint8)
    int_kernels = r.integers(-2, 3, size=(2, 3, 3, 2))
    int_kernels[0, 0, 0] = [2, -1]  # asymmetric for sure
    readonly_images = signed(2, 7, 6, 2).astype(np.float32)
    return [
        pad_check(
            "test_pad_same_with_odd_padding_on_a_rectangular_batch",
            "Two 7x5 images with 3 channels, kernel (4, 2), stride 2: odd totals on both axes.",
            signed(2, 7, 5, 3),
            (4, 2),
            strides=2,
            hidden=True,
            readonly=True,
        ),
        pad_check(
            "test_pad_same_with_a_stride_pair_and_no_padding_needed",
            "strides=(3, 2) with a (2, 1) kernel on 6x9 images: no rows needed, columns P = 0; value 0.5.",
            signed(2, 6, 9, 2),
            (2, 1),
            strides=(3, 2),
            value=0.5,
            hidden=True,
        ),
        pad_check(
            "test_pad_same_with_defaults",
            "Kernel 5 with the default stride 1 and value 0 on two 4x6 images: 2 on every side.",
            signed(2, 4, 6, 2),
            5,
            hidden=True,
        ),
        pad_check(
            "test_pad_same_on_uint8_with_minus_infinity_and_a_stride_pair",
            "uint8 images 9x6, kernel (3, 4), strides=(2, 4), value=-inf.",
            r.integers(0, 256, size=(2, 9, 6, 2), dtype=np.uint8),
            (3, 4),
            strides=(2, 4),
            value=-np.inf,
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_stride_2_on_an_odd_size",
            "A valid stride-2 convolution of two 9x7 3-channel images with four (3, 2) filters.",
            signed(2, 9, 7, 3),
            signed(3, 2, 3, 4),
            _biases(r, 4),
            strides=2,
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_odd_same_padding_and_relu",
            "'same', stride 2, a (4, 3) kernel on 5x7 images: 1 row above, 2 below; then relu.",
            signed(3, 5, 7, 2),
            signed(4, 3, 2, 3),
            _biases(r, 3),
            strides=2,
            padding="same",
            activation="relu",
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_a_stride_pair_and_sigmoid",
            "'same' with strides=(2, 3) on 8x13 images and a (2, 4) kernel, then sigmoid.",
            signed(2, 8, 13, 3),
            signed(2, 4, 3, 2),
            _biases(r, 2),
            strides=(2, 3),
            padding="same",
            activation="sigmoid",
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_tanh",
            "A valid stride-1 convolution of 7x5 images with four channels and three (3, 2) filters, then tanh.",
            signed(2, 7, 5, 4),
            signed(3, 2, 4, 3),
            _biases(r, 3),
            activation="tanh",
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_stride_3_and_linear",
            "activation='linear' is no activation; stride 3 on 10x8 images with a (2, 3) kernel.",
            signed(2, 10, 8, 2),
            signed(2, 3, 2, 3),
            _biases(r, 3),
            strides=3,
            activation="linear",
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_on_a_uint8_image_with_defaults",
            "uint8 images with integer filters and biases, called with the defaults (stride 1, valid, no activation).",
            photo,
            int_kernels,
            np.array([3, -5]),
            hidden=True,
        ),
        conv_check(
            "test_multi_filter_conv_with_read_only_inputs",
            "float32 images, five filters, 'same' stride 1 with a (3, 2) kernel, relu; all arrays read-only.",
            readonly_images,
            signed(3, 2, 2, 5),
            _biases(r, 5),
            padding="same",
            activation="relu",
            hidden=True,
            readonly=True,
        ),
        channels_check(
            "test_channels_first_on_a_rectangular_batch",
            "A signed float64 batch (3, 4, 6, 5) becomes (3, 5, 4, 6); the arrays are read-only.",
            signed(3, 4, 6, 5),
            hidden=True,
            readonly=True,
        ),
        channels_check(
            "test_channels_first_on_square_feature_maps",
            "Square 4x4 feature maps with three filters: H and W must keep their order.",
            signed(4, 4, 3),
            hidden=True,
        ),
        channels_check(
            "test_channels_first_keeps_uint8",
            "A uint8 image (5, 7, 3) becomes (3, 5, 7) and stays uint8.",
            r.integers(0, 256, size=(5, 7, 3), dtype=np.uint8),
            hidden=True,
        ),
    ]
