"""Answer keys for 06_backprop: the gradients ``tf.GradientTape`` gives on ``Conv2D`` (weights
set, any strides and padding), ``MaxPooling2D`` and ``AveragePooling2D``, numerical gradients of
the same layers, im2col as a ``Conv2D`` whose kernel picks one window entry per output channel,
what each simulated mistake gives, and the rules a NumPy-trained network must meet.

Every key computes in float64 (the Keras layers are built with ``dtype="float64"``), so a
numerical gradient agrees with the tape's to about 1e-9. A gradient key returns the triple
(dx, dw, db) or dx; ``conv_part`` picks one array of the triple, which is what a check compares.
"""

from __future__ import annotations

import functools

import numpy as np

from ...core import plain
from ..references import _keras, _pair
from . import key

PARTS = ("dx", "dw", "db")


def _tf():
    _keras()  # TensorFlow quietened, as the references do
    import tensorflow as tf

    return tf


def _memo(function):
    """``function`` computed once per distinct arguments in this process: the dx, dw and db
    checks of one input share one tape (callers never write into the arrays returned)."""
    cache: dict[bytes, object] = {}

    @functools.wraps(function)
    def cached(*args, **kwargs):
        key = plain.dumps([list(args), kwargs])
        if key not in cache:
            cache[key] = function(*args, **kwargs)
        return cache[key]

    return cached


