"""Checks for 04_cnn_models: count_conv_params, conv_macs, the predictions
(predict_shifted_feature_map, predict_pooled_shifts, predict_lecture_cnn_params, graded by
value against Keras), cascade_output_shapes, the seed 003 network built three ways
(build_sequential_cnn, build_functional_cnn, SubclassedCNN) and compare_mlp_cnn.

Models cross the process boundary as plain data only: the adapters in
``autograder.execute.adapters`` report a model's kind, its layers in call order (class,
parameter count, output shape) and its outputs under seeded weights mapped by kernel
shape. The references are the same adapters applied to the seed network; they and
the simulated mistakes are answer keys (``autograder.author.keys.cnn_models``).
"""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import equal
from ...core.i18n import _
from ...core.plain import describe
from ...core.spec import Check
from .answers import answer
from .edge_detection import kernel_values

# ----------------------------------------------------------------------------------------------
# count_conv_params


PARAM_MISTAKES = {
    "missing-bias": answer("cnn_models.params_no_bias"),
    "bias-per-channel": answer("cnn_models.params_bias_per_channel"),
}


def params_check(name, description, *args, hidden=False, mistakes=None, **kwargs) -> Check:
    return Check(
        "count_conv_params",
        name,
        description,
        answer("cnn_models.conv_params"),
        args,
        kwargs,
        compare=equal,
        hidden=hidden,
        mistakes=PARAM_MISTAKES if mistakes is None else mistakes,
    )


# ----------------------------------------------------------------------------------------------
# conv_macs

MACS_MISTAKES = {
    "off-by-one-size": answer("cnn_models.macs_no_plus_one"),
    "stride-ignored": answer("cnn_models.macs_stride_ignored"),
    "batch-ignored": answer("cnn_models.macs_batch_ignored"),
    "bias-counted": answer("cnn_models.macs_bias_counted"),
}


def macs_check(name, description, *args, hidden=False, **kwargs) -> Check:
    return Check(
        "conv_macs",
        name,
        description,
        answer("cnn_models.conv_macs"),
        args,
        kwargs,
        compare=equal,
        hidden=hidden,
        mistakes=MACS_MISTAKES,
    )


# ----------------------------------------------------------------------------------------------
# Predictions, graded by value


def prediction_check(function, name, description, key, mistakes=()) -> Check:
    """A predict-first exercise: the hand-written values against Keras's on the notebook's own input."""
    return Check(
        function,
        name,
        description,
        answer(f"cnn_models.{key}"),
        compare=kernel_values,
        mistakes={m: answer(f"cnn_models.{key}_{m.replace('-', '_')}") for m in mistakes},
    )


# ----------------------------------------------------------------------------------------------
# cascade_output_shapes


CASCADE_MISTAKES = {"off-by-one-size": answer("cnn_models.cascade_no_plus_one")}


def cascade_check(name, description, *args, hidden=False, **kwargs) -> Check:
    return Check(
        "cascade_output_shapes",
        name,
        description,
        answer("cnn_models.cascade"),
        args,
        kwargs,
        compare=equal,
        hidden=hidden,
        mistakes=CASCADE_MISTAKES,
    )


# ----------------------------------------------------------------------------------------------
# The seed 003 network, three ways


ACTIVATION_ONLY = {"ReLU", "Activation", "Softmax", "Dropout"}
"""Layers without weights that do not change shapes; left out of the layer comparison
(activations are judged by the outputs checks, whichever way they are written)."""


def _core_layers(summary) -> list:
    return [layer for layer in summary["layers"] if layer[0] not in ACTIVATION_ONLY]


def _describe_layers(layers) -> str:
    return ", ".join(f"{name}{tuple(shape[1:])}" for name, _params, shape in layers) or _("no layers")


def _is_summary(value) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("layers"), list)
        and all(isinstance(x, list) and len(x) == 3 for x in value["layers"])
    )


