"""Hidden checks for 04_cnn_models, following the blind-spot rules: C >= 2, C != F,
kh != kw, H != W with H_out != W_out (odd sizes the pooling floors), NumPy integers,
non-28x28x1 models with other class counts, weights and probes drawn from the course
secret, a fresh digits split passed read-only, and test labels that expose an
accuracy not measured on the test set."""

from __future__ import annotations

import numpy as np

from ..public.cnn_models import (
    cascade_check,
    comparison_check,
    layers_check,
    macs_check,
    outputs_check,
    params_check,
    total_params_check,
)
from . import rng


def _model_hidden_checks(function: str, r: np.random.Generator) -> list:
    return [
        layers_check(
            function,
            f"test_{function}_layers_follow_a_30x25x3_input",
            f"{function} for (30, 25, 3) images and 5 classes: odd sizes are floored by the pooling "
            "(26x21 -> 13x10, 9x6 -> 4x3) and Flatten gives 768 features.",
            input_shape=(30, 25, 3),
            n_classes=5,
            hidden=True,
        ),
        total_params_check(
            function,
            f"test_{function}_parameters_follow_the_input_and_classes",
            f"{function} for (36, 29, 2) images and 7 classes has Keras's parameter count.",
            input_shape=(36, 29, 2),
            n_classes=7,
            hidden=True,
        ),
        outputs_check(
            function,
            f"test_{function}_outputs_for_a_30x25x3_input",
            "With secret seeded weights on (30, 25, 3) images and 5 classes the outputs equal the reference's.",
            weights_seed=int(r.integers(1, 2**31)),
            input_shape=(30, 25, 3),
            n_classes=5,
            hidden=True,
        ),
        outputs_check(
            function,
            f"test_{function}_outputs_are_softmax_probabilities",
            "With secret seeded weights on (33, 40, 4) images and 3 classes the outputs are the reference's "
            "softmax probabilities.",
            weights_seed=int(r.integers(1, 2**31)),
            input_shape=(33, 40, 4),
            n_classes=3,
            hidden=True,
        ),
    ]


def hidden_checks(student: str) -> list:
    r = rng("cnn_models", student)
    i64 = np.int64
    checks = [
        params_check(
            "test_count_conv_params_with_a_rectangular_kernel",
            "A (3, 2) kernel on 4 channels with 7 filters.",
            (3, 2),
            4,
            7,
            hidden=True,
        ),
        params_check(
            "test_count_conv_params_with_numpy_integers",
            "Sizes given as np.int64: a (1, 4) kernel, 3 channels, 8 filters.",
            (i64(1), i64(4)),
            i64(3),
            i64(8),
            hidden=True,
        ),
        params_check(
            "test_count_conv_params_without_bias_on_many_channels",
            "use_bias=False with a (2, 5) kernel, 6 channels and 3 filters counts the kernel only.",
            (2, 5),
            6,
            3,
            use_bias=False,
            hidden=True,
            mistakes={},
        ),
        params_check(
            "test_count_conv_params_with_an_explicit_bias",
            "use_bias=True given explicitly: a 4x4 kernel, 2 channels, 9 filters.",
            4,
            2,
            9,
            use_bias=True,
            hidden=True,
        ),
        macs_check(
            "test_conv_macs_with_stride_2_that_does_not_divide",
            "A batch of 3 (11, 8, 2) images, 5 filters of (3, 4), stride 2: 5 x 3 outputs, the last row unused.",
            (3, 11, 8, 2),
            5,
            (3, 4),
            strides=2,
            hidden=True,
        ),
        macs_check(
            "test_conv_macs_with_odd_total_same_padding",
            "'same' on (2, 5, 5, 3) with 7 filters of 4x4, stride 2: 3 x 3 outputs per filter (the odd total "
            "padding changes the split, not the count).",
            (2, 5, 5, 3),
            7,
            4,
            strides=2,
            padding="same",
            hidden=True,
        ),
        macs_check(
            "test_conv_macs_with_numpy_integers_and_a_stride_pair",
            "Sizes as np.int64: (4, 13, 9, 6), 2 filters of (2, 3), strides (3, 2).",
            (i64(4), i64(13), i64(9), i64(6)),
            i64(2),
            (i64(2), i64(3)),
            strides=(i64(3), i64(2)),
            hidden=True,
        ),
        macs_check(
            "test_conv_macs_of_a_valid_layer_with_more_filters_than_channels",
            "A batch of 2 (7, 10, 3) images, 8 filters of (5, 2), the defaults.",
            (2, 7, 10, 3),
            8,
            (5, 2),
            hidden=True,
        ),
        cascade_check(
            "test_cascade_output_shapes_of_four_rectangular_layers",
            "(3, 19, 14, 2) through four 3x3 layers of 5, 7, 4, 6 filters.",
            (3, 19, 14, 2),
            [5, 7, 4, 6],
            hidden=True,
        ),
        cascade_check(
            "test_cascade_output_shapes_with_a_rectangular_kernel",
            "(2, 13, 9, 5) through three (3, 2) layers of 3, 6, 2 filters.",
            (2, 13, 9, 5),
            [3, 6, 2],
            kernel_size=(3, 2),
            hidden=True,
        ),
        cascade_check(
            "test_cascade_output_shapes_with_numpy_integers",
            "Sizes as np.int64 and the filters as a NumPy array: (2, 17, 11, 3), [8, 16], kernel 4.",
            (i64(2), i64(17), i64(11), i64(3)),
            np.array([8, 16]),
            kernel_size=i64(4),
            hidden=True,
        ),
    ]
    for function in ("build_sequential_cnn", "build_functional_cnn", "SubclassedCNN"):
        checks += _model_hidden_checks(function, r)
    split_seed = int(r.integers(1, 2**31))
    checks.append(
        comparison_check(
            "test_compare_mlp_cnn_measures_accuracy_on_the_test_set_of_another_split",
            "On a secret 75/25 split of the digits, passed read-only, with the test labels shifted by one class "
            "(y + 1) % 10: fewer parameters for the CNN, and accuracies measured on x_test/y_test fall near 0.",
            seed=split_seed,
            hidden=True,
            readonly=True,
            shift=True,
            points=3.0,
        )
    )
    return checks
