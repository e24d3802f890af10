"""Answer keys for 04_cnn_models: Keras's parameter counts and output shapes, the seed
003 network, the references derived from it through the shipped adapters, and what
each simulated mistake gives."""

from __future__ import annotations

import functools

import numpy as np

from ...execute import adapters
from .. import references as ref
from . import key


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


@key
def conv_params(kernel_size, in_channels, filters, use_bias=True) -> int:
    """``Conv2D(filters, kernel_size, use_bias=use_bias)`` built on ``in_channels``: its ``count_params()``."""
    keras = ref._keras()
    layer = keras.layers.Conv2D(int(filters), _pair(kernel_size), use_bias=bool(use_bias))
    layer.build((None, None, None, int(in_channels)))
    return int(layer.count_params())


@key
def params_no_bias(kernel_size, in_channels, filters, use_bias=True) -> int:
    return conv_params(kernel_size, in_channels, filters, use_bias=False)


@key
def params_bias_per_channel(kernel_size, in_channels, filters, use_bias=True) -> int:
    extra = int(in_channels) * int(filters) if use_bias else 0
    return conv_params(kernel_size, in_channels, filters, use_bias=False) + extra


@key
def conv_macs(input_shape, filters, kernel_size, strides=1, padding="valid") -> int:
    """Multiply-adds of one ``Conv2D`` pass over the batch: Keras's output shape (N, H_out, W_out, F)
    times kh * kw * C per output value."""
    n, h_out, w_out, f = ref.conv_output_shape(input_shape, filters, _pair(kernel_size), strides, padding)
    kh, kw = _pair(kernel_size)
    return n * h_out * w_out * f * kh * kw * int(input_shape[3])


@key
def macs_no_plus_one(input_shape, filters, kernel_size, strides=1, padding="valid") -> int:
    """Valid outputs counted as (H - kh) // s rows (the "+ 1" forgotten)."""
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(strides)
    n, h, w, c = (int(d) for d in input_shape)
    if padding != "valid":
        return conv_macs(input_shape, filters, kernel_size, strides, padding)
    return n * ((h - kh) // sh) * ((w - kw) // sw) * int(filters) * kh * kw * c


@key
def macs_stride_ignored(input_shape, filters, kernel_size, strides=1, padding="valid") -> int:
    return conv_macs(input_shape, filters, kernel_size, 1, padding)


@key
def macs_batch_ignored(input_shape, filters, kernel_size, strides=1, padding="valid") -> int:
    return conv_macs((1, *tuple(input_shape)[1:]), filters, kernel_size, strides, padding)


@key
def macs_bias_counted(input_shape, filters, kernel_size, strides=1, padding="valid") -> int:
    """One more addition per output value, for the bias."""
    n, h_out, w_out, f = ref.conv_output_shape(input_shape, filters, _pair(kernel_size), strides, padding)
    return conv_macs(input_shape, filters, kernel_size, strides, padding) + n * h_out * w_out * f


LECTURE_CNN = ((5, 1, 32), (5, 32, 64))
"""Seed 003's two convolutions: (kernel size, input channels, filters)."""


@key
def lecture_cnn_params(use_bias=True) -> list:
    """Per layer (activations aside) of seed 003's network on 28x28x1, 10 classes: Conv2D, MaxPooling2D,
    Conv2D, MaxPooling2D, Flatten, Dense(64), Dense(10), from the Keras model itself."""
    if use_bias:
        model = reference_cnn((28, 28, 1), 10)
        return [int(layer.count_params()) for layer in model.layers if type(layer).__name__ != "ReLU"]
    return [count - bias for count, bias in zip(lecture_cnn_params(), [32, 0, 64, 0, 0, 64, 10], strict=True)]


@key
def lecture_cnn_params_missing_bias() -> list:
    return lecture_cnn_params(use_bias=False)


@key
def shift_demo_image(shift=0) -> np.ndarray:
    """The 4x6 image of the equivariance exercise: one bright pixel at row 1, column 1 + ``shift``."""
    image = np.zeros((4, 6))
    image[1, 1 + shift] = 1.0
    return image


SHIFT_KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]])


