"""Checks for 06_backprop: im2col, conv2d_backward_manual, maxpool_backward_manual,
avgpool_backward_manual and train_numpy_cnn.

The references are answer keys (``autograder.author.keys.backprop``): ``tf.GradientTape`` on a
``Conv2D`` with the given weights, strides and padding, on ``MaxPooling2D`` and on
``AveragePooling2D``, or a numerical gradient of the same layers; im2col is a ``Conv2D`` whose
one-hot kernel picks the window entries. Each check of ``conv2d_backward_manual`` judges one
array of the (dx, dw, db) it returns, so a right dw earns its points beside a wrong dx. Every
array answer must be a float array, as DESIGN.md says (an integer answer for integer inputs is
the integer-overflow mistake, even when its values are right). train_numpy_cnn is judged by
rules (accuracy, falling loss), not against a reference: the trusted process trains nothing.
"""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import allclose
from ...core.i18n import _
from ...core.plain import describe
from ...core.spec import Check
from .answers import answer

PARTS = ("dx", "dw", "db")
PART_WORDS = {"dx": "dx (the images' gradient)", "dw": "dw (the kernels' gradient)", "db": "db (the biases' gradient)"}


def float_close(expected, actual) -> str | None:
    """``allclose``, and a float answer where the expected one is float: an integer (or bool)
    array fails even with the right values. (A simulated integer answer is compared by value.)"""
    kind = getattr(actual, "dtype", np.dtype(float)).kind
    if np.asarray(expected).dtype.kind == "f" and kind in "biu":
        return _(
            "expected a float array, got a {dtype} array: compute and return floats (x.astype(np.float64))"
        ).format(dtype=actual.dtype)
    return allclose(expected, actual)


def part_close(expected, actual, part: str = "dx") -> str | None:
    """``float_close`` on one array (``part``) of the (dx, dw, db) the function returned."""
    index = PARTS.index(part)
    if not isinstance(actual, list) or len(actual) != len(PARTS):
        return f"expected a tuple (dx, dw, db) of three arrays, got {describe(actual)}"
    reason = float_close(expected, actual[index])
    return None if reason is None else f"{part}, item {index} of the returned (dx, dw, db): {reason}"


def im2col_check(name, description, images, kernel_size, hidden=False, readonly=False) -> Check:
    """A check of ``im2col``; a wrong column order is simulated as channels-first columns
    (c, u, v) when there are several channels, as a column-by-column window (v, u) otherwise."""
    images = np.asarray(images)
    order = "im2col_channels_first" if images.shape[-1] > 1 else "im2col_window_transposed"
    mistakes = {"axes-swapped": answer(f"backprop.{order}")}
    if images.dtype.kind in "iu":
        mistakes["integer-overflow"] = answer("backprop.im2col_integer")
    return Check(
        "im2col",
        name,
        description,
        answer("backprop.im2col"),
        (images, kernel_size),
        compare=float_close,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes=mistakes,
    )


def _conv_mistakes(part, dout, images, kernels, geometry) -> dict:
    """The simulated mistakes that can show on this part, input and geometry."""
    kernels = np.asarray(kernels)
    strides, padding = geometry.get("strides", 1), geometry.get("padding", "valid")
    strided = np.any(np.asarray(strides) != 1)
    sims = {} if np.all(np.asarray(dout) == 1) else {"upstream-gradient-ignored": "conv_ones_upstream"}
    if part == "dx" and not np.array_equal(kernels, kernels[::-1, ::-1]) and not strided:
        sims["dx-kernel-not-flipped"] = "kernel_not_flipped"
    if part == "dx" and kernels.shape[0] * kernels.shape[1] > 1:
        sims["gradient-overwritten"] = "windows_overwrite"
    if strided and part != "db":
        sims["stride-ignored"] = "conv_windows_step_one"
    if padding == "same" and part != "db":
        sims["same-padding-symmetric"] = "conv_padding_symmetric"
    if np.shape(dout)[0] > 1:
        sims["first-item-only"] = "first_item_only"
    if part != "dx":
        sims["mean-instead-of-sum"] = "mean_over_positions"
        sims["batch-not-summed"] = "per_item"
    if np.asarray(images if part == "dx" else kernels).dtype.kind in "iu":
        sims["integer-overflow"] = "conv_integer"
    return {mid: functools.partial(answer("backprop.conv_part"), part=part, sim=sim) for mid, sim in sims.items()}


