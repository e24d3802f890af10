"""Keras references: each builds the named Keras layer with exactly the given
weights and returns NumPy. They run only in trusted processes; Keras is imported
on first use so importing this module stays cheap."""

from __future__ import annotations

import numpy as np


def _keras():
    from ..core.quiet import quiet_tensorflow

    quiet_tensorflow()
    import keras

    return keras


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def conv2d(x, kernel, bias=None, strides=1, padding="valid", activation=None) -> np.ndarray:
    """``Conv2D`` with these weights.

    Args:
        x: (N, H, W, C), any real dtype (cast to float32 as Keras needs).
        kernel: (kh, kw, C, F).
        bias: (F,), or None for ``use_bias=False``.

    Returns:
        (N, H_out, W_out, F) float32.
    """
    keras = _keras()
    kernel = np.asarray(kernel, dtype=np.float32)
    layer = keras.layers.Conv2D(
        kernel.shape[3],
        kernel.shape[:2],
        strides=_pair(strides),
        padding=padding,
        activation=activation,
        use_bias=bias is not None,
    )
    x = np.asarray(x, dtype=np.float32)
    layer.build(x.shape)
    weights = [kernel] if bias is None else [kernel, np.asarray(bias, dtype=np.float32).reshape(-1)]
    layer.set_weights(weights)
    return np.asarray(layer(x))


def conv2d_single(image, kernel, bias=0.0) -> np.ndarray:
    """One filter on one image, as ``conv2d_manual`` is specified.

    Args:
        image: (H, W) or (H, W, C).
        kernel: (kh, kw) or (kh, kw, C), same rank as image.
        bias: a scalar.

    Returns:
        (H - kh + 1, W - kw + 1).
    """
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim == 2:
        image, kernel = image[..., None], kernel[..., None]
    out = conv2d(image[None], kernel[..., None], np.array([bias], dtype=np.float64))
    return out[0, :, :, 0]


def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid") -> tuple:
    """``Conv2D(...).compute_output_shape(input_shape)``."""
    keras = _keras()
    layer = keras.layers.Conv2D(int(filters), _pair(kernel_size), strides=_pair(strides), padding=padding)
    return tuple(int(d) for d in layer.compute_output_shape(tuple(int(d) for d in input_shape)))


def conv_weight_shapes(in_channels, filters, kernel_size) -> tuple:
    """Shapes of a built ``Conv2D``'s kernel and bias."""
    keras = _keras()
    layer = keras.layers.Conv2D(int(filters), _pair(kernel_size))
    layer.build((None, 16, 16, int(in_channels)))
    return tuple(layer.kernel.shape), tuple(layer.bias.shape)


def pool2d(x, kind="max", pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """``MaxPooling2D`` or ``AveragePooling2D`` (``kind`` "max"/"avg") on (N, H, W, C),
    computed in float64 so integer inputs are not truncated."""
    keras = _keras()
    layer_type = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    layer = layer_type(_pair(pool_size), strides=None if strides is None else _pair(strides), padding=padding)
    return np.asarray(layer(np.asarray(x, dtype=np.float64)))