def _f64(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _conv_layer(kernels, bias=None, strides=1, padding="valid"):
    """``Conv2D(F, (kh, kw), strides, padding)`` in float64 with ``kernels`` (kh, kw, C, F) and
    ``bias`` (zeros by default)."""
    kernels = _f64(kernels)
    kh, kw, c, f = kernels.shape
    layer = _keras().layers.Conv2D(f, (kh, kw), strides=_pair(strides), padding=padding, dtype="float64")
    layer.build((None, None, None, c))
    layer.set_weights([kernels, np.zeros(f) if bias is None else _f64(bias)])
    return layer


def _pool_layer(kind, pool_size, strides):
    keras = _keras()
    layer_type = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    return layer_type(_pair(pool_size), strides=None if strides is None else _pair(strides), dtype="float64")


# ----------------------------------------------------------------------------------------------
# im2col


@key
def as_input_dtype(value, like) -> np.ndarray:
    """``value`` stored in the dtype of the input ``like`` (an integer answer for integer input)."""
    return np.asarray(value).astype(np.asarray(like).dtype)


@key
def im2col_integer(images, kernel_size) -> np.ndarray:
    """The right columns, in the images' own integer dtype (the windows stacked without a float copy)."""
    return as_input_dtype(im2col(images, kernel_size), images)


@key
def im2col(images, kernel_size) -> np.ndarray:
    """(N, H, W, C) -> (N, H_out, W_out, kh*kw*C): ``Conv2D`` with a one-hot kernel, output
    channel ``(u*kw + v)*C + c`` picking entry (u, v, c) of each window, the order of
    ``kernel.reshape(-1, F)``."""
    kh, kw = _pair(kernel_size)
    c = np.shape(images)[-1]
    picks = np.eye(kh * kw * c).reshape(kh, kw, c, kh * kw * c)
    return np.asarray(_conv_layer(picks)(_f64(images)))


@key
def im2col_channels_first(images, kernel_size) -> np.ndarray:
    """Columns ordered (c, u, v), as CS231n's channels-first im2col: the order of
    ``kernel.transpose(2, 0, 1, 3).reshape(-1, F)``, not of ``kernel.reshape(-1, F)``."""
    n, h_out, w_out, _ = (cols := im2col(images, kernel_size)).shape
    kh, kw = _pair(kernel_size)
    c = np.shape(images)[-1]
    return cols.reshape(n, h_out, w_out, kh, kw, c).transpose(0, 1, 2, 5, 3, 4).reshape(n, h_out, w_out, -1)


@key
def im2col_window_transposed(images, kernel_size) -> np.ndarray:
    """Columns ordered (v, u, c): the window flattened column by column."""
    n, h_out, w_out, _ = (cols := im2col(images, kernel_size)).shape
    kh, kw = _pair(kernel_size)
    c = np.shape(images)[-1]
    return cols.reshape(n, h_out, w_out, kh, kw, c).transpose(0, 1, 2, 4, 3, 5).reshape(n, h_out, w_out, -1)


# ----------------------------------------------------------------------------------------------
# Convolution


@key
@_memo
def conv2d_gradients(dout, images, kernels, strides=1, padding="valid") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) of ``sum(Conv2D(images) * dout)``, by ``tf.GradientTape`` on a ``Conv2D``
    with weights ``kernels`` (kh, kw, C, F), these strides and padding, and a zero bias (the
    bias does not change them)."""
    tf = _tf()
    layer = _conv_layer(kernels, strides=strides, padding=padding)
    x = tf.constant(_f64(images))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x) * _f64(dout))
    dx, dw, db = tape.gradient(loss, [x, layer.kernel, layer.bias])
    return np.asarray(dx), np.asarray(dw), np.asarray(db)


STEP = 1e-5
"""The step of the central differences: in float64 their error is about 1e-10 here."""


def _steps(shape) -> np.ndarray:
    """(2K, *shape): +STEP, then -STEP, on each of the K entries in turn."""
    size = int(np.prod(shape))
    steps = np.eye(size).reshape(size, *shape) * STEP
    return np.concatenate([steps, -steps])


@key
def numerical_input_gradient(layer, x, dout) -> np.ndarray:
    """Central differences of ``sum(layer(x) * dout)`` with respect to each entry of ``x``.
    A layer treats batch items apart, so every perturbed copy of item n goes through the
    layer in one batch."""
    x, dout = _f64(x), _f64(dout)
    grad = np.zeros(x.shape)
    for n in range(len(x)):
        out = np.asarray(layer(x[n] + _steps(x[n].shape)))
        plus, minus = np.split(out, 2)
        grad[n] = np.tensordot(plus - minus, dout[n], axes=dout[n].ndim).reshape(x[n].shape) / (2 * STEP)
    return grad


@key
@_memo
def conv2d_numerical(dout, images, kernels, strides=1, padding="valid") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) by central differences through the Keras ``Conv2D`` forward pass. For dw
    and db the perturbed kernels (biases) are stacked along the filter axis of one wider layer."""
    x, kernels, dout = _f64(images), _f64(kernels), _f64(dout)
    f = kernels.shape[3]
    geometry = {"strides": strides, "padding": padding}
    dx = numerical_input_gradient(_conv_layer(kernels, **geometry), x, dout)

    def differences(stacked_kernels, stacked_biases, shape):
        """sum((out(+step) - out(-step)) * dout) / 2 step for each of the 2K stacked weights."""
        wide = np.moveaxis(stacked_kernels, 0, -2).reshape(*kernels.shape[:3], -1)
        out = np.asarray(_conv_layer(wide, stacked_biases.reshape(-1), **geometry)(x))
        plus, minus = np.split(out.reshape(*dout.shape[:3], -1, f), 2, axis=3)
        return np.einsum("nhwkf,nhwf->k", plus - minus, dout).reshape(shape) / (2 * STEP)

    kernel_steps = _steps(kernels.shape)
    dw = differences(kernels + kernel_steps, np.zeros((len(kernel_steps), f)), kernels.shape)
    bias_steps = _steps((f,))
    db = differences(np.broadcast_to(kernels, (2 * f, *kernels.shape)), bias_steps, (f,))
    return dx, dw, db


