"""Adapters: turn answers that are not plain data (e.g. Keras models) into plain
data, beside the student code. A check names its adapter in ``Check.adapter``;
each adapter is called as ``adapter(student_object, *args, **kwargs)``.

The model adapters (04_cnn_models) build the student's model, call it on a probe
batch while recording which layers run, in CALL order (so the order in which a
subclassed model creates its layers does not matter), and set seeded weights by
kernel shape. They know nothing of the network a student must build. The same adapters applied to a reference builder, in the trusted
process, give the expected answers.
"""

from __future__ import annotations

import numpy as np


def _keras():
    from ..core.quiet import quiet_tensorflow

    quiet_tensorflow()
    import keras

    return keras


# ----------------------------------------------------------------------------------------------
# 04_cnn_models: building, tracing and weighting a model


def _probe(input_shape, weights_seed) -> np.ndarray:
    """A batch of 2 images in [0, 1) of ``input_shape`` (H, W, C), float32, drawn from ``weights_seed``."""
    rng = np.random.default_rng(int(weights_seed))
    return rng.uniform(0.0, 1.0, size=(2, *(int(d) for d in input_shape))).astype(np.float32)


def _make_model(obj, input_shape, n_classes):
    """The student's model: a class is instantiated with ``n_classes`` (its input shape
    comes with the first call); a builder is called with both arguments."""
    keras = _keras()
    input_shape = tuple(int(d) for d in input_shape)
    if isinstance(obj, type):
        model = obj(n_classes=int(n_classes))
    else:
        model = obj(input_shape=input_shape, n_classes=int(n_classes))
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a keras.Model, got an object of type {type(model).__name__}")
    return model


def _traced_call(model, probe) -> tuple[np.ndarray, list]:
    """Call ``model`` on ``probe``; return its output and the (layer, output) pairs of
    every non-model layer call, in call order."""
    keras = _keras()
    layer_type = keras.layers.Layer
    original = layer_type.__call__
    calls: list = []

    def traced(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        if not isinstance(self, keras.Model):
            calls.append((self, out))
        return out

    layer_type.__call__ = traced
    try:
        out = model(probe)
    finally:
        layer_type.__call__ = original
    return np.asarray(out), calls


def _kind(model) -> str:
    keras = _keras()
    from keras.src.models.functional import Functional

    if isinstance(model, keras.Sequential):
        return "Sequential"
    if isinstance(model, Functional):
        return "Functional"
    return "Subclassed"


def _layer_name(layer, out) -> str:
    name = type(layer).__name__
    if name == "Reshape" and len(getattr(out, "shape", ())) == 2:
        return "Flatten"
    return name


def model_summary(obj, input_shape, n_classes) -> dict:
    """The layers ``obj``'s model runs, in call order, and its parameter count.

    Returns:
        {"total_params": int, "layers": [[class name, params, output shape [N, ...]], ...]},
        for a call on 2 zero images of ``input_shape`` (after a first, untraced call that
        builds a subclassed model).
    """
    model = _make_model(obj, input_shape, n_classes)
    probe = np.zeros((2, *(int(d) for d in input_shape)), dtype=np.float32)
    model(probe)
    _, calls = _traced_call(model, probe)
    layers = [
        [_layer_name(layer, out), int(layer.count_params()), [int(d) for d in getattr(out, "shape", ())]]
        for layer, out in calls
    ]
    return {"total_params": int(model.count_params()), "layers": layers}


def model_kind(obj, input_shape, n_classes) -> str:
    """The kind of model ``obj`` makes: "Sequential", "Functional" or "Subclassed"."""
    return _kind(_make_model(obj, input_shape, n_classes))


def _set_seeded_weights(calls, weights_seed) -> None:
    """Give every called layer canonical weights that depend only on ``weights_seed`` and
    the shape of the layer's kernel (its first weight of two or more dimensions): kernels
    He-scaled, other weights (biases) small and non-zero, float32. A layer gets the same
    values in any model that has a layer of its kernel's shape, whatever order the model
    creates its layers in."""
    done: set[int] = set()
    for layer, _ in calls:
        if id(layer) in done or not layer.weights:
            continue
        done.add(id(layer))
        shapes = [tuple(int(d) for d in v.shape) for v in layer.weights]
        key = next((shape for shape in shapes if len(shape) >= 2), shapes[0])
        values = []
        for index, shape in enumerate(shapes):
            rng = np.random.default_rng([int(weights_seed), index, *key])
            scale = np.sqrt(2.0 / int(np.prod(shape[:-1]))) if len(shape) > 1 else 0.1
            values.append(rng.normal(0.0, scale, size=shape).astype(np.float32))
        layer.set_weights(values)


def model_outputs(obj, input_shape, n_classes, weights_seed) -> np.ndarray:
    """The model's outputs on the seeded probe after setting the seeded weights.

    Builds the model (a subclassed one is called once to create its weights), gives its
    layers the canonical weights of their kernels' shapes, and calls it on the probe.

    Returns:
        (2, n_classes) float32.
    """
    probe = _probe(input_shape, weights_seed)
    model = _make_model(obj, input_shape, n_classes)
    model(probe)
    _, calls = _traced_call(model, probe)
    _set_seeded_weights(calls, weights_seed)
    out, _ = _traced_call(model, probe)
    return out
