"""Checks for 02_filters: predict_output_shapes (stride and padding, predicted by hand),
pad_same (the staged step), multi_filter_conv (several filters, stride, padding,
activation) and channels_first (the transpose/swapaxes lesson)."""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import allclose, equal
from ...core.i18n import _
from ...core.spec import Check
from .answers import answer

ACTIVATIONS = (None, "linear", "relu", "sigmoid", "tanh")

# Simulated mistakes: what Keras gives for each (answer keys in ``autograder.author.keys.filters``).
CONV_SIMULATORS = {
    "flipped-kernel": "flipped",
    "missing-bias": "no_bias",
    "bias-per-channel": "bias_per_channel",
    "bias-per-element": "bias_per_element",
    "stride-ignored": "stride_ignored",
    "same-padding-symmetric": "same_symmetric",
    "activation-missing": "activation_missing",
    "mean-instead-of-sum": "mean",
    "filters-summed": "filters_summed",
    "reshape-instead-of-transpose": "kernels_reshaped",
    "integer-overflow": "stored_in_uint8",
}
APPLIED = ("relu", "sigmoid", "tanh")
"""The activations a student may apply where another (or none) was asked for: sigmoid and
tanh, the two squashing functions, get mixed up, the seed's manual code hard-codes
sigmoid, and relu is every lecture model's habit."""


def conv_mistakes(images, kernels, biases, strides=1, padding="valid", activation=None) -> dict:
    """The simulated mistakes that can show on this input, judged from the input alone
    (a 'same' call gets the symmetric-padding mistake even where the total padding is
    even and the mistake gives the answer itself). An activation applied where none was
    asked, or a wrong one, is simulated for every activation name (``id@name``)."""
    kernels = np.asarray(kernels)
    found = []
    if not np.array_equal(kernels, kernels[::-1, ::-1]):
        found.append("flipped-kernel")
    if np.any(np.asarray(biases) != 0):
        found.append("missing-bias")
        if kernels.shape[2] > 1:
            found.append("bias-per-channel")
        found.append("bias-per-element")
    if np.any(np.asarray(strides) != 1):
        found.append("stride-ignored")
    if padding == "same":
        found.append("same-padding-symmetric")
    found.append("mean-instead-of-sum")
    if kernels.shape[3] > 1:
        found += ["filters-summed", "reshape-instead-of-transpose"]
    if activation in APPLIED:
        found.append("activation-missing")
    if np.asarray(images).dtype == np.uint8:
        found.append("integer-overflow")
    sims = {mid: answer(f"filters.{CONV_SIMULATORS[mid]}") for mid in found}
    if activation in APPLIED:
        for other in (a for a in APPLIED if a != activation):
            sims[f"wrong-activation@{other}"] = functools.partial(answer("filters.wrong_activation"), applied=other)
    else:
        for applied in APPLIED:
            sims[f"activation-applied@{applied}"] = functools.partial(
                answer("filters.activation_applied"), applied=applied
            )
    return sims


def conv_check(name, description, images, kernels, biases, hidden=False, readonly=False, points=1.0, **kwargs) -> Check:
    """A multi_filter_conv check; ``kwargs`` are the strides/padding/activation passed to the student."""
    return Check(
        "multi_filter_conv",
        name,
        description,
        answer("filters.multi_filter_conv"),
        (images, kernels, biases),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        points=points,
        manual=True,
        mistakes=conv_mistakes(images, kernels, biases, **kwargs),
    )


def padded_close(expected, actual) -> str | None:
    """``allclose``, where infinite borders must be the same infinities (-inf - -inf is not 0)."""
    if isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray) and expected.shape == actual.shape:
        exp, act = expected.astype(np.float64), actual.astype(np.float64)
        where = np.isinf(exp) | np.isinf(act)
        if not np.array_equal(exp[where], act[where]):
            index = tuple(int(i) for i in np.argwhere(where & (exp != act))[0])
            return _(
                "first difference at {where}: expected {expected}, got {actual} ({bad} of {size} values differ)"
            ).format(
                where=f"[{', '.join(map(str, index))}]",
                expected=f"{exp[index]:.6g}",
                actual=f"{act[index]:.6g}",
                bad=int((where & (exp != act)).sum()),
                size=exp.size,
            )
        return allclose(np.where(where, 0.0, exp), np.where(where, 0.0, act))
    return allclose(expected, actual)