def _same_split(size: int, k: int, s: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after) of one axis: the extra one after."""
    total = max((-(-size // s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


@key
def conv_backward_loops(
    dout, images, kernels, strides=1, padding="valid", *, step=None, extra_first=False, assign=False
):
    """The backward pass written as a student writes it, window by window (float64): the
    input padded as ``padding`` says, window (i, j) at (i*sh, j*sw), its gradients added into
    dx and dw, dx cropped back. The keyword arguments make the simulated mistakes: ``step``
    moves the windows by this step instead of the strides, ``extra_first`` puts an odd 'same'
    padding's extra row/column at the top/left, ``assign`` writes (=) each window's dx."""
    x, kernels, dout = _f64(images), _f64(kernels), _f64(dout)
    kh, kw = kernels.shape[:2]
    sh, sw = _pair(strides if step is None else step)
    n, h, w, _ = x.shape
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        pads = [_same_split(size, k, s) for size, k, s in ((h, kh, _pair(strides)[0]), (w, kw, _pair(strides)[1]))]
        if extra_first:
            pads = [(after, before) for before, after in pads]
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    dxp, dw = np.zeros(xp.shape), np.zeros(kernels.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            window = (slice(None), slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw), slice(None))
            g = dout[:, i, j, :]
            dw += np.einsum("nuvc,nf->uvcf", xp[window], g)
            contribution = np.einsum("nf,uvcf->nuvc", g, kernels)
            if assign:
                dxp[window] = contribution
            else:
                dxp[window] += contribution
    (top, _), (left, _) = pads
    return dxp[:, top : top + h, left : left + w, :], dw, dout.sum(axis=(0, 1, 2))


@key
def kernel_not_flipped(dout, images, kernels, **geometry):
    """dx as a full correlation of dout with the kernel as it is: the dx of a layer whose
    kernel is flipped (dw and db are right)."""
    dx = conv2d_gradients(dout, images, _f64(kernels)[::-1, ::-1], **geometry)[0]
    return (dx, *conv2d_gradients(dout, images, kernels, **geometry)[1:])


@key
def windows_overwrite(dout, images, kernels, **geometry):
    """Each window's contribution to dx assigned (``=``) instead of added, positions in
    row-major order: where windows overlap, the last one wins."""
    return conv_backward_loops(dout, images, kernels, assign=True, **geometry)


@key
def conv_windows_step_one(dout, images, kernels, **geometry):
    """Window (i, j) taken at (i, j) instead of (i*sh, j*sw): the strides ignored."""
    return conv_backward_loops(dout, images, kernels, step=1, **geometry)


@key
def conv_padding_symmetric(dout, images, kernels, **geometry):
    """An odd 'same' padding's extra row and column put at the top and left."""
    return conv_backward_loops(dout, images, kernels, extra_first=True, **geometry)


@key
def conv_ones_upstream(dout, images, kernels, **geometry):
    """The gradients of sum(out): dout replaced by ones."""
    return conv2d_gradients(np.ones(np.shape(dout)), images, kernels, **geometry)


@key
def conv_integer(dout, images, kernels, **geometry):
    """The right values, stored in the inputs' integer dtypes (dx like images, dw and db like kernels)."""
    dx, dw, db = conv2d_gradients(dout, images, kernels, **geometry)
    return as_input_dtype(dx, images), as_input_dtype(dw, kernels), as_input_dtype(db, kernels)


@key
def first_item_only(dout, images, kernels, **geometry):
    """Only batch item 0 is used: dx is zero for the others, dw and db are item 0's."""
    kept = _f64(dout).copy()
    kept[1:] = 0
    return conv2d_gradients(kept, images, kernels, **geometry)


@key
def mean_over_positions(dout, images, kernels, **geometry):
    """dw and db averaged over the N * H_out * W_out positions instead of summed."""
    n, h_out, w_out, _ = np.shape(dout)
    return conv2d_gradients(_f64(dout) / (n * h_out * w_out), images, kernels, **geometry)


@key
def per_item(dout, images, kernels, **geometry):
    """dw (N, kh, kw, C, F) and db (N, F): one gradient per batch item, not summed."""
    dout, images = _f64(dout), _f64(images)
    grads = [conv2d_gradients(dout[k : k + 1], images[k : k + 1], kernels, **geometry) for k in range(len(dout))]
    dx = np.concatenate([g[0] for g in grads])
    return dx, np.stack([g[1] for g in grads]), np.stack([g[2] for g in grads])


