"""Checks for 03_pooling: predict_pooled_values, maxpool_manual, avgpool_manual.

The references and every simulated mistake are answer keys
(``autograder.author.keys.pooling``): Keras' own pooling layers on an explicitly padded
copy of the input, so a simulation is exactly what Keras gives for that mistake.
"""

from __future__ import annotations

import functools

import numpy as np

from ...core.compare import values_close
from ...core.spec import Check
from .answers import answer


def _mistakes(kind: str, strides_none: bool, same: bool, dtype_kind: str = "f") -> dict:
    """The mistakes that can show on a check: stride mistakes everywhere (pool-stride-one
    only where strides is None), padding mistakes only with 'same', integer overflow on
    integer images (decimals cut off in an average; a padding value that wraps around
    and wins a 'same' max)."""
    other = "avg-instead-of-max" if kind == "max" else "max-instead-of-avg"
    sims = {
        other: "other_kind",
        "pool-over-channels": "over_channels",
        "stride-ignored": "windows_step_one",
    }
    if strides_none:
        sims["pool-stride-one"] = "default_stride_one"
    if same:
        sims["same-padding-zeros" if kind == "max" else "avg-counts-padding"] = "padding_zeros"
        sims["same-padding-symmetric"] = "padding_symmetric"
    if dtype_kind in "iu" and kind == "avg":
        sims["integer-overflow"] = "mean_truncated"
    if dtype_kind == "u" and kind == "max" and same:
        sims["integer-overflow"] = "padding_wrapped"
    return {mid: functools.partial(answer(f"pooling.{sim}"), kind=kind) for mid, sim in sims.items()}


PREDICTION_IMAGE = np.array(
    [
        [-3, 2, -8, 7, -5, 1],
        [0, 9, -6, 3, -4, 12],
        [-7, 4, 1, -9, -1, -10],
        [11, -2, 5, 10, 6, -11],
        [-12, 13, -14, -15, -16, -17],
        [-18, -19, 8, -20, -2, -21],
    ],
    dtype=np.float64,
)
"""The 6x6 map whose MaxPooling2D(3, strides=2, padding="same") predict_pooled_values asks for."""


def prediction_check() -> Check:
    return Check(
        "predict_pooled_values",
        "test_predict_pooled_values_gives_the_3x3_max_pool",
        "predict_pooled_values() returns MaxPooling2D(3, strides=2, padding='same') of the 6x6 map of section 2, "
        "worked out by hand (3x3).",
        functools.partial(answer("pooling.pooled_map"), PREDICTION_IMAGE, "max", 3, 2, "same"),
        compare=values_close,
        points=2.0,
    )


