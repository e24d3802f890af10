"""Checks for 03_pooling: maxpool_manual, avgpool_manual.

Every simulated mistake is computed with Keras' own pooling layers (``references.pool2d``)
on an explicitly padded copy of the input, so a simulation is exactly what Keras gives
for that mistake.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import references as ref
from ..spec import Check


def _pair(value) -> tuple[int, int]:
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def _same_pads(size: int, pool: int, stride: int, extra_first: bool = False) -> tuple[int, int]:
    """TensorFlow's 'same' padding of one axis: (before, after); the extra cell of an
    odd total goes after (bottom/right), or before with ``extra_first``."""
    out = -(-size // stride)
    total = max((out - 1) * stride + pool - size, 0)
    small, big = total // 2, total - total // 2
    return (big, small) if extra_first else (small, big)


def _geometry(x, pool_size, strides, padding, extra_first=False):
    """(ph, pw), (sh, sw), ((top, bottom), (left, right)), (H_out, W_out)."""
    _, h, w, _ = np.shape(x)
    ph, pw = _pair(pool_size)
    sh, sw = _pair(pool_size if strides is None else strides)
    if padding == "same":
        pads = (_same_pads(h, ph, sh, extra_first), _same_pads(w, pw, sw, extra_first))
        out = (-(-h // sh), -(-w // sw))
    else:
        pads = ((0, 0), (0, 0))
        out = ((h - ph) // sh + 1, (w - pw) // sw + 1)
    return (ph, pw), (sh, sw), pads, out


def _pool_padded(x, kind, pool, strides, pads, fill=-np.inf, count_padding=False):
    """Keras valid pooling of ``x`` padded by ``pads`` ((top, bottom), (left, right)).

    Max pooling pads with ``fill``. Average pooling pads with zeros and divides by the
    number of real cells in each window, or by the full window with ``count_padding``.
    """
    x = np.asarray(x, dtype=np.float64)
    widths = ((0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0))
    if kind == "max":
        return ref.pool2d(np.pad(x, widths, constant_values=fill), "max", pool, strides, "valid")
    sums = ref.pool2d(np.pad(x, widths), "avg", pool, strides, "valid").astype(np.float64)
    if count_padding:
        return sums
    counts = ref.pool2d(np.pad(np.ones_like(x), widths), "avg", pool, strides, "valid").astype(np.float64)
    return sums / counts


# Simulated mistakes: what Keras gives for each mistake on the same input.
def _padding_zeros(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """'same' pads with 0 (max) / counts the padded cells (avg)."""
    pool, stride, pads, _ = _geometry(x, pool_size, strides, padding)
    return _pool_padded(x, kind, pool, stride, pads, fill=0.0, count_padding=True)


def _padding_symmetric(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """'same' puts the extra padded row/column at the top/left."""
    pool, stride, pads, _ = _geometry(x, pool_size, strides, padding, extra_first=True)
    return _pool_padded(x, kind, pool, stride, pads)


def _other_kind(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """Average pooling where max was asked, and the other way round."""
    return ref.pool2d(x, "avg" if kind == "max" else "max", pool_size, strides, padding)


def _over_channels(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """One value per window for all channels: the window's max (mean) over its channels too."""
    out = ref.pool2d(x, kind, pool_size, strides, padding).astype(np.float64)
    merged = out.max(axis=-1, keepdims=True) if kind == "max" else out.mean(axis=-1, keepdims=True)
    return np.broadcast_to(merged, out.shape).copy()


def _default_stride_one(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """strides=None taken as 1 instead of pool_size."""
    return ref.pool2d(x, kind, pool_size, 1 if strides is None else strides, padding)


def _windows_step_one(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """The output has the right size, but window (i, j) starts at (i, j), not (i*sh, j*sw)."""
    pool, _, pads, (h_out, w_out) = _geometry(x, pool_size, strides, padding)
    return _pool_padded(x, kind, pool, 1, pads)[:, :h_out, :w_out, :]


def _mean_truncated(x, pool_size=2, strides=None, padding="valid", kind="avg"):
    """Means stored in an integer array like the input (np.zeros_like(x) for an integer x):
    the decimals are cut off."""
    return np.trunc(ref.pool2d(x, kind, pool_size, strides, padding).astype(np.float64))


def _mistakes(kind: str, strides_none: bool, same: bool, integer: bool = False) -> dict:
    """The mistakes that can show on a check: stride mistakes everywhere (pool-stride-one
    only where strides is None), padding mistakes only with 'same'."""
    other = "avg-instead-of-max" if kind == "max" else "max-instead-of-avg"
    sims = {
        other: _other_kind,
        "pool-over-channels": _over_channels,
        "stride-ignored": _windows_step_one,
    }
    if strides_none:
        sims["pool-stride-one"] = _default_stride_one
    if same:
        sims["same-padding-zeros" if kind == "max" else "avg-counts-padding"] = _padding_zeros
        sims["same-padding-symmetric"] = _padding_symmetric
    if integer and kind == "avg":
        sims["integer-overflow"] = _mean_truncated
    return {mid: functools.partial(sim, kind=kind) for mid, sim in sims.items()}


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
        functools.partial(ref.pool2d, kind=kind),
        (x,),
        kwargs,
        hidden=hidden,
        readonly=readonly,
        manual=True,
        mistakes=_mistakes(kind, strides is None, padding == "same", x.dtype.kind in "iu"),
    )


def public_checks() -> list[Check]:
    rng = np.random.default_rng(20240503)
    signed = rng.uniform(-1, 1, size=(1, 7, 6, 2))
    signed_avg = rng.uniform(-1, 1, size=(1, 7, 6, 2))
    mixed = rng.uniform(-1, 1, size=(2, 5, 7, 3))
    mp, ap = "maxpool_manual", "avgpool_manual"
    return [
        pool_check(
            mp,
            "test_maxpool_manual_on_the_seed_4x4_example",
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
            "A signed (1, 7, 6, 2) input, pool_size=3, strides=2, 'valid' gives a (1, 3, 2, 2) output.",
            signed,
            3,
            2,
            "valid",
        ),
        pool_check(
            ap,
            "test_avgpool_manual_on_the_seed_4x4_example",
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
            "A signed (1, 7, 6, 2) input, pool_size=3, strides=2, 'valid' gives a (1, 3, 2, 2) output.",
            signed_avg,
            3,
            2,
            "valid",
        ),
    ]