_CONV_KEYS = {
    f.__name__: f
    for f in (
        conv2d_gradients,
        conv2d_numerical,
        kernel_not_flipped,
        windows_overwrite,
        conv_windows_step_one,
        conv_padding_symmetric,
        conv_ones_upstream,
        conv_integer,
        first_item_only,
        mean_over_positions,
        per_item,
    )
}


@key
def conv_part(dout, images, kernels, strides=1, padding="valid", part="dx", sim="conv2d_gradients"):
    """One array (``part`` "dx", "dw" or "db") of what the key named ``sim`` gives: the
    tape's gradients, the numerical ones, or a simulated mistake."""
    return _CONV_KEYS[sim](dout, images, kernels, strides=strides, padding=padding)[PARTS.index(part)]


# ----------------------------------------------------------------------------------------------
# Pooling (max and average, valid padding)


@key
@_memo
def pool_gradient(dout, x, pool_size=2, strides=None, kind="max") -> np.ndarray:
    """dx of ``sum(pool(x) * dout)`` by ``tf.GradientTape`` on ``MaxPooling2D`` (or
    ``AveragePooling2D`` with kind "avg"), valid padding."""
    tf = _tf()
    layer = _pool_layer(kind, pool_size, strides)
    x = tf.constant(_f64(x))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x) * _f64(dout))
    return np.asarray(tape.gradient(loss, x))