def conv_checks(
    label,
    description,
    dout,
    images,
    kernels,
    parts=PARTS,
    *,
    numerical=False,
    hidden=False,
    readonly=False,
    **geometry,
) -> list[Check]:
    """One check of ``conv2d_backward_manual`` per part, named ``test_conv2d_backward_manual_<part>_<label>``;
    the reference is the tape's gradient, or with ``numerical`` the numerical one. ``description``
    is one sentence for every part, or a sentence per part. ``geometry`` (strides, padding) is
    passed as keyword arguments; without it the stride-1 valid call is made."""
    sim = "conv2d_numerical" if numerical else "conv2d_gradients"
    return [
        Check(
            "conv2d_backward_manual",
            f"test_conv2d_backward_manual_{part}_{label}",
            f"{PART_WORDS[part]}: {description[part] if isinstance(description, dict) else description}",
            functools.partial(answer("backprop.conv_part"), part=part, sim=sim),
            (dout, images, kernels),
            dict(geometry),
            compare=functools.partial(part_close, part=part),
            hidden=hidden,
            readonly=readonly,
            manual=True,
            mistakes=_conv_mistakes(part, dout, images, kernels, geometry),
        )
        for part in parts
    ]


POOL_SIMS = {
    "max": {
        "pool-gradient-spread@even": "avg_gradient",
        "pool-gradient-spread@copied": "spread_gradient",
        "upstream-gradient-ignored": "ones_upstream",
    },
    "avg": {
        "max-instead-of-avg": "maxpool_gradient",
        "avg-gradient-undivided": "spread_gradient",
        "upstream-gradient-ignored": "avg_ones_upstream",
    },
}
"""The simulations every pooling check offers, by the pool's kind."""


def _pool_mistakes(kind, dout, x, pool_size, strides) -> dict:
    """The simulated mistakes that can show on this input: overwriting only where windows
    overlap, the stride mistakes by whether strides is given, integer dx for integer x."""
    n, _, _, c = np.shape(x)
    avg = "avg_" if kind == "avg" else ""
    sims = dict(POOL_SIMS[kind])
    pool = np.asarray(2 if pool_size is None else pool_size)
    if strides is None:
        sims["pool-stride-one"] = f"{avg}windows_step_one"
    else:
        if np.any(np.asarray(strides) != 1):
            sims["stride-ignored@step-one"] = f"{avg}windows_step_one"
        if np.any(np.asarray(strides) != pool):
            sims["stride-ignored@pool-size"] = f"{avg}windows_at_pool_size"
    if strides is not None and np.any(np.asarray(strides) < pool):
        sims["gradient-overwritten"] = "avg_overwrite" if kind == "avg" else "mask_overwrite"
    if c > 1 and kind == "max":
        sims["pool-over-channels"] = "max_over_channels"
    if n > 1:
        sims["first-item-only"] = f"{avg or 'pool_'}first_item_only"
    if np.asarray(x).dtype.kind in "iu":
        sims["integer-overflow"] = f"{avg}truncated"
    return {mid: answer(f"backprop.{sim}") for mid, sim in sims.items()}


def pool_check(
    name,
    description,
    dout,
    x,
    pool_size=None,
    strides=None,
    *,
    kind="max",
    numerical=False,
    hidden=False,
    readonly=False,
) -> Check:
    """A check of ``maxpool_backward_manual`` (or ``avgpool_backward_manual`` with kind "avg");
    arguments left None are not passed (the student's defaults are used)."""
    kwargs = {k: v for k, v in (("pool_size", pool_size), ("strides", strides)) if v is not None}
    key = {("max", False): "maxpool_gradient", ("max", True): "maxpool_numerical"}
    key |= {("avg", False): "avg_gradient", ("avg", True): "avgpool_numerical"}
    return Check(
        f"{kind}pool_backward_manual",
        name,
        description,
        answer(f"backprop.{key[kind, numerical]}"),
        (dout, x),
        kwargs,
        compare=float_close,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes=_pool_mistakes(kind, dout, x, pool_size, strides),
    )


# ----------------------------------------------------------------------------------------------
# train_numpy_cnn