def compare_layers(expected, actual) -> str | None:
    """The layers (activations aside), in call order: same classes, parameter counts and output shapes."""
    if not _is_summary(actual):
        return _("expected a model summary, got {actual}").format(actual=describe(actual))
    want, got = _core_layers(expected), _core_layers(actual)
    names_want, names_got = [x[0] for x in want], [x[0] for x in got]
    if names_want != names_got:
        return _("expected the layers {expected} (activations aside), in this call order; got {actual}").format(
            expected=", ".join(names_want), actual=", ".join(names_got) or _("none")
        )
    for i, ((name, w_params, w_shape), (_name, g_params, g_shape)) in enumerate(zip(want, got, strict=True), start=1):
        if list(w_shape) != list(g_shape):
            return _(
                "layer {i} ({name}): expected output shape {expected}, got {actual}. Your layers: {layers}"
            ).format(i=i, name=name, expected=tuple(w_shape), actual=tuple(g_shape), layers=_describe_layers(got))
        if w_params != g_params:
            return _("layer {i} ({name}): expected {expected} parameters, got {actual}").format(
                i=i, name=name, expected=w_params, actual=g_params
            )
    return None


def compare_total_params(expected, actual) -> str | None:
    """Same total parameter count (``model.count_params()``)."""
    if not isinstance(actual, dict) or not isinstance(actual.get("total_params"), int):
        return _("expected a model summary, got {actual}").format(actual=describe(actual))
    if expected["total_params"] != actual["total_params"]:
        return _("expected {expected} parameters in total, got {actual}").format(
            expected=f"{expected['total_params']:,}", actual=f"{actual['total_params']:,}"
        )
    return None


SEED_SHAPE = (28, 28, 1)
RELU_AFTER = ("conv1", "conv2", "dense")
"""The seed network's ReLUs, by the layer they follow: both Conv2D layers and Dense(64)."""


def _network_mistake(**change) -> functools.partial:
    return functools.partial(answer("cnn_models.outputs"), **change)


OUTPUT_MISTAKES = {
    "activation-missing@relus": _network_mistake(without=RELU_AFTER),
    **{f"activation-missing@{after}": _network_mistake(without=(after,)) for after in RELU_AFTER},
    "activation-missing@softmax": _network_mistake(output=None),
    "wrong-activation@sigmoid": _network_mistake(output="sigmoid"),
    "wrong-activation@relu": _network_mistake(output="relu"),
}
"""The seed network with every ReLU, one ReLU or the softmax left out, or another activation
on the last layer: what its outputs are under the same seeded weights."""
_NAMES = {"build_sequential_cnn": "Sequential", "build_functional_cnn": "Functional", "SubclassedCNN": "Subclassed"}


def _model_check(function, name, description, reference, compare, adapter, input_shape, n_classes, hidden) -> Check:
    kwargs = {"input_shape": tuple(input_shape), "n_classes": n_classes}
    return Check(function, name, description, reference, (), kwargs, compare=compare, hidden=hidden, adapter=adapter)


def kind_check(function, name, description, input_shape=SEED_SHAPE, n_classes=10, hidden=False) -> Check:
    reference = functools.partial(answer("cnn_models.expected_kind"), _NAMES[function])
    return _model_check(function, name, description, reference, equal, "model_kind", input_shape, n_classes, hidden)


def layers_check(function, name, description, input_shape=SEED_SHAPE, n_classes=10, hidden=False) -> Check:
    return _model_check(
        function,
        name,
        description,
        answer("cnn_models.summary"),
        compare_layers,
        "model_summary",
        input_shape,
        n_classes,
        hidden,
    )


def total_params_check(function, name, description, input_shape=SEED_SHAPE, n_classes=10, hidden=False) -> Check:
    return _model_check(
        function,
        name,
        description,
        answer("cnn_models.summary"),
        compare_total_params,
        "model_summary",
        input_shape,
        n_classes,
        hidden,
    )