@key
def maxpool_gradient(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The answer: ``MaxPooling2D``'s gradient."""
    return pool_gradient(dout, x, pool_size, strides)


@key
def avg_gradient(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The answer: ``AveragePooling2D``'s gradient, dout / (ph * pw) to every cell of the window."""
    return pool_gradient(dout, x, pool_size, strides, kind="avg")


@key
def maxpool_numerical(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """dx by central differences through the Keras ``MaxPooling2D`` forward pass."""
    return numerical_input_gradient(_pool_layer("max", pool_size, strides), x, dout)


@key
def avgpool_numerical(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """dx by central differences through the Keras ``AveragePooling2D`` forward pass."""
    return numerical_input_gradient(_pool_layer("avg", pool_size, strides), x, dout)


def _geometry(x, pool_size, strides):
    ph, pw = _pair(pool_size)
    sh, sw = _pair((ph, pw) if strides is None else strides)
    return (ph, pw), (sh, sw)


@key
def spread_gradient(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """dout copied to every cell of its window (added where windows overlap)."""
    (ph, pw), _ = _geometry(x, pool_size, strides)
    return avg_gradient(dout, x, pool_size, strides) * (ph * pw)


@key
def ones_upstream(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The mask alone: 1 for each window's maximum, dout not multiplied."""
    return pool_gradient(np.ones(np.shape(dout)), x, pool_size, strides)


@key
def avg_ones_upstream(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The local gradient alone: 1 / (ph * pw) to every cell of each window, dout not multiplied."""
    return avg_gradient(np.ones(np.shape(dout)), x, pool_size, strides)


@key
def pool_first_item_only(dout, x, pool_size=2, strides=None, kind="max") -> np.ndarray:
    kept = _f64(dout).copy()
    kept[1:] = 0
    return pool_gradient(kept, x, pool_size, strides, kind)


@key
def avg_first_item_only(dout, x, pool_size=2, strides=None) -> np.ndarray:
    return pool_first_item_only(dout, x, pool_size, strides, kind="avg")


@key
def windows_step_one(dout, x, pool_size=2, strides=None, kind="max") -> np.ndarray:
    """Window (i, j) taken at (i, j) instead of (i*sh, j*sw): the stride-1 layer's gradient
    with dout in its top-left block."""
    (ph, pw), _ = _geometry(x, pool_size, strides)
    n, h, w, c = np.shape(x)
    full = np.zeros((n, h - ph + 1, w - pw + 1, c))
    _, h_out, w_out, _ = np.shape(dout)
    full[:, :h_out, :w_out, :] = dout
    return pool_gradient(full, x, pool_size, 1, kind)


@key
def avg_windows_step_one(dout, x, pool_size=2, strides=None) -> np.ndarray:
    return windows_step_one(dout, x, pool_size, strides, kind="avg")


@key
def pool_backward_loops(dout, x, pool_size=2, strides=None, kind="max", *, step=None, assign=False) -> np.ndarray:
    """The backward pass written window by window, as a student writes it: window (i, j) at
    (i*sh, j*sw) (or at (i, j) times ``step``, cut at the border, empty ones skipped), its
    gradient added (or with ``assign`` written) into dx."""
    x, dout = _f64(x), _f64(dout)
    (ph, pw), (sh, sw) = _geometry(x, pool_size, strides)
    sh, sw = (sh, sw) if step is None else _pair(step)
    dx = np.zeros(x.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            window = (slice(None), slice(i * sh, i * sh + ph), slice(j * sw, j * sw + pw), slice(None))
            part = x[window]
            if part.size == 0:
                continue
            local = (
                part == part.max(axis=(1, 2), keepdims=True) if kind == "max" else np.full(part.shape, 1 / (ph * pw))
            )
            if assign:
                dx[window] = local * dout[:, i : i + 1, j : j + 1, :]
            else:
                dx[window] += local * dout[:, i : i + 1, j : j + 1, :]
    return dx


@key
def mask_overwrite(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """``dx[window] = mask * dout`` (assigned, not added), windows in row-major order: where
    windows overlap, a later window's zeros overwrite an earlier window's maximum."""
    return pool_backward_loops(dout, x, pool_size, strides, assign=True)


@key
def avg_overwrite(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """``dx[window] = dout / (ph * pw)``: where windows overlap, the later window's share replaces the earlier."""
    return pool_backward_loops(dout, x, pool_size, strides, kind="avg", assign=True)


@key
def windows_at_pool_size(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The strides argument ignored, the windows moved by the pool size: window (i, j) at
    (i*ph, j*pw), cut at the border."""
    return pool_backward_loops(dout, x, pool_size, strides, step=_pair(pool_size))


@key
def avg_windows_at_pool_size(dout, x, pool_size=2, strides=None) -> np.ndarray:
    return pool_backward_loops(dout, x, pool_size, strides, kind="avg", step=_pair(pool_size))


def _windows(x, dout, pool_size, strides):
    """(i, j, window slice of x) for each output position."""
    (ph, pw), (sh, sw) = _geometry(x, pool_size, strides)
    for i in range(np.shape(dout)[1]):
        for j in range(np.shape(dout)[2]):
            yield i, j, (slice(None), slice(i * sh, i * sh + ph), slice(j * sw, j * sw + pw), slice(None))


@key
def max_over_channels(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The mask taken over the window's channels too: each item's window has one maximum,
    over (ph, pw, C), and it receives the dout of that maximum's channel."""
    x, dout = _f64(x), _f64(dout)
    dx = np.zeros(x.shape)
    for i, j, window in _windows(x, dout, pool_size, strides):
        part = x[window]
        mask = part == part.max(axis=(1, 2, 3), keepdims=True)
        dx[window] += mask * dout[:, i : i + 1, j : j + 1, :]
    return dx


@key
def truncated(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """dx stored in an integer array like x (np.zeros_like(uint8 x)): decimals cut off."""
    return as_input_dtype(np.trunc(maxpool_gradient(dout, x, pool_size, strides)), x)


@key
def avg_truncated(dout, x, pool_size=2, strides=None) -> np.ndarray:
    """The average pool's dx stored in an integer array like x: decimals cut off."""
    return as_input_dtype(np.trunc(avg_gradient(dout, x, pool_size, strides)), x)


# ----------------------------------------------------------------------------------------------
# A network trained with NumPy


@key
def training_rules(x_train, y_train, x_test, y_test, **rules) -> dict:
    """What a training run must satisfy (no training in the trusted process)."""
    return dict(rules)