MIN_ACCURACY = 0.90
"""DESIGN.md's bar. Measured on 48 stratified 75/25 splits of the digits: the solution's network
(810 parameters, 12 epochs of full batches of 32, learning rate 0.5) reaches 0.944-0.989 (mean
0.973), about 1 s of CPU per training."""
MAX_SHUFFLED_ACCURACY = 0.50
"""Trained on randomly permuted labels the solution scores 0.08-0.18 on the true test labels
(chance is 0.10). Above 0.50 the function did not learn from x_train/y_train alone."""
MIN_LOSS_DROP = 0.5
"""The last loss must be at most this fraction of the first (the solution's: 0.03-0.06)."""
TRAINING_SECONDS = 60.0
"""One training run's time limit (DESIGN.md: under 60 s on 2 cores)."""
TRAINING_KEYS = ("accuracy", "losses", "params")


def digits_split(seed: int, shuffle_train_labels: bool = False):
    """scikit-learn's digits: x (N, 8, 8, 1) float in [0, 1], y int64 labels; a stratified
    75/25 split drawn with ``seed``; optionally the training labels randomly permuted."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0)[..., None]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    if shuffle_train_labels:
        y_train = np.random.default_rng(seed).permutation(y_train)
    return x_train, y_train, x_test, y_test


def _is_number(value) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and np.isfinite(value)
    )


def _plain_value(value):
    """A 0-d array as its number, a 1-d array as a list: NumPy results count as numbers and lists."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and value.ndim <= 1:
        return value.item() if value.ndim == 0 else value.tolist()
    return value


def judge_training(rules, actual) -> str | None:
    """The dict's keys; accuracy a fraction; losses a list of finite numbers; params a
    positive int; then the rules: accuracy at least ``min_accuracy`` and a falling loss, or
    at most ``max_accuracy`` (labels shuffled)."""
    keys = ", ".join(TRAINING_KEYS)
    if not isinstance(actual, dict):
        return _("expected a dict with keys {keys}, got {actual}").format(keys=keys, actual=describe(actual))
    missing = [k for k in TRAINING_KEYS if k not in actual]
    if missing:
        return _("the dict has no key(s) {missing}; it must have {keys}").format(
            missing=", ".join(repr(k) for k in missing), keys=keys
        )
    accuracy, losses, params = (_plain_value(actual[key]) for key in TRAINING_KEYS)
    if not _is_number(accuracy) or not 0.0 <= accuracy <= 1.0:
        return _("accuracy must be a number in [0, 1] (a fraction, not a percentage), got {actual}").format(
            actual=describe(accuracy)
        )
    if not isinstance(losses, list) or len(losses) < 2 or not all(_is_number(v) for v in losses):
        return _("losses must be a list of at least two finite numbers (one per epoch or step), got {actual}").format(
            actual=describe(losses)
        )
    if not isinstance(params, (int, np.integer)) or isinstance(params, bool) or params <= 0:
        return _("params must be a positive int (the number of trained weights and biases), got {actual}").format(
            actual=describe(params)
        )
    if "min_accuracy" in rules:
        if accuracy < rules["min_accuracy"]:
            return _("accuracy {accuracy} is below the bar {bar}").format(
                accuracy=f"{accuracy:.4f}", bar=f"{rules['min_accuracy']:.2f}"
            )
        if not losses[-1] <= MIN_LOSS_DROP * losses[0]:
            return _("the loss does not fall: the last loss {last} is not below {drop} x the first {first}").format(
                last=f"{losses[-1]:.4g}", first=f"{losses[0]:.4g}", drop=MIN_LOSS_DROP
            )
    if "max_accuracy" in rules and accuracy > rules["max_accuracy"]:
        return _(
            "accuracy is {accuracy} after training on randomly shuffled labels, where a network that learns "
            "from x_train and y_train scores near chance (0.10): the accuracy must come from training on them"
        ).format(accuracy=f"{accuracy:.4f}")
    return None


