"""Hidden checks for 06_backprop, following the blind-spot rules: N >= 2, H != W, C >= 2,
F >= 2, C != F, kh != kw, H_out != W_out, signed random inputs and upstream gradients,
asymmetric kernels, a 1x1 kernel and one as tall as the image, the strides=None default,
strides that do not divide the size, an odd total 'same' padding, overlapping windows and
windows with gaps between them, all-negative inputs, uint8 inputs, NumPy integer sizes and
read-only inputs; train_numpy_cnn on a secret split (read-only) and on shuffled labels."""

from __future__ import annotations

import numpy as np

from ..public.backprop import MIN_ACCURACY, conv_checks, im2col_check, pool_check, training_check
from . import rng


def _im2col_checks(student: str) -> list:
    r = rng("backprop:im2col", student)
    return [
        im2col_check(
            "test_im2col_on_a_rectangular_batch_with_read_only_input",
            "A signed float32 (3, 7, 5, 2) batch, passed read-only, with a (3, 2) window.",
            r.uniform(-2, 2, size=(3, 7, 5, 2)).astype(np.float32),
            (3, 2),
            hidden=True,
            readonly=True,
        ),
        im2col_check(
            "test_im2col_on_a_uint8_image",
            "A uint8 (2, 6, 8, 3) batch with a (2, 4) window.",
            r.integers(0, 256, size=(2, 6, 8, 3), dtype=np.uint8),
            (2, 4),
            hidden=True,
        ),
        im2col_check(
            "test_im2col_with_a_window_as_large_as_the_image",
            "A (2, 4, 3, 2) batch with a (4, 3) window: one column of 24 values per image.",
            r.normal(size=(2, 4, 3, 2)),
            (4, 3),
            hidden=True,
        ),
        im2col_check(
            "test_im2col_with_numpy_integer_sizes",
            "A (2, 5, 6, 4) batch with kernel_size=(np.int64(2), np.int64(3)).",
            r.uniform(-1, 1, size=(2, 5, 6, 4)),
            (np.int64(2), np.int64(3)),
            hidden=True,
        ),
    ]


def _conv_checks(student: str) -> list:
    r = rng("backprop:conv", student)

    def signed(*shape):
        return r.uniform(-1, 1, size=shape)

    return [
        *conv_checks(
            "on_a_rectangular_batch_with_read_only_inputs",
            "Three float32 7x5 images with two channels, three (3, 2) filters; every array read-only.",
            signed(3, 5, 4, 3).astype(np.float32),
            signed(3, 7, 5, 2).astype(np.float32),
            signed(3, 2, 2, 3).astype(np.float32),
            hidden=True,
            readonly=True,
        ),
        *conv_checks(
            "on_uint8_images",
            "Two uint8 6x7 RGB images, two signed (2, 3) filters: compute the gradients in floating point.",
            signed(2, 5, 5, 2),
            r.integers(0, 256, size=(2, 6, 7, 3), dtype=np.uint8),
            signed(2, 3, 3, 2),
            hidden=True,
        ),
        *conv_checks(
            "with_a_1x1_kernel",
            "A 1x1 convolution of two 5x6 images from 3 to 4 channels: no window overlaps another.",
            signed(2, 5, 6, 4),
            signed(2, 5, 6, 3),
            signed(1, 1, 3, 4),
            hidden=True,
        ),
        *conv_checks(
            "with_a_kernel_as_tall_as_the_image",
            "A (4, 2) kernel on two 4x6 images with two channels, three filters: H_out = 1, W_out = 5.",
            signed(2, 1, 5, 3),
            signed(2, 4, 6, 2),
            signed(4, 2, 2, 3),
            parts=("dx", "dw"),
            hidden=True,
        ),
        *conv_checks(
            "with_strides_that_do_not_divide_and_read_only_inputs",
            "Three float32 10x9 images with three channels, two (3, 2) filters, strides=(2, 3), every array read-only.",
            signed(3, 4, 3, 2).astype(np.float32),
            signed(3, 10, 9, 3).astype(np.float32),
            signed(3, 2, 3, 2).astype(np.float32),
            hidden=True,
            readonly=True,
            strides=(2, 3),
        ),
        *conv_checks(
            "with_odd_same_padding_on_uint8_images",
            "Two uint8 7x5 RGB images, two (2, 4) filters, strides=2, padding='same': odd total padding in both directions.",
            signed(2, 4, 3, 2),
            r.integers(0, 256, size=(2, 7, 5, 3), dtype=np.uint8),
            signed(2, 4, 3, 2),
            hidden=True,
            strides=2,
            padding="same",
        ),
        *conv_checks(
            "with_same_padding_stride_1_agrees_with_a_numerical_gradient",
            "With padding='same' at stride 1: central differences of sum(Conv2D(x) * dout) for a (3, 2) kernel, "
            "two 4x5 images with three channels and two filters.",
            signed(2, 4, 5, 2),
            signed(2, 4, 5, 3),
            signed(3, 2, 3, 2),
            parts=("dx", "dw"),
            numerical=True,
            hidden=True,
            padding="same",
        ),
    ]


