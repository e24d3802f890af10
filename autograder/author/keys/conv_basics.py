"""Answer keys for 01_conv_basics: the references are Keras's (``autograder.author.references``);
each simulated mistake is what Keras gives for that mistake on the same input."""

from __future__ import annotations

import numpy as np

from ..references import conv2d_single, conv_output_shape, conv_weight_shapes
from . import also, key

also(__name__, conv2d_single, conv_output_shape, conv_weight_shapes)


@key
def shape_no_plus_one(input_shape, filters, kernel_size, strides=1, padding="valid") -> tuple:
    """(N, H_out - 1, W_out - 1, F) for 'valid': the "+ 1" forgotten."""
    n, h, w, _ = conv_output_shape(input_shape, filters, kernel_size, strides, padding)
    return (n, h - 1, w - 1, filters) if padding == "valid" else (n, h, w, filters)


@key
def shape_stride_ignored(input_shape, filters, kernel_size, strides=1, padding="valid") -> tuple:
    return conv_output_shape(input_shape, filters, kernel_size, 1, padding)


@key
def shape_hw_swapped(input_shape, filters, kernel_size, strides=1, padding="valid") -> tuple:
    n, h, w, _ = conv_output_shape(input_shape, filters, kernel_size, strides, padding)
    return (n, w, h, filters)


@key
def weights_channels_first(in_channels, filters, kernel_size) -> tuple:
    """((F, C, kh, kw), (F,)): PyTorch's kernel layout."""
    (kh, kw, c, f), bias = conv_weight_shapes(in_channels, filters, kernel_size)
    return (f, c, kh, kw), bias


@key
def conv_flipped(image, kernel, bias=0.0) -> np.ndarray:
    return conv2d_single(image, np.asarray(kernel)[::-1, ::-1], bias)


@key
def conv_no_bias(image, kernel, bias=0.0) -> np.ndarray:
    return conv2d_single(image, kernel, 0.0)


def _channels(image) -> int:
    image = np.asarray(image)
    return 1 if image.ndim == 2 else image.shape[2]


@key
def conv_bias_per_channel(image, kernel, bias=0.0) -> np.ndarray:
    return conv2d_single(image, kernel, bias * _channels(image))


@key
def conv_bias_per_element(image, kernel, bias=0.0) -> np.ndarray:
    kh, kw = np.asarray(kernel).shape[:2]
    return conv2d_single(image, kernel, bias * kh * kw * _channels(image))


@key
def conv_mean(image, kernel, bias=0.0) -> np.ndarray:
    kh, kw = np.asarray(kernel).shape[:2]
    return conv2d_single(image, kernel, 0.0) / (kh * kw * _channels(image)) + bias


@key
def conv_stored_in_uint8(image, kernel, bias=0.0) -> np.ndarray:
    """Window sums of a uint8 image stored in an array of its own dtype: decimals cut off,
    values wrapped modulo 256 (the answer itself for other images)."""
    out = conv2d_single(image, kernel, bias)
    if np.asarray(image).dtype != np.uint8:
        return out
    return np.mod(np.trunc(out.astype(np.float64)), 256)


# conv_single_step: one output cell, ``sum(window * kernel) + bias``, as Conv2D computes it
# on a window the size of its kernel (a 1x1 output).


@key
def conv_single_step(window, kernel, bias=0.0) -> float:
    """``Conv2D(1, (kh, kw))`` with weights ``kernel``/``[bias]`` on one (kh, kw[, C]) window:
    its single output value, as a Python float."""
    return float(conv2d_single(window, kernel, bias)[0, 0])


@key
def step_flipped(window, kernel, bias=0.0) -> float:
    return conv_single_step(window, np.asarray(kernel)[::-1, ::-1], bias)


@key
def step_no_bias(window, kernel, bias=0.0) -> float:
    return conv_single_step(window, kernel, 0.0)


@key
def step_bias_per_element(window, kernel, bias=0.0) -> float:
    """``np.sum(window * kernel + bias)``: the bias once per multiplied element."""
    return conv_single_step(window, kernel, bias * np.asarray(kernel).size)


@key
def step_mean(window, kernel, bias=0.0) -> float:
    """``np.mean(window * kernel) + bias``."""
    return conv_single_step(window, kernel, 0.0) / np.asarray(kernel).size + bias