def training_check(name, description, seed, hidden=False, readonly=False, shuffle=False, points=1.0) -> Check:
    """A check of ``train_numpy_cnn``: one training run on a split of the digits."""
    rules = {"max_accuracy": MAX_SHUFFLED_ACCURACY} if shuffle else {"min_accuracy": MIN_ACCURACY}
    return Check(
        "train_numpy_cnn",
        name,
        description,
        functools.partial(answer("backprop.training_rules"), **rules),
        digits_split(seed, shuffle_train_labels=shuffle),
        compare=judge_training,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        timeout=TRAINING_SECONDS,
        points=points,
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240506)

    def signed(*shape):
        return rng.uniform(-1, 1, size=shape)

    overlapping = signed(1, 7, 6, 2)
    overlapping[0, 2, 2, :] = 5.0  # the maximum of all four windows that share it
    distinct = rng.permutation(256)[:24].astype(np.uint8).reshape(1, 4, 6, 1)
    return [
        im2col_check(
            "test_im2col_on_the_d2l_example",
            "im2col(arange(9).reshape(1, 3, 3, 1), (2, 2))[0] is [[[0, 1, 3, 4], [1, 2, 4, 5]], [[3, 4, 6, 7], [4, 5, 7, 8]]].",
            np.arange(9.0).reshape(1, 3, 3, 1),
            (2, 2),
        ),
        im2col_check(
            "test_im2col_orders_each_column_like_the_kernel_reshape",
            "arange(24).reshape(1, 3, 4, 2) with a (2, 3) window: column [0, 0, 0] is "
            "[0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13], row u, then column v, then channel c.",
            np.arange(24).reshape(1, 3, 4, 2),
            (2, 3),
        ),
        im2col_check(
            "test_im2col_times_the_kernel_matrix_is_conv2d",
            "A signed (2, 5, 4, 3) batch with kernel_size=3 gives (2, 3, 2, 27) columns; "
            "cols @ kernel.reshape(27, F) is then Conv2D(F, 3)'s output.",
            signed(2, 5, 4, 3),
            3,
        ),
        *conv_checks(
            "of_the_worked_example",
            {
                part: f"arange(9) as a 3x3 integer image, the integer kernel [[0, 1], [2, 3]] and dout of integer "
                f"ones give {part} = {value}, as a float array."
                for part, value in (
                    ("dx", "[[0, 1, 1], [2, 6, 4], [2, 5, 3]]"),
                    ("dw", "[[8, 12], [20, 24]]"),
                    ("db", "[4]"),
                )
            },
            np.ones((1, 2, 2, 1), dtype=np.int64),
            np.arange(9).reshape(1, 3, 3, 1),
            np.array([[0, 1], [2, 3]]).reshape(2, 2, 1, 1),
        ),
        *conv_checks(
            "on_a_batch_of_two_rgb_images",
            "Two signed 5x4 RGB images, two (3, 2) filters, a signed dout (2, 3, 3, 2).",
            signed(2, 3, 3, 2),
            signed(2, 5, 4, 3),
            signed(3, 2, 3, 2),
        ),
        *conv_checks(
            "agrees_with_a_numerical_gradient",
            "Central differences of sum(Conv2D(x) * dout) on two 4x6 images with two channels and three (2, 3) filters.",
            signed(2, 3, 4, 3),
            signed(2, 4, 6, 2),
            signed(2, 3, 2, 3),
            parts=("dx", "dw"),
            numerical=True,
        ),
        *conv_checks(
            "with_stride_2_that_does_not_divide_the_size",
            "Two signed 8x9 RGB images, two (3, 2) filters, strides=2: windows start at rows 0, 2, 4 and "
            "columns 0, 2, 4, 6; row 7 and column 8 are in no window and get 0.",
            signed(2, 3, 4, 2),
            signed(2, 8, 9, 3),
            signed(3, 2, 3, 2),
            strides=2,
        ),
        *conv_checks(
            "with_odd_same_padding",
            "Two signed 5x6 images with two channels, three (4, 3) filters, strides=2, padding='same': "
            "TensorFlow pads 1 row above and 2 below, 0 columns left and 1 right; dx drops the padding.",
            signed(2, 3, 3, 3),
            signed(2, 5, 6, 2),
            signed(4, 3, 2, 3),
            strides=2,
            padding="same",
        ),
        pool_check(
            "test_maxpool_backward_manual_routes_to_the_max_on_the_seed_example",
            "x = arange(16).reshape(1, 4, 4, 1), dout = [[1, 2], [3, 4]]: dx is 0 except 1, 2, 3, 4 "
            "at the maxima 5, 7, 13, 15.",
            np.arange(1.0, 5.0).reshape(1, 2, 2, 1),
            np.arange(16).reshape(1, 4, 4, 1),
        ),
        pool_check(
            "test_maxpool_backward_manual_defaults_strides_to_the_pool_size",
            "A signed (2, 6, 7, 3) input, pool_size=(2, 3) and no strides: windows move by (2, 3); "
            "the last column is in no window and gets 0.",
            signed(2, 3, 2, 3),
            signed(2, 6, 7, 3),
            (2, 3),
        ),
        pool_check(
            "test_maxpool_backward_manual_adds_where_windows_overlap",
            "pool_size=3, strides=2 on a (1, 7, 6, 2) input whose x[0, 2, 2] is the maximum of four "
            "windows: it gets the sum of their four dout values.",
            signed(1, 3, 2, 2),
            overlapping,
            3,
            2,
        ),
        pool_check(
            "test_maxpool_backward_manual_agrees_with_a_numerical_gradient",
            "Central differences of sum(MaxPooling2D(x) * dout) on a signed (2, 5, 7, 2) input, "
            "pool_size=2, strides=1.",
            signed(2, 4, 6, 2),
            signed(2, 5, 7, 2),
            2,
            1,
            numerical=True,
        ),
        pool_check(
            "test_maxpool_backward_manual_on_a_uint8_feature_map",
            "A uint8 x (1, 4, 6, 1) of distinct values and dout with decimals: dx must be a float array.",
            rng.uniform(0.5, 9.5, size=(1, 2, 3, 1)),
            distinct,
        ),
        *avgpool_public_checks(signed, distinct, rng),
        training_check(
            "test_train_numpy_cnn_learns_the_digits",
            f"Trained on a 75/25 split of the 8x8 digits: a dict with accuracy >= {MIN_ACCURACY} on the test set "
            f"given, losses whose last value is at most {MIN_LOSS_DROP} x the first, and params a positive int.",
            seed=0,
            points=2.0,
        ),
    ]