PAD_SIMULATORS = {
    "same-padding-symmetric": "pad_symmetric",
    "same-padding-zeros": "pad_zeros",
    "stride-ignored": "pad_stride_one",
    "integer-overflow": "pad_in_own_dtype",
}


def pad_check(name, description, images, kernel_size, hidden=False, readonly=False, **kwargs) -> Check:
    """A pad_same check; ``kwargs`` are the strides/value passed to the student. The simulated
    mistakes are those that can show on this input: -inf ignored (float images), -inf stored in
    uint8 (integer images), the stride ignored (strides other than 1)."""
    found = ["same-padding-symmetric"]
    value = kwargs.get("value", 0.0)
    integer = np.asarray(images).dtype.kind in "iu"
    if value != 0 and not integer:
        found.append("same-padding-zeros")
    if value != 0 and integer:
        found.append("integer-overflow")
    if np.any(np.asarray(kwargs.get("strides", 1)) != 1):
        found.append("stride-ignored")
    return Check(
        "pad_same",
        name,
        description,
        answer("filters.pad_same"),
        (images, kernel_size),
        kwargs,
        compare=padded_close,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes={mid: answer(f"filters.{PAD_SIMULATORS[mid]}") for mid in found},
    )


SHAPE_QUESTIONS = [
    ((1, 13, 10, 1), 1, 3, 2, "valid"),
    ((1, 13, 10, 1), 1, 3, 2, "same"),
    ((1, 11, 14, 1), 1, 4, 3, "valid"),
    ((1, 11, 14, 1), 1, 4, 3, "same"),
    ((2, 12, 9, 3), 8, (5, 2), (2, 4), "same"),
]
"""predict_output_shapes's questions: (input_shape, filters, kernel_size, strides, padding), as
the notebook states them in words."""


def shapes_prediction_check() -> Check:
    return Check(
        "predict_output_shapes",
        "test_predict_output_shapes_gives_the_five_shapes",
        "predict_output_shapes() returns Keras's output shape for each of the five layers of section 5, "
        "worked out by hand.",
        functools.partial(answer("filters.conv_output_shapes"), SHAPE_QUESTIONS),
        compare=equal,
        points=2.0,
    )


def pad_checks() -> list[Check]:
    rng = np.random.default_rng(20240512)
    return [
        pad_check(
            "test_pad_same_on_the_worked_example",
            "arange(25) as a (1, 5, 5, 1) batch, kernel 4, stride 2: P = 3 in total, 1 row/column before and 2 "
            "after (the extra one at the bottom/right), so (1, 8, 8, 1).",
            np.arange(25.0).reshape(1, 5, 5, 1),
            4,
            strides=2,
        ),
        pad_check(
            "test_pad_same_with_a_rectangular_kernel_and_stride_pair",
            "Two signed 6x9 images with 2 channels, kernel (3, 4), strides=(2, 3): rows P = 1 (0 above, 1 below), "
            "columns P = 1 (0 left, 1 right).",
            rng.uniform(-1, 1, size=(2, 6, 9, 2)),
            (3, 4),
            strides=(2, 3),
        ),
        pad_check(
            "test_pad_same_with_minus_infinity_for_max_pooling",
            "An all-negative (2, 5, 4, 3) batch, kernel 2, stride 1, value=-inf: 0 before and 1 after on both "
            "axes, the border -inf (a zero border would win every max).",
            -rng.uniform(1, 2, size=(2, 5, 4, 3)),
            2,
            value=-np.inf,
        ),
        pad_check(
            "test_pad_same_pads_a_read_only_uint8_batch_with_minus_infinity",
            "A read-only uint8 (2, 5, 5, 1) batch, kernel 4, stride 2, value=-inf: the output is float, its "
            "border -inf (uint8 cannot hold -inf), and the input is not written into.",
            rng.integers(0, 256, size=(2, 5, 5, 1), dtype=np.uint8),
            4,
            strides=2,
            value=-np.inf,
            readonly=True,
        ),
    ]


def same_values_and_dtype(expected, actual, dtype: str = "") -> str | None:
    """``equal`` values and shape, and the input's dtype (``dtype``, e.g. "|u1") kept."""
    reason = equal(expected, actual)
    if reason:
        return reason
    if dtype and isinstance(actual, np.ndarray) and actual.dtype != np.dtype(dtype):
        return _("the values are right, but the dtype changed: expected {expected}, got {actual}").format(
            expected=np.dtype(dtype), actual=actual.dtype
        )
    return None


