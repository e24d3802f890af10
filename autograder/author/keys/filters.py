"""Answer keys for 02_filters: ``Conv2D`` with the given weights, ``channels_first``,
and what Keras gives for each simulated mistake on the same input."""

from __future__ import annotations

import numpy as np

from .. import references as ref
from . import key


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


@key
def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None) -> np.ndarray:
    """``Conv2D(F, (kh, kw), strides, padding, activation)`` with weights ``kernels``/``biases``:
    (N, H, W, C), (kh, kw, C, F), (F,) -> (N, H_out, W_out, F)."""
    return ref.conv2d(images, kernels, biases, strides, padding, activation)


@key
def flipped(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, np.asarray(kernels)[::-1, ::-1], biases, strides, padding, activation)


@key
def no_bias(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, np.zeros(np.shape(biases)), strides, padding, activation)


@key
def bias_per_channel(images, kernels, biases, strides=1, padding="valid", activation=None):
    c = np.shape(kernels)[2]
    return ref.conv2d(images, kernels, np.asarray(biases, dtype=np.float64) * c, strides, padding, activation)


@key
def bias_per_element(images, kernels, biases, strides=1, padding="valid", activation=None):
    kh, kw, c = np.shape(kernels)[:3]
    return ref.conv2d(images, kernels, np.asarray(biases, dtype=np.float64) * kh * kw * c, strides, padding, activation)


@key
def stride_ignored(images, kernels, biases, strides=1, padding="valid", activation=None):
    """The top-left block of the stride-1 output (windows start at every pixel)."""
    _, h_out, w_out, _ = ref.conv2d(images, kernels, biases, strides, padding).shape
    return ref.conv2d(images, kernels, biases, 1, padding, activation)[:, :h_out, :w_out]


@key
def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after) along one axis: the extra cell goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


@key
def same_symmetric(images, kernels, biases, strides=1, padding="valid", activation=None):
    """'same' with the odd extra row/column of padding at the top/left, where Keras puts it
    at the bottom/right (a guess that the padding is centred the other way); the answer
    itself where the total padding is even."""
    if padding != "same":
        return ref.conv2d(images, kernels, biases, strides, padding, activation)
    _, h, w, _ = np.shape(images)
    kh, kw = np.shape(kernels)[:2]
    sh, sw = _pair(strides)
    bottom, top = same_padding(h, kh, sh)
    right, left = same_padding(w, kw, sw)
    x = np.pad(np.asarray(images, dtype=np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    return ref.conv2d(x, kernels, biases, strides, "valid", activation)


@key
def activation_missing(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, biases, strides, padding, None)


@key
def activation_applied(images, kernels, biases, strides=1, padding="valid", activation=None, applied="relu"):
    """``applied`` where no activation (None or "linear") was asked for."""
    return ref.conv2d(images, kernels, biases, strides, padding, applied)


@key
def wrong_activation(images, kernels, biases, strides=1, padding="valid", activation=None, applied="sigmoid"):
    """``applied`` where another activation was asked for."""
    return ref.conv2d(images, kernels, biases, strides, padding, applied)


@key
def kernels_reshaped(images, kernels, biases, strides=1, padding="valid", activation=None):
    """Filter q taken as ``kernels.reshape(F, kh, kw, C)[q]`` (a reshape where a transpose to
    filter-first order was meant): what Conv2D gives with those scrambled filters."""
    kh, kw, c, f = np.shape(kernels)
    scrambled = np.asarray(kernels, dtype=np.float64).reshape(f, kh, kw, c)
    return ref.conv2d(images, np.moveaxis(scrambled, 0, -1), biases, strides, padding, activation)


@key
def stored_in_uint8(images, kernels, biases, strides=1, padding="valid", activation=None):
    """The window sums of a uint8 image stored in an array of its own dtype (``np.zeros_like``
    of the image, or ``np.zeros(..., dtype=images.dtype)``): decimals cut off and values
    wrapped modulo 256, the activation applied after."""
    if np.asarray(images).dtype != np.uint8:
        return ref.conv2d(images, kernels, biases, strides, padding, activation)
    out = np.mod(np.trunc(ref.conv2d(images, kernels, biases, strides, padding).astype(np.float64)), 256)
    if activation == "relu":
        return np.maximum(out, 0)
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-out))
    if activation == "tanh":
        return np.tanh(out)
    return out