def outputs_check(
    function, name, description, weights_seed, input_shape=SEED_SHAPE, n_classes=10, hidden=False, mistakes=None
) -> Check:
    return Check(
        function,
        name,
        description,
        answer("cnn_models.outputs"),
        (),
        {"input_shape": tuple(input_shape), "n_classes": n_classes, "weights_seed": int(weights_seed)},
        hidden=hidden,
        adapter="model_outputs",
        mistakes=OUTPUT_MISTAKES if mistakes is None else mistakes,
    )


def _model_public_checks(function: str, kind_text: str) -> list[Check]:
    who = f"{function}()" if function != "SubclassedCNN" else "SubclassedCNN(n_classes=10) called on 28x28x1 images"
    return [
        kind_check(
            function,
            f"test_{function}_{kind_text[0]}",
            kind_text[1],
        ),
        layers_check(
            function,
            f"test_{function}_has_the_lecture_layers_in_order",
            f"{who} runs Conv2D(32, 5), MaxPooling2D(2), Conv2D(64, 5), MaxPooling2D(2), Flatten, Dense(64), "
            "Dense(10) with the lecture's parameter counts (832, 0, 51264, 0, 0, 65600, 650) and output shapes.",
        ),
        total_params_check(
            function,
            f"test_{function}_has_118346_parameters",
            f"{who} has 118,346 parameters in total, as Keras's count_params() counts them.",
        ),
        layers_check(
            function,
            f"test_{function}_layers_follow_the_input_shape_and_classes",
            f"{function} for (32, 27, 2) images and 4 classes, not hard-coded for 28x28x1 and 10: the pooling "
            "floors odd sizes (28x23 -> 14x11, 10x7 -> 5x3), Flatten gives 960 features, the last Dense 4 units.",
            input_shape=(32, 27, 2),
            n_classes=4,
        ),
        outputs_check(
            function,
            f"test_{function}_gives_the_reference_outputs_with_the_same_weights",
            "With seeded weights set on its layers (matched by kernel shape), the model's softmax outputs on "
            "2 images equal the reference network's.",
            weights_seed=3,
        ),
    ]


KIND_TEXT = {
    "build_sequential_cnn": (
        "returns_a_keras_sequential_model",
        "build_sequential_cnn() returns a keras.Sequential model.",
    ),
    "build_functional_cnn": (
        "returns_a_functional_model",
        "build_functional_cnn() returns a functional model, keras.Model(inputs=..., outputs=...), not a Sequential.",
    ),
    "SubclassedCNN": (
        "is_a_subclass_of_keras_model",
        "SubclassedCNN is a class derived from keras.Model with its own call(), not a Sequential or functional model.",
    ),
}


# ----------------------------------------------------------------------------------------------
# compare_mlp_cnn

MIN_CNN_ACCURACY = 0.90
"""Measured on held-out quarters of the digits: a CNN with 6,090 parameters (the
solution) reaches 0.967-0.984 in 10 epochs; the seed's own net2 (4,090 parameters)
reaches 0.92-0.95 in 8-20 epochs but only 0.76 after 5; the seed's MLP 0.955-0.98.
0.90 asks for a trained CNN and leaves room for other designs."""
MAX_SHIFTED_ACCURACY = 0.30
"""With every test label shifted by one class a model that really predicts digits scores
about 0.02; chance is 0.10. Above 0.30 the accuracy was not measured on the test set given."""
KEYS = ("mlp_params", "cnn_params", "mlp_accuracy", "cnn_accuracy")