CHANNELS_MISTAKES = {
    "axes-swapped": answer("filters.swapaxes_first_last"),
    "reshape-instead-of-transpose": answer("filters.reshaped_first"),
}


def channels_check(name, description, feature_maps, hidden=False, readonly=False) -> Check:
    dtype = np.asarray(feature_maps).dtype.str
    return Check(
        "channels_first",
        name,
        description,
        answer("filters.channels_first"),
        (feature_maps,),
        compare=functools.partial(same_values_and_dtype, dtype=dtype),
        hidden=hidden,
        readonly=readonly,
        mistakes=CHANNELS_MISTAKES,
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
    floor_images = rng.uniform(-1, 1, size=(2, 8, 7, 2))
    floor_kernels = rng.uniform(-1, 1, size=(3, 3, 2, 3))
    photos = rng.integers(0, 256, size=(2, 4, 5, 2), dtype=np.uint8)
    photo_kernels = np.array([[[[1, -1], [2, 0]], [[-2, 1], [0, 1]]], [[[0, 2], [-1, -1]], [[1, 0], [-1, 2]]]])
    checks = [shapes_prediction_check(), *pad_checks()]
    checks += [
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
            "Two 7x8 images, three (3, 2) filters, stride 2, relu, all arrays read-only: output (2, 3, 4, 3).",
            stride_images,
            stride_kernels,
            np.array([0.5, -1.0, 0.25]),
            readonly=True,
            strides=2,
            activation="relu",
        ),
        conv_check(
            "test_multi_filter_conv_floors_when_the_stride_does_not_divide",
            "Two 8x7 images, three 3x3 filters, strides=(2, 3), activation='linear' (no activation): "
            "(8 - 3) // 2 + 1 = 3 rows and (7 - 3) // 3 + 1 = 2 columns; the last row and column are never used.",
            floor_images,
            floor_kernels,
            np.array([0.3, -0.6, 0.9]),
            strides=(2, 3),
            activation="linear",
        ),
        conv_check(
            "test_multi_filter_conv_computes_uint8_images_in_floats",
            "Two uint8 4x5 images, two integer 2x2 filters with negative weights and biases [3, -4], the defaults: "
            "results below 0 and above 255 must come out as they are (compute in floating point).",
            photos,
            photo_kernels,
            np.array([3, -4]),
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
    return checks + lecture_conv_tests()


# ----------------------------------------------------------------------------------------------
# The lecture's Conv2D tests 4 and 5, which notebook 02 works through (prediction first, then Keras
# with set_weights); its tests 2, 3 and 6 take one image and one filter and are in conv_basics.py.

# Test 5's four 2x2 filters, (2, 2, 1, 4), as the lecture printed them.
LECTURE_TEST5_KERNELS = np.array(
    [
        [[[-0.08230966, -0.15132892, -0.12760344, -0.38952267]], [[-0.36398047, 0.07347518, -0.08780673, 0.46633136]]],
        [[[0.19759327, -0.46042526, -0.15406173, -0.34838456]], [[0.33916563, -0.08248386, 0.11705655, -0.49948823]]],
    ]
)


def lecture_conv_tests() -> list[Check]:
    return [
        conv_check(
            "test_multi_filter_conv_convolves_each_image_of_a_batch",
            "The lecture's Conv2D test 4: two 5x5 images arange(50), a 2x2 kernel of 1/4s and bias 3 give "
            "(2, 4, 4, 1), starting with mean(0, 1, 5, 6) + 3 = 6 and mean(25, 26, 30, 31) + 3 = 31.",
            np.arange(50.0).reshape(2, 5, 5, 1),
            np.full((2, 2, 1, 1), 0.25),
            np.array([3.0]),
        ),
        conv_check(
            "test_multi_filter_conv_with_four_filters_and_relu",
            "The lecture's Conv2D test 5: the 2x2 image [[0, 1], [2, 3]] through its four 2x2 filters with relu "
            "gives [1.0487, 0, 0, 0]: one value per filter, the three negative ones cut to 0.",
            np.arange(4.0).reshape(1, 2, 2, 1),
            LECTURE_TEST5_KERNELS,
            np.zeros(4),
            activation="relu",
        ),
    ]
