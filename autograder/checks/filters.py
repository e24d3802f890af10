"""Checks for 02_filters: multi_filter_conv (several filters, stride, padding,
activation) and channels_first (the transpose/swapaxes lesson)."""

from __future__ import annotations

import functools

import numpy as np

from .. import references as ref
from ..compare import equal
from ..spec import Check

ACTIVATIONS = (None, "linear", "relu", "sigmoid", "tanh")

# The activation a student most plausibly applies instead of the one asked for:
# sigmoid and tanh are the two "squashing" functions and get mixed up; the seed's
# manual code hard-codes sigmoid, which a student may keep for relu.
WRONG_ACTIVATION = {"relu": "sigmoid", "sigmoid": "tanh", "tanh": "sigmoid"}


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def multi_filter_conv_reference(images, kernels, biases, strides=1, padding="valid", activation=None):
    """``Conv2D(F, (kh, kw), strides, padding, activation)`` with weights ``kernels``/``biases``."""
    return ref.conv2d(images, kernels, biases, strides, padding, activation)


# Simulated mistakes: what Keras gives for each mistake on the same input.
def _flipped(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, np.asarray(kernels)[::-1, ::-1], biases, strides, padding, activation)


def _no_bias(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, np.zeros(np.shape(biases)), strides, padding, activation)


def _bias_per_channel(images, kernels, biases, strides=1, padding="valid", activation=None):
    c = np.shape(kernels)[2]
    return ref.conv2d(images, kernels, np.asarray(biases, dtype=np.float64) * c, strides, padding, activation)


def _bias_per_element(images, kernels, biases, strides=1, padding="valid", activation=None):
    kh, kw, c = np.shape(kernels)[:3]
    return ref.conv2d(images, kernels, np.asarray(biases, dtype=np.float64) * kh * kw * c, strides, padding, activation)


def _stride_ignored(images, kernels, biases, strides=1, padding="valid", activation=None):
    """The top-left block of the stride-1 output (windows start at every pixel)."""
    _, h_out, w_out, _ = ref.conv2d(images, kernels, biases, strides, padding).shape
    return ref.conv2d(images, kernels, biases, 1, padding, activation)[:, :h_out, :w_out]


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after) along one axis: the extra cell goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def odd_same_padding(images, kernels, strides=1, padding="valid") -> bool:
    """True when 'same' padding is odd along an axis, so its split matters."""
    if padding != "same":
        return False
    _, h, w, _ = np.shape(images)
    kh, kw = np.shape(kernels)[:2]
    sh, sw = _pair(strides)
    return any(sum(same_padding(n, k, s)) % 2 for n, k, s in ((h, kh, sh), (w, kw, sw)))