@key
def shifted_feature_map() -> np.ndarray:
    """Conv2D with SHIFT_KERNEL on the image shifted 2 pixels to the right."""
    return ref.conv2d_single(shift_demo_image(2), SHIFT_KERNEL, 0.0)


@key
def shifted_feature_map_flipped_kernel() -> np.ndarray:
    return ref.conv2d_single(shift_demo_image(2), SHIFT_KERNEL[::-1, ::-1], 0.0)


@key
def peak_map(column: int) -> np.ndarray:
    """A 4x4 feature map, 0 but for a 5 at row 0, ``column``."""
    feature_map = np.zeros((4, 4))
    feature_map[0, column] = 5.0
    return feature_map


@key
def pooled_shifts() -> np.ndarray:
    """MaxPooling2D(2) of the peak map at column 0 shifted by 1 and by 2 columns: (2, 2, 2)."""
    return np.stack([ref.pool2d(peak_map(c)[None, :, :, None], "max", 2, 2, "valid")[0, :, :, 0] for c in (1, 2)])


@key
def pooled_shifts_pool_stride_one() -> np.ndarray:
    return np.stack([ref.pool2d(peak_map(c)[None, :, :, None], "max", 2, 1, "valid")[0, :, :, 0] for c in (1, 2)])


@key
def cascade(input_shape, filters_per_layer, kernel_size=3) -> list:
    """Output shapes of stacked valid ``Conv2D(f, kernel_size)`` layers, from Keras."""
    shapes, shape = [], tuple(int(d) for d in input_shape)
    for filters in filters_per_layer:
        shape = ref.conv_output_shape(shape, int(filters), _pair(kernel_size))
        shapes.append(shape)
    return shapes


@key
def cascade_no_plus_one(input_shape, filters_per_layer, kernel_size=3) -> list:
    """Each layer shrinks H and W by kh and kw (the "+ 1" forgotten)."""
    kh, kw = _pair(kernel_size)
    n, h, w, _ = (int(d) for d in input_shape)
    shapes = []
    for filters in filters_per_layer:
        h, w = h - kh, w - kw
        shapes.append((n, h, w, int(filters)))
    return shapes


@key
def reference_cnn(input_shape=(28, 28, 1), n_classes=10, without=(), output="softmax"):
    """The seed 003 network. A simulated mistake leaves out the ReLUs after the layers named
    in ``without`` ("conv1", "conv2", "dense": both Conv2D layers and Dense(64)) or gives the
    last Dense another ``output`` activation (None: none at all)."""
    keras = ref._keras()
    layers = keras.layers

    def relu(after: str) -> list:
        return [] if after in without else [layers.ReLU()]

    return keras.Sequential(
        [
            keras.Input(shape=tuple(int(d) for d in input_shape)),
            layers.Conv2D(32, (5, 5)),
            *relu("conv1"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, (5, 5)),
            *relu("conv2"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(64),
            *relu("dense"),
            layers.Dense(int(n_classes), activation=output),
        ]
    )


@key
def expected_kind(kind, input_shape, n_classes) -> str:
    """The kind of model a function must build (no Keras needed)."""
    return kind


@key
def summary(input_shape, n_classes) -> dict:
    return adapters.model_summary(reference_cnn, input_shape, n_classes)


@key
def outputs(input_shape, n_classes, weights_seed, without=(), output="softmax") -> np.ndarray:
    """The seed network's outputs under seeded weights (with ``without``/``output``: a
    mistaken network's, see ``reference_cnn``)."""
    return _outputs(
        tuple(int(d) for d in input_shape), int(n_classes), int(weights_seed), tuple(without), output
    ).copy()


@functools.lru_cache(maxsize=64)
def _outputs(input_shape, n_classes, weights_seed, without, output) -> np.ndarray:
    """Computed once per network and probe: the three model builders' checks share them."""
    builder = functools.partial(reference_cnn, without=without, output=output)
    return adapters.model_outputs(builder, input_shape, n_classes, weights_seed)


@key
def comparison_rules(x_train, y_train, x_test, y_test, **rules) -> dict:
    """What a comparison must satisfy (no training in the trusted process)."""
    return dict(rules)
