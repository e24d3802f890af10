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
