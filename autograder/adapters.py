"""Adapters: turn answers that are not plain data (e.g. Keras models) into plain
data, beside the student code. A check names its adapter in ``Check.adapter``;
each adapter is called as ``adapter(student_object, *args, **kwargs)``.

The model adapters (04_cnn_models) build the student's model, call it on a probe
batch while recording which layers run, in CALL order (so the order in which a
subclassed model creates its layers does not matter), and set seeded weights by
kernel shape. The same adapters applied to a reference builder, in the trusted
process, give the expected answers.
"""

from __future__ import annotations

import numpy as np

SEED_CONV_FILTERS = (32, 64)
SEED_KERNEL_SIZE = 5
SEED_DENSE_UNITS = 64


def _keras():
    from .quiet import quiet_tensorflow

    quiet_tensorflow()
    import keras

    return keras


# ----------------------------------------------------------------------------------------------
# 04_cnn_models: building, tracing and weighting a model


def seed_cnn_weight_shapes(input_shape, n_classes) -> list[tuple[int, ...]]:
    """Shapes of the seed 003 network's weights in canonical order: conv1 kernel, bias,
    conv2 kernel, bias, dense1 kernel, bias, dense2 kernel, bias."""
    h, w, c = (int(d) for d in input_shape)
    k = SEED_KERNEL_SIZE
    f1, f2 = SEED_CONV_FILTERS
    h2, w2 = ((h - k + 1) // 2 - k + 1) // 2, ((w - k + 1) // 2 - k + 1) // 2
    units, n = SEED_DENSE_UNITS, int(n_classes)
    return [(k, k, c, f1), (f1,), (k, k, f1, f2), (f2,), (h2 * w2 * f2, units), (units,), (units, n), (n,)]


def seeded_weights_and_probe(input_shape, n_classes, weights_seed) -> tuple[list[np.ndarray], np.ndarray]:
    """The canonical weights (He-scaled kernels, non-zero biases) and a probe batch of
    2 images in [0, 1), all float32, drawn from ``weights_seed``."""
    rng = np.random.default_rng(int(weights_seed))
    weights = []
    for shape in seed_cnn_weight_shapes(input_shape, n_classes):
        if len(shape) > 1:
            fan_in = int(np.prod(shape[:-1]))
            weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(np.float32))
        else:
            weights.append(rng.normal(0.0, 0.1, size=shape).astype(np.float32))
    probe = rng.uniform(0.0, 1.0, size=(2, *(int(d) for d in input_shape))).astype(np.float32)
    return weights, probe


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


def _set_weights_by_shape(calls, weights) -> None:
    """Give each called layer the canonical kernel of its own kernel's shape, and the
    bias that goes with that kernel."""
    kernels = {tuple(weights[i].shape): i for i in range(0, len(weights), 2)}
    done: set[int] = set()
    for layer, _ in calls:
        if id(layer) in done or not layer.weights:
            continue
        done.add(id(layer))
        found = [tuple(v.shape) for v in layer.weights if len(v.shape) >= 2]
        if len(found) != 1 or found[0] not in kernels:
            shapes = [tuple(v.shape) for v in layer.weights]
            wanted = ", ".join(str(s) for s in kernels) or "none left"
            raise ValueError(
                f"the grader cannot set the seed network's weights: layer {layer.name!r} "
                f"({type(layer).__name__}) has weights of shapes {shapes}, but the kernels still to place "
                f"have shapes {wanted}"
            )
        index = kernels.pop(found[0])
        values = [weights[index] if len(v.shape) >= 2 else weights[index + 1] for v in layer.weights]
        layer.set_weights(values)
    if kernels:
        missing = ", ".join(str(s) for s in kernels)
        raise ValueError(f"the grader cannot set the seed network's weights: no layer has a kernel of shape {missing}")


def model_outputs(obj, input_shape, n_classes, weights_seed) -> np.ndarray:
    """The model's outputs on the seeded probe after setting the seeded weights.

    Builds the model (a subclassed one is called once to create its weights), maps the
    canonical weights to its layers by kernel shape, and calls it on the probe.

    Returns:
        (2, n_classes) float32.
    """
    weights, probe = seeded_weights_and_probe(input_shape, n_classes, weights_seed)
    model = _make_model(obj, input_shape, n_classes)
    model(probe)
    _, calls = _traced_call(model, probe)
    _set_weights_by_shape(calls, weights)
    out, _ = _traced_call(model, probe)
    return out
