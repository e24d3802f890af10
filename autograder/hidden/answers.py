"""Reference implementations that are also answers to exercises. They are left out
of the student copy, which carries their precomputed results instead (see
``autograder.answers``)."""

from __future__ import annotations

import numpy as np

from .. import references as ref
from ..checks.edge_detection import windows


def reference_cnn(input_shape=(28, 28, 1), n_classes=10, relu=True, softmax=True):
    """The seed 003 network (``relu``/``softmax`` False simulate forgetting them)."""
    keras = ref._keras()
    layers = keras.layers

    def relu_layers() -> list:
        return [layers.ReLU()] if relu else []

    return keras.Sequential(
        [
            keras.Input(shape=tuple(int(d) for d in input_shape)),
            layers.Conv2D(32, (5, 5)),
            *relu_layers(),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, (5, 5)),
            *relu_layers(),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(64),
            *relu_layers(),
            layers.Dense(int(n_classes), activation="softmax" if softmax else None),
        ]
    )


def least_squares_kernel(X, Y, kernel_shape) -> np.ndarray:
    """The kernel that maps X to Y exactly: least squares over all windows (the data are well posed)."""
    kh, kw = (int(k) for k in kernel_shape)
    design = windows(X, (kh, kw)).reshape(-1, kh * kw)
    solution, *_ = np.linalg.lstsq(design, np.asarray(Y, dtype=np.float64).reshape(-1), rcond=None)
    return solution.reshape(kh, kw)