def digits_split(seed: int, shift_test_labels: bool = False):
    """scikit-learn's digits: x (N, 8, 8, 1) float32 in [0, 1], y int64 labels;
    a stratified 75/25 split drawn with ``seed``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    if shift_test_labels:
        y_test = (y_test + 1) % 10
    return x_train, y_train, x_test, y_test


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def judge_comparison(rules, actual) -> str | None:
    """Keys present; parameter counts positive ints with cnn < mlp; accuracies in [0, 1]
    and within the rules' bars."""
    keys = ", ".join(KEYS)
    if not isinstance(actual, dict):
        return _("expected a dict with keys {keys}, got {actual}").format(keys=keys, actual=describe(actual))
    missing = [k for k in KEYS if k not in actual]
    if missing:
        return _("the dict has no key(s) {missing}; it must have {keys}").format(
            missing=", ".join(repr(k) for k in missing), keys=keys
        )
    for key in ("mlp_params", "cnn_params"):
        if not _is_count(actual[key]):
            return _("{key} must be a positive int (model.count_params()), got {actual}").format(
                key=key, actual=describe(actual[key])
            )
    for key in ("mlp_accuracy", "cnn_accuracy"):
        value = actual[key]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
            return _("{key} must be a number in [0, 1] (a fraction, not a percentage), got {actual}").format(
                key=key, actual=describe(value)
            )
    if not actual["cnn_params"] < actual["mlp_params"]:
        return _(
            "the CNN should need fewer parameters than the MLP: cnn_params {cnn_params} >= mlp_params {mlp_params}"
        ).format(cnn_params=f"{actual['cnn_params']:,}", mlp_params=f"{actual['mlp_params']:,}")
    if "min_cnn_accuracy" in rules and actual["cnn_accuracy"] < rules["min_cnn_accuracy"]:
        return _("cnn_accuracy {accuracy} is below the bar {bar}").format(
            accuracy=f"{actual['cnn_accuracy']:.4f}", bar=f"{rules['min_cnn_accuracy']:.2f}"
        )
    if "max_accuracy" in rules:
        for key in ("mlp_accuracy", "cnn_accuracy"):
            if actual[key] > rules["max_accuracy"]:
                return _(
                    "{key} is {accuracy} on test labels that were all shifted by one class, where a model "
                    "trained on x_train/y_train scores near 0: the accuracy must be measured on x_test/y_test"
                ).format(key=key, accuracy=f"{actual[key]:.4f}")
    return None


def comparison_check(name, description, seed, hidden=False, readonly=False, shift=False, points=1.0) -> Check:
    rules = {"max_accuracy": MAX_SHIFTED_ACCURACY} if shift else {"min_cnn_accuracy": MIN_CNN_ACCURACY}
    return Check(
        "compare_mlp_cnn",
        name,
        description,
        functools.partial(answer("cnn_models.comparison_rules"), **rules),
        digits_split(seed, shift_test_labels=shift),
        compare=judge_comparison,
        hidden=hidden,
        readonly=readonly,
        timeout=120.0,
        points=points,
    )


# ----------------------------------------------------------------------------------------------