@key
def mean(images, kernels, biases, strides=1, padding="valid", activation=None):
    kh, kw, c = np.shape(kernels)[:3]
    scaled = np.asarray(kernels, dtype=np.float64) / (kh * kw * c)
    return ref.conv2d(images, scaled, biases, strides, padding, activation)


@key
def filters_summed(images, kernels, biases, strides=1, padding="valid", activation=None):
    """Every output channel gets the sum over all filters' window sums (plus its own bias)."""
    kernels = np.asarray(kernels, dtype=np.float64)
    summed = np.repeat(kernels.sum(axis=3, keepdims=True), kernels.shape[3], axis=3)
    return ref.conv2d(images, summed, biases, strides, padding, activation)


def _widen(array: np.ndarray) -> np.ndarray:
    """Small integer types as int64, so the generic diagnosis (which computes modulo 256) cannot overflow;
    the dtype itself is checked by the comparator."""
    return array.astype(np.int64) if array.dtype.kind in "iu" and array.dtype.itemsize < 8 else array


@key
def channels_first(feature_maps) -> np.ndarray:
    """(H, W, F) -> (F, H, W); (N, H, W, F) -> (N, F, H, W). Values only: the dtype is checked by the comparator."""
    return _widen(np.moveaxis(np.asarray(feature_maps), -1, -3).copy())


@key
def reshaped_first(feature_maps) -> np.ndarray:
    """``feature_maps.reshape(..., F, H, W)``: the channels-first shape, with the values left in memory order."""
    feature_maps = np.asarray(feature_maps)
    *batch, h, w, f = feature_maps.shape
    return _widen(feature_maps.reshape(*batch, f, h, w).copy())


@key
def swapaxes_first_last(feature_maps) -> np.ndarray:
    """The seed's ``swapaxes(0, -1)``: the filter axis moves to the front, but H and W trade places."""
    return _widen(np.swapaxes(np.asarray(feature_maps), -3, -1).copy())


# pad_same: the padded batch that a valid window pass turns into Keras's 'same' output size.


@key
def pad_same(images, kernel_size, strides=1, value=0.0) -> np.ndarray:
    """(N, H, W, C) -> (N, H + pt + pb, W + pl + pr, C) float64, ``value`` in the border, with
    TensorFlow's split (``same_padding``: the extra row/column of an odd total at the
    bottom/right). tests/test_hints.py checks it against Keras: a valid Conv2D (MaxPooling2D)
    of the padded batch equals the 'same' one."""
    return _padded(images, kernel_size, strides, value)


def _padded(images, kernel_size, strides, value, extra_first=False, stride_one=False, dtype=np.float64):
    _, h, w, _ = np.shape(images)
    kh, kw = _pair(kernel_size)
    sh, sw = (1, 1) if stride_one else _pair(strides)
    (top, bottom), (left, right) = same_padding(h, kh, sh), same_padding(w, kw, sw)
    if extra_first:
        top, bottom, left, right = bottom, top, right, left
    widths = ((0, 0), (top, bottom), (left, right), (0, 0))
    with np.errstate(invalid="ignore"):
        return np.pad(np.asarray(images).astype(dtype), widths, constant_values=value).astype(np.float64)


@key
def pad_symmetric(images, kernel_size, strides=1, value=0.0) -> np.ndarray:
    """The extra row/column of an odd total at the top/left."""
    return _padded(images, kernel_size, strides, value, extra_first=True)


@key
def pad_zeros(images, kernel_size, strides=1, value=0.0) -> np.ndarray:
    """``value`` ignored: the border is always 0."""
    return _padded(images, kernel_size, strides, 0.0)


@key
def pad_stride_one(images, kernel_size, strides=1, value=0.0) -> np.ndarray:
    """The padding of a stride-1 'same' pass (k - 1 in total), whatever the stride."""
    return _padded(images, kernel_size, strides, value, stride_one=True)


@key
def pad_in_own_dtype(images, kernel_size, strides=1, value=0.0) -> np.ndarray:
    """``np.pad(images, ..., constant_values=value)`` of a uint8 batch: the border is stored in
    uint8, where -inf becomes 0 (NumPy's cast)."""
    return _padded(images, kernel_size, strides, value, dtype=np.asarray(images).dtype)


@key
def conv_output_shapes(configurations) -> list:
    """Keras's output shape for each ``(input_shape, filters, kernel_size, strides, padding)``."""
    return [ref.conv_output_shape(*c) for c in configurations]