def pool_check(
    function, name, description, x, pool_size=None, strides=None, padding=None, *, hidden=False, readonly=False
) -> Check:
    """A check of ``maxpool_manual`` or ``avgpool_manual``; arguments left None are not passed
    (the student's defaults are used)."""
    kind = "max" if function == "maxpool_manual" else "avg"
    kwargs = {k: v for k, v in (("pool_size", pool_size), ("strides", strides), ("padding", padding)) if v is not None}
    x = np.asarray(x)
    return Check(
        function,
        name,
        description,
        functools.partial(answer("pooling.pool2d"), kind=kind),
        (x,),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes=_mistakes(kind, strides is None, padding == "same", x.dtype.kind),
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240503)
    signed = rng.uniform(-1, 1, size=(1, 7, 6, 2))
    signed_avg = rng.uniform(-1, 1, size=(1, 7, 6, 2))
    mixed = rng.uniform(-1, 1, size=(2, 5, 7, 3))
    photo = rng.integers(0, 256, size=(2, 5, 7, 2), dtype=np.uint8)
    photo_avg = rng.integers(0, 256, size=(2, 6, 5, 2), dtype=np.uint8)
    mp, ap = "maxpool_manual", "avgpool_manual"
    return [
        prediction_check(),
        pool_check(
            mp,
            "test_maxpool_manual_on_the_lecture_4x4_example",
            "maxpool_manual(arange(16).reshape(1, 4, 4, 1)) is [[5, 7], [13, 15]]: the max of each 2x2 block.",
            np.arange(16).reshape(1, 4, 4, 1),
        ),
        pool_check(
            mp,
            "test_maxpool_manual_with_a_3x3_pool_moves_by_3",
            "pool_size=3 on arange(36) 6x6 gives [[14, 17], [32, 35]]: strides=None means strides=3.",
            np.arange(36).reshape(1, 6, 6, 1),
            3,
        ),
        pool_check(
            mp,
            "test_maxpool_manual_valid_drops_the_last_row_and_column",
            "pool_size=2 on arange(25) 5x5 with 'valid' gives [[6, 8], [16, 18]]: (5 - 2) // 2 + 1 = 2.",
            np.arange(25).reshape(1, 5, 5, 1),
            2,
            None,
            "valid",
        ),
        pool_check(
            mp,
            "test_maxpool_manual_same_pads_the_bottom_and_right",
            "pool_size=2 on arange(25) 5x5 with 'same' gives [[6, 8, 9], [16, 18, 19], [21, 23, 24]].",
            np.arange(25).reshape(1, 5, 5, 1),
            2,
            None,
            "same",
        ),
        pool_check(
            mp,
            "test_maxpool_manual_same_pads_with_minus_infinity",
            "pool_size=2 on -1, -2, ..., -25 (5x5) with 'same' gives [[-1, -3, -5], [-11, -13, -15], "
            "[-21, -23, -25]]: padding never wins a max (pad with -inf, not 0).",
            -np.arange(1, 26).reshape(1, 5, 5, 1),
            2,
            None,
            "same",
        ),
        pool_check(
            mp,
            "test_maxpool_manual_pools_each_batch_item",
            "Two 4x4 images arange(32).reshape(2, 4, 4, 1) give [[5, 7], [13, 15]] and [[21, 23], [29, 31]].",
            np.arange(32).reshape(2, 4, 4, 1),
        ),
        pool_check(
            mp,
            "test_maxpool_manual_pools_each_channel_separately",
            "arange(48).reshape(1, 4, 4, 3) gives [[15, 21], [39, 45]] in channel 0, and so on per channel.",
            np.arange(48).reshape(1, 4, 4, 3),
        ),
        pool_check(
            mp,
            "test_maxpool_manual_with_overlapping_windows_on_signed_values",
            "A signed read-only (1, 7, 6, 2) input, pool_size=3, strides=2, 'valid' gives a (1, 3, 2, 2) output.",
            signed,
            3,
            2,
            "valid",
            readonly=True,
        ),
        pool_check(
            mp,
            "test_maxpool_manual_pools_a_uint8_image_with_floats",
            "A uint8 (2, 5, 7, 2) image, pool_size=3, strides=(2, 1), 'same': compute with floats "
            "(-inf padding does not fit in uint8).",
            photo,
            3,
            (2, 1),
            "same",
        ),
        pool_check(
            ap,
            "test_avgpool_manual_on_the_lecture_4x4_example",
            "avgpool_manual(arange(16).reshape(1, 4, 4, 1)) is [[2.5, 4.5], [10.5, 12.5]].",
            np.arange(16).reshape(1, 4, 4, 1),
        ),
        pool_check(
            ap,
            "test_avgpool_manual_same_averages_only_real_cells",
            "pool_size=2 on arange(25) 5x5 with 'same' gives [[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]].",
            np.arange(25).reshape(1, 5, 5, 1),
            2,
            None,
            "same",
        ),
        pool_check(
            ap,
            "test_avgpool_manual_pools_each_item_and_channel",
            "A signed (2, 5, 7, 3) input with pool_size=(2, 3) gives a (2, 2, 2, 3) output.",
            mixed,
            (2, 3),
        ),
        pool_check(
            ap,
            "test_avgpool_manual_with_overlapping_windows_on_signed_values",
            "A signed read-only (1, 7, 6, 2) input, pool_size=3, strides=2, 'valid' gives a (1, 3, 2, 2) output.",
            signed_avg,
            3,
            2,
            "valid",
            readonly=True,
        ),
        pool_check(
            ap,
            "test_avgpool_manual_pools_a_uint8_image_with_floats",
            "A uint8 (2, 6, 5, 2) image, pool_size=2, strides=(1, 2), 'same': means like 127.5 are not whole "
            "numbers, so compute and return floats.",
            photo_avg,
            2,
            (1, 2),
            "same",
        ),
    ]