def public_checks() -> list[Check]:
    checks = [
        params_check(
            "test_count_conv_params_of_the_lecture_first_layer",
            "count_conv_params(5, 1, 32) is 832: 5*5*1*32 weights + 32 biases (the first Conv2D of the lecture's MNIST network).",
            5,
            1,
            32,
            mistakes={"missing-bias": PARAM_MISTAKES["missing-bias"]},
        ),
        params_check(
            "test_count_conv_params_of_the_lecture_second_layer",
            "count_conv_params(5, 32, 64) is 51264: 5*5*32*64 + 64 (the second Conv2D of the lecture's MNIST network).",
            5,
            32,
            64,
        ),
        params_check(
            "test_count_conv_params_without_bias",
            "count_conv_params((3, 2), 4, 6, use_bias=False) is 3*2*4*6 = 144.",
            (3, 2),
            4,
            6,
            use_bias=False,
            mistakes={},
        ),
        macs_check(
            "test_conv_macs_of_the_lecture_first_layer_on_one_image",
            "conv_macs((1, 28, 28, 1), 32, 5) is 24 * 24 * 32 * 5 * 5 * 1 = 460800: 24 x 24 outputs per filter "
            "(28 - 5 + 1), each a sum of 25 products; the bias additions are not counted.",
            (1, 28, 28, 1),
            32,
            5,
        ),
        macs_check(
            "test_conv_macs_counts_every_image_of_the_batch",
            "conv_macs((2, 12, 12, 32), 64, 5), the lecture's second Conv2D on a batch of 2: "
            "2 * 8 * 8 * 64 * 5 * 5 * 32 = 6553600, twice one image's.",
            (2, 12, 12, 32),
            64,
            5,
        ),
        macs_check(
            "test_conv_macs_with_a_stride_and_a_kernel_pair",
            "conv_macs((1, 9, 7, 3), 4, (3, 2), strides=2): (9 - 3) // 2 + 1 = 4 rows and (7 - 2) // 2 + 1 = 3 "
            "columns of outputs, 4 * 3 * 4 * 3 * 2 * 3 = 864.",
            (1, 9, 7, 3),
            4,
            (3, 2),
            strides=2,
        ),
        macs_check(
            "test_conv_macs_with_same_padding_and_a_stride_pair",
            "conv_macs((3, 10, 7, 2), 5, 4, strides=(2, 3), padding='same'): ceil(10 / 2) = 5 by ceil(7 / 3) = 3 "
            "outputs per filter and image, 3 * 5 * 3 * 5 * 4 * 4 * 2 = 7200 (padded cells are multiplied too).",
            (3, 10, 7, 2),
            5,
            4,
            strides=(2, 3),
            padding="same",
        ),
        prediction_check(
            "predict_shifted_feature_map",
            "test_predict_shifted_feature_map_is_what_keras_computes",
            "Your hand-written feature map of the image shifted 2 pixels to the right equals Conv2D's, value for "
            "value and in shape.",
            "shifted_feature_map",
            mistakes=("flipped-kernel",),
        ),
        prediction_check(
            "predict_pooled_shifts",
            "test_predict_pooled_shifts_is_what_keras_computes",
            "Your hand-written MaxPooling2D(2) outputs of the peak map shifted by 1 and by 2 columns equal Keras's, "
            "shape (2, 2, 2).",
            "pooled_shifts",
            mistakes=("pool-stride-one",),
        ),
        cascade_check(
            "test_cascade_output_shapes_of_the_lecture_example",
            "(32, 28, 28, 3) through Conv2D 10, 20, 30 filters of 3x3 gives (32, 26, 26, 10), (32, 24, 24, 20), "
            "(32, 22, 22, 30).",
            (32, 28, 28, 3),
            [10, 20, 30],
        ),
        cascade_check(
            "test_cascade_output_shapes_with_5x5_kernels",
            "(2, 20, 16, 1) through Conv2D 4 and 8 filters of 5x5 gives (2, 16, 12, 4), (2, 12, 8, 8).",
            (2, 20, 16, 1),
            [4, 8],
            kernel_size=5,
        ),
        cascade_check(
            "test_cascade_output_shapes_with_a_kernel_pair",
            "(4, 12, 10, 2) through Conv2D 3 and 5 filters of (2, 4) gives (4, 11, 7, 3), (4, 10, 4, 5): "
            "kernel_size may be a pair (kh, kw).",
            (4, 12, 10, 2),
            [3, 5],
            kernel_size=(2, 4),
        ),
    ]
    checks.append(
        prediction_check(
            "predict_lecture_cnn_params",
            "test_predict_lecture_cnn_params_is_what_keras_counts",
            "Your hand-written parameter counts of the lecture network's Conv2D, MaxPooling2D, Conv2D, "
            "MaxPooling2D, Flatten, Dense and Dense layers (28x28x1 input, 10 classes) equal Keras's count_params().",
            "lecture_cnn_params",
            mistakes=("missing-bias",),
        )
    )
    for function in ("build_sequential_cnn", "build_functional_cnn", "SubclassedCNN"):
        checks += _model_public_checks(function, KIND_TEXT[function])
    checks.append(
        comparison_check(
            "test_compare_mlp_cnn_on_the_digits",
            f"On a 75/25 split of the 8x8 digits, the dict has the four keys, cnn_params < mlp_params, "
            f"accuracies in [0, 1] and cnn_accuracy >= {MIN_CNN_ACCURACY}.",
            seed=0,
            points=2.0,
        )
    )
    return checks