def _pool_checks(student: str) -> list:
    r = rng("backprop:maxpool", student)

    def signed(*shape):
        return r.uniform(-3, 3, size=shape)

    distinct = r.permutation(256)[:120].astype(np.uint8).reshape(2, 6, 5, 2)
    return [
        pool_check(
            "test_maxpool_backward_manual_defaults_strides_to_a_rectangular_pool_size",
            "A float32 (3, 9, 10, 2) input with pool_size=(2, 3) and no strides: dout is (3, 4, 3, 2).",
            signed(3, 4, 3, 2).astype(np.float32),
            signed(3, 9, 10, 2).astype(np.float32),
            (2, 3),
            hidden=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_with_stride_2_that_does_not_divide_the_size",
            "A (2, 9, 6, 3) input, passed read-only, pool_size=3, strides=2: overlapping windows.",
            signed(2, 4, 2, 3),
            signed(2, 9, 6, 3),
            3,
            2,
            hidden=True,
            readonly=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_with_windows_overlapping_in_one_direction",
            "A (2, 7, 8, 2) input with pool_size=(3, 2), strides=(1, 2).",
            signed(2, 5, 4, 2),
            signed(2, 7, 8, 2),
            (3, 2),
            (1, 2),
            hidden=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_with_gaps_between_the_windows",
            "A (2, 8, 7, 3) input, pool_size=2, strides=3: cells in no window get 0.",
            signed(2, 3, 2, 3),
            signed(2, 8, 7, 3),
            2,
            3,
            hidden=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_on_all_negative_values",
            "An all-negative (2, 6, 8, 3) input with pool_size=(2, 4): a window's maximum is negative too.",
            signed(2, 3, 2, 3),
            -r.uniform(0.5, 5, size=(2, 6, 8, 3)),
            (2, 4),
            hidden=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_returns_floats_for_a_uint8_input",
            "A uint8 (2, 6, 5, 2) input of distinct values and dout with decimals: dx must be a float array.",
            r.uniform(0.5, 9.5, size=(2, 3, 2, 2)),
            distinct,
            hidden=True,
        ),
    ]


def _avgpool_checks(student: str) -> list:
    r = rng("backprop:avgpool", student)

    def signed(*shape):
        return r.uniform(-3, 3, size=shape)

    return [
        pool_check(
            "test_avgpool_backward_manual_defaults_strides_to_a_rectangular_pool_size",
            "A float32 (3, 9, 10, 2) input with pool_size=(2, 3) and no strides: dout is (3, 4, 3, 2).",
            signed(3, 4, 3, 2).astype(np.float32),
            signed(3, 9, 10, 2).astype(np.float32),
            (2, 3),
            kind="avg",
            hidden=True,
        ),
        pool_check(
            "test_avgpool_backward_manual_with_overlapping_windows_and_a_stride_that_does_not_divide",
            "A (2, 9, 6, 3) input, passed read-only, pool_size=3, strides=2: cells in two or four windows.",
            signed(2, 4, 2, 3),
            signed(2, 9, 6, 3),
            3,
            2,
            kind="avg",
            hidden=True,
            readonly=True,
        ),
        pool_check(
            "test_avgpool_backward_manual_with_gaps_between_the_windows",
            "A (2, 8, 7, 3) input, pool_size=(2, 1), strides=3: cells in no window get 0.",
            signed(2, 3, 3, 3),
            signed(2, 8, 7, 3),
            (2, 1),
            3,
            kind="avg",
            hidden=True,
        ),
        pool_check(
            "test_avgpool_backward_manual_returns_floats_for_a_uint8_input",
            "A uint8 (2, 7, 5, 2) input and dout with decimals: dx must be a float array.",
            r.uniform(0.5, 9.5, size=(2, 3, 2, 2)),
            r.integers(0, 256, size=(2, 7, 5, 2), dtype=np.uint8),
            kind="avg",
            hidden=True,
        ),
    ]


def _training_checks(student: str) -> list:
    seed = int(rng("backprop:train", student).integers(1, 2**31))
    return [
        training_check(
            "test_train_numpy_cnn_on_another_split_passed_read_only",
            f"On a secret 75/25 split of the digits, passed read-only: accuracy >= {MIN_ACCURACY} and a falling loss.",
            seed=seed,
            hidden=True,
            readonly=True,
        ),
        training_check(
            "test_train_numpy_cnn_does_not_learn_shuffled_labels",
            "Trained on randomly shuffled labels, the network must stay near chance on the true test labels: "
            "the accuracy comes from learning x_train and y_train.",
            seed=seed + 1,
            hidden=True,
            shuffle=True,
        ),
    ]


def hidden_checks(student: str) -> list:
    return (
        _im2col_checks(student)
        + _conv_checks(student)
        + _pool_checks(student)
        + _avgpool_checks(student)
        + _training_checks(student)
    )