def _same_symmetric(images, kernels, biases, strides=1, padding="valid", activation=None):
    """'same' with the extra row/column at the top/left (PyTorch habit, d2l's advice)."""
    if padding != "same":
        return ref.conv2d(images, kernels, biases, strides, padding, activation)
    _, h, w, _ = np.shape(images)
    kh, kw = np.shape(kernels)[:2]
    sh, sw = _pair(strides)
    bottom, top = same_padding(h, kh, sh)
    right, left = same_padding(w, kw, sw)
    x = np.pad(np.asarray(images, dtype=np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    return ref.conv2d(x, kernels, biases, strides, "valid", activation)


def _activation_missing(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, biases, strides, padding, None)


def _activation_applied(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, biases, strides, padding, "relu")


def _wrong_activation(images, kernels, biases, strides=1, padding="valid", activation=None):
    return ref.conv2d(images, kernels, biases, strides, padding, WRONG_ACTIVATION.get(activation, activation))


def _mean(images, kernels, biases, strides=1, padding="valid", activation=None):
    kh, kw, c = np.shape(kernels)[:3]
    scaled = np.asarray(kernels, dtype=np.float64) / (kh * kw * c)
    return ref.conv2d(images, scaled, biases, strides, padding, activation)


def _filters_summed(images, kernels, biases, strides=1, padding="valid", activation=None):
    """Every output channel gets the sum over all filters' window sums (plus its own bias)."""
    kernels = np.asarray(kernels, dtype=np.float64)
    summed = np.repeat(kernels.sum(axis=3, keepdims=True), kernels.shape[3], axis=3)
    return ref.conv2d(images, summed, biases, strides, padding, activation)


def conv_mistakes(images, kernels, biases, strides=1, padding="valid", activation=None) -> dict:
    """The simulated mistakes that can show on this input (the others would equal the answer)."""
    mistakes = {}
    if not np.array_equal(np.asarray(kernels), np.asarray(kernels)[::-1, ::-1]):
        mistakes["flipped-kernel"] = _flipped
    if np.any(np.asarray(biases) != 0):
        mistakes["missing-bias"] = _no_bias
        if np.shape(kernels)[2] > 1:
            mistakes["bias-per-channel"] = _bias_per_channel
        mistakes["bias-per-element"] = _bias_per_element
    if _pair(strides) != (1, 1):
        mistakes["stride-ignored"] = _stride_ignored
    if odd_same_padding(images, kernels, strides, padding):
        mistakes["same-padding-symmetric"] = _same_symmetric
    if activation in WRONG_ACTIVATION:
        mistakes["activation-missing"] = _activation_missing
        mistakes["wrong-activation"] = _wrong_activation
    elif not all(np.all(np.asarray(a) >= 0) for a in (images, kernels, biases)):
        mistakes["activation-applied"] = _activation_applied  # relu changes something only if values go negative
    mistakes["mean-instead-of-sum"] = _mean
    if np.shape(kernels)[3] > 1:
        mistakes["filters-summed"] = _filters_summed
    return mistakes


def conv_check(name, description, images, kernels, biases, hidden=False, readonly=False, points=1.0, **kwargs) -> Check:
    """A multi_filter_conv check; ``kwargs`` are the strides/padding/activation passed to the student."""
    return Check(
        "multi_filter_conv",
        name,
        description,
        multi_filter_conv_reference,
        (images, kernels, biases),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        points=points,
        manual=True,
        mistakes=conv_mistakes(images, kernels, biases, **kwargs),
    )


def _widen(array: np.ndarray) -> np.ndarray:
    """Small integer types as int64, so the generic diagnosis (which computes modulo 256) cannot overflow;
    the dtype itself is checked by the comparator."""
    return array.astype(np.int64) if array.dtype.kind in "iu" and array.dtype.itemsize < 8 else array


def channels_first_reference(feature_maps):
    """(H, W, F) -> (F, H, W); (N, H, W, F) -> (N, F, H, W). Values only: the dtype is checked by the comparator."""
    return _widen(np.moveaxis(np.asarray(feature_maps), -1, -3).copy())


def _swapaxes_first_last(feature_maps):
    """The seed's ``swapaxes(0, -1)``: the filter axis moves to the front, but H and W trade places."""
    return _widen(np.swapaxes(np.asarray(feature_maps), -3, -1).copy())


def same_values_and_dtype(expected, actual, dtype: str = "") -> str | None:
    """``equal`` values and shape, and the input's dtype (``dtype``, e.g. "|u1") kept."""
    reason = equal(expected, actual)
    if reason:
        return reason
    if dtype and isinstance(actual, np.ndarray) and actual.dtype != np.dtype(dtype):
        return f"the values are right, but the dtype changed: expected {np.dtype(dtype)}, got {actual.dtype}"
    return None


def channels_check(name, description, feature_maps, hidden=False, readonly=False) -> Check:
    dtype = np.asarray(feature_maps).dtype.str
    return Check(
        "channels_first",
        name,
        description,
        channels_first_reference,
        (feature_maps,),
        compare=functools.partial(same_values_and_dtype, dtype=dtype),
        hidden=hidden,
        readonly=readonly,
        mistakes={"axes-swapped": _swapaxes_first_last},
    )


# The seed's np.random.randint(0, 10, size=(2, 3, 4)) array, as printed in the lecture.
SEED_ARRAY = np.array(
    [[[8, 0, 2, 1], [5, 8, 8, 8], [4, 4, 0, 1]], [[2, 2, 3, 5], [9, 4, 4, 2], [8, 9, 7, 3]]], dtype=np.int64
)


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240502)
    seed_images = rng.uniform(0, 1, size=(1, 5, 5, 3))
    seed_kernels = rng.uniform(-1, 1, size=(4, 4, 3, 3))
    seed_biases = np.array([0.1, -0.2, 0.3])
    stride_images = rng.uniform(-1, 1, size=(2, 7, 8, 2))
    stride_kernels = rng.uniform(-1, 1, size=(3, 2, 2, 3))
    sigmoid_images = rng.uniform(-1, 1, size=(2, 5, 5, 3))
    sigmoid_kernels = rng.uniform(-1, 1, size=(4, 4, 3, 3))
    tanh_images = rng.uniform(-1, 1, size=(2, 4, 6, 3))
    tanh_kernels = rng.uniform(-1, 1, size=(3, 2, 3, 2))
    batch = rng.normal(size=(2, 3, 5, 4)).astype(np.float32)
    return [
        conv_check(
            "test_multi_filter_conv_on_the_lecture_example",
            "Three 4x4 filters on one 5x5 RGB image give a (1, 2, 2, 3) output, one feature map per filter.",
            seed_images,
            seed_kernels,
            seed_biases,
        ),
        conv_check(
            "test_multi_filter_conv_with_odd_same_padding",
            "arange(25) as a 5x5 image, a 4x4 kernel of ones, stride 2, 'same': "
            "[[54, 90, 51], [162, 240, 128], [111, 160, 84]] (pad 1 top/left, 2 bottom/right).",
            np.arange(25.0).reshape(1, 5, 5, 1),
            np.ones((4, 4, 1, 1)),
            np.zeros(1),
            strides=2,
            padding="same",
        ),
        conv_check(
            "test_multi_filter_conv_with_stride_2_and_relu",
            "Two 7x8 images, three (3, 2) filters, stride 2, relu: output (2, 3, 4, 3).",
            stride_images,
            stride_kernels,
            np.array([0.5, -1.0, 0.25]),
            strides=2,
            activation="relu",
        ),
        conv_check(
            "test_multi_filter_conv_with_sigmoid",
            "The lecture's sigmoid example: sigmoid is applied after the bias, per filter.",
            sigmoid_images,
            sigmoid_kernels,
            np.array([-0.3, 0.2, 0.6]),
            activation="sigmoid",
        ),
        conv_check(
            "test_multi_filter_conv_with_same_padding_and_tanh",
            "'same' padding with stride 1 keeps 4x6 (the (3, 2) kernel pads 1+1 rows and 0+1 columns), then tanh.",
            tanh_images,
            tanh_kernels,
            np.array([0.4, -0.7]),
            padding="same",
            activation="tanh",
        ),
        channels_check(
            "test_channels_first_on_the_lecture_array",
            "The lecture's (2, 3, 4) integer array becomes (4, 2, 3): element [c] is the c-th channel's image.",
            SEED_ARRAY,
        ),
        channels_check(
            "test_channels_first_keeps_the_batch_axis",
            "A float32 batch (2, 3, 5, 4) becomes (2, 4, 3, 5), still float32.",
            batch,
        ),
    ]
