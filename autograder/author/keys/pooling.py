"""Answer keys for 03_pooling: ``MaxPooling2D``/``AveragePooling2D``, and what Keras
gives for each simulated mistake: Keras's own pooling layers (``references.pool2d``)
on an explicitly padded copy of the input."""

from __future__ import annotations

import numpy as np

from .. import references as ref
from . import also, key

pool2d = ref.pool2d
also(__name__, pool2d)


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


@key
def padding_zeros(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """'same' pads with 0 (max) / counts the padded cells (avg)."""
    pool, stride, pads, _ = _geometry(x, pool_size, strides, padding)
    return _pool_padded(x, kind, pool, stride, pads, fill=0.0, count_padding=True)


@key
def padding_wrapped(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """'same' max pooling of an unsigned integer image padded with -1 (or ``x.min() - 1``) in
    its own dtype: the padding wraps to the dtype's largest value (255 in uint8) and wins."""
    x = np.asarray(x)
    pool, stride, pads, _ = _geometry(x, pool_size, strides, padding)
    return _pool_padded(x, kind, pool, stride, pads, fill=float(np.iinfo(x.dtype).max))


@key
def padding_symmetric(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """'same' puts the extra padded row/column at the top/left."""
    pool, stride, pads, _ = _geometry(x, pool_size, strides, padding, extra_first=True)
    return _pool_padded(x, kind, pool, stride, pads)


@key
def other_kind(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """Average pooling where max was asked, and the other way round."""
    return ref.pool2d(x, "avg" if kind == "max" else "max", pool_size, strides, padding)


@key
def over_channels(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """One value per window for all channels: the window's max (mean) over its channels too."""
    out = ref.pool2d(x, kind, pool_size, strides, padding).astype(np.float64)
    merged = out.max(axis=-1, keepdims=True) if kind == "max" else out.mean(axis=-1, keepdims=True)
    return np.broadcast_to(merged, out.shape).copy()


@key
def default_stride_one(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """strides=None taken as 1 instead of pool_size."""
    return ref.pool2d(x, kind, pool_size, 1 if strides is None else strides, padding)


@key
def windows_step_one(x, pool_size=2, strides=None, padding="valid", kind="max"):
    """The output has the right size, but window (i, j) starts at (i, j), not (i*sh, j*sw)."""
    pool, _, pads, (h_out, w_out) = _geometry(x, pool_size, strides, padding)
    return _pool_padded(x, kind, pool, 1, pads)[:, :h_out, :w_out, :]


@key
def mean_truncated(x, pool_size=2, strides=None, padding="valid", kind="avg"):
    """Means stored in an integer array like the input (np.zeros_like(x) for an integer x):
    the decimals are cut off."""
    return np.trunc(ref.pool2d(x, kind, pool_size, strides, padding).astype(np.float64))


@key
def pooled_map(image, kind="max", pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Keras's pooling of one (H, W) map: (H_out, W_out)."""
    return ref.pool2d(np.asarray(image)[None, :, :, None], kind, pool_size, strides, padding)[0, :, :, 0]