def avgpool_public_checks(signed, distinct, rng) -> list[Check]:
    """The visible checks of ``avgpool_backward_manual``, beside those of max pooling."""
    return [
        pool_check(
            "test_avgpool_backward_manual_spreads_evenly_on_the_seed_example",
            "x = arange(16).reshape(1, 4, 4, 1), dout = [[1, 2], [3, 4]]: each 2x2 block of dx is its dout / 4.",
            np.arange(1.0, 5.0).reshape(1, 2, 2, 1),
            np.arange(16).reshape(1, 4, 4, 1).astype(np.float64),
            kind="avg",
        ),
        pool_check(
            "test_avgpool_backward_manual_defaults_strides_to_the_pool_size",
            "A signed (2, 6, 7, 3) input, pool_size=(2, 3) and no strides: windows move by (2, 3); "
            "the last column is in no window and gets 0.",
            signed(2, 3, 2, 3),
            signed(2, 6, 7, 3),
            (2, 3),
            kind="avg",
        ),
        pool_check(
            "test_avgpool_backward_manual_adds_where_windows_overlap",
            "pool_size=3, strides=2 on a (1, 7, 6, 2) input: a cell in two (or four) windows gets the sum of "
            "their dout / 9.",
            signed(1, 3, 2, 2),
            signed(1, 7, 6, 2),
            3,
            2,
            kind="avg",
        ),
        pool_check(
            "test_avgpool_backward_manual_agrees_with_a_numerical_gradient",
            "Central differences of sum(AveragePooling2D(x) * dout) on a signed (2, 5, 7, 2) input, "
            "pool_size=(2, 3), strides=(1, 2).",
            signed(2, 4, 3, 2),
            signed(2, 5, 7, 2),
            (2, 3),
            (1, 2),
            kind="avg",
            numerical=True,
        ),
        pool_check(
            "test_avgpool_backward_manual_on_a_uint8_feature_map",
            "A uint8 x (1, 4, 6, 1) and dout with decimals: dx must be a float array.",
            rng.uniform(0.5, 9.5, size=(1, 2, 3, 1)),
            distinct,
            kind="avg",
        ),
    ]
