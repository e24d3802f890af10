"""The known mistakes, and how a failed answer is recognised as one of them.

A failed check is tested against (1) the check's own simulated mistakes, each the
output Keras gives for that mistake on the same input, computed in the trusted
process, and (2) shape- and value-patterns that need no simulation (an output one
row too small, all batch items identical, values wrapped modulo 256, ...).
Diagnosis runs only after a check has failed, so a correct answer is never accused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.compare import allclose, equal

CATALOGUE: dict[str, tuple[str, str]] = {
    "flipped-kernel": (
        "The kernel is flipped: this is true convolution, but Conv2D computes cross-correlation.",
        "Multiply each window by the kernel as it is (no [::-1, ::-1]); do not use scipy.signal.convolve2d.",
    ),
    "missing-bias": ("The bias is missing.", "Add the bias once to each output value, after the window sum."),
    "bias-per-channel": (
        "The bias is added once per input channel.",
        "Sum the window over all input channels first, then add the filter's bias once.",
    ),
    "bias-per-element": (
        "The bias is added inside the window sum, once per multiplied element.",
        "Compute np.sum(window * kernel) and add the bias after the sum, not to every product.",
    ),
    "off-by-one-size": (
        "The output is one row or column too large or too small.",
        "A valid output has (H - kh) // stride + 1 rows; 'same' has ceil(H / stride).",
    ),
    "stride-ignored": (
        "The stride is ignored: windows start at every pixel.",
        "The window for output row i starts at row i * stride.",
    ),
    "same-padding-symmetric": (
        "'same' padding puts the extra row/column at the top/left.",
        "TensorFlow pads top = total // 2 and bottom = total - top: the extra row goes to the bottom/right.",
    ),
    "same-padding-zeros": (
        "'same' max pooling pads with zeros, so padding can win the max.",
        "Pad with -inf (or take the max over the real cells only).",
    ),
    "avg-counts-padding": (
        "'same' average pooling divides by the full window, counting padded cells.",
        "Divide each window's sum by the number of real (unpadded) cells in it.",
    ),
    "avg-instead-of-max": ("The window is averaged instead of taking its maximum.", "Use np.max over the window."),
    "max-instead-of-avg": ("The window's maximum is taken instead of its average.", "Use np.mean over the window."),
    "pool-over-channels": (
        "The pooling mixes channels: one value for all channels of a window.",
        "Pool each channel separately: reduce over the window's rows and columns only (axis=(0, 1)).",
    ),
    "pool-stride-one": (
        "The pooling windows move by 1, but strides=None means strides = pool_size.",
        "When strides is None, use the pool size as the stride.",
    ),
    "batch-collapsed": (
        "Every batch item has the same output: the whole batch went into each window.",
        "Slice one image x[n] per batch item before taking windows.",
    ),
    "first-item-only": (
        "Only the first batch item is computed correctly.",
        "Loop over all N items of the batch (x.shape[0]).",
    ),
    "activation-missing": (
        "The activation is not applied.",
        "Apply the requested activation to the output, after the bias.",
    ),
    "activation-applied": (
        "An activation is applied although none was asked for.",
        "With activation=None or 'linear', return the raw window sums plus bias.",
    ),
    "wrong-activation": (
        "A different activation than the one asked for is applied.",
        "Check the activation's name: relu, sigmoid or tanh.",
    ),
    "axes-swapped": (
        "Height and width (or the channel order) are swapped.",
        "Arrays are channels-last: (N, H, W, C); the kernel is (kh, kw, C, F).",
    ),
    "mean-instead-of-sum": (
        "The window is averaged instead of summed.",
        "A convolution output is the SUM of window * kernel, not the mean.",
    ),
    "filters-summed": (
        "The filters are summed together instead of giving one output channel each.",
        "Compute each filter f separately into out[..., f].",
    ),
    "input-mutated": (
        "The function changed its input array.",
        "Work on a copy (x = x.astype(float)) instead of writing into the argument.",
    ),
    "integer-overflow": (
        "The result was computed or stored in a small integer type (uint8): values wrapped around or lost their decimals.",
        "Convert to float first (image.astype(np.float64)); do not allocate the output with np.zeros_like(uint8 image).",
    ),
    "forbidden-library-call": (
        "This function must compute with NumPy only, but it called a deep-learning or signal-processing library.",
        "Write the loops (or vectorised NumPy) yourself; Keras is for checking, not for the answer.",
    ),
    # 06_backprop: mistakes of the backward pass.
    "dx-kernel-not-flipped": (
        "dx is a full correlation of dout with the kernel as it is, but the backward pass needs the kernel flipped.",
        "Pixel (p, q) met kernel entry (p - i, q - j) in window (i, j): pad dout by (kh - 1, kw - 1) and "
        "cross-correlate it with kernel[::-1, ::-1], or add dout[:, i, j] times the kernel into each window of dx.",
    ),
    "gradient-overwritten": (
        "Where windows overlap, a window's gradient overwrites what the earlier windows gave the same cells.",
        "Accumulate with +=: a cell that lies in several windows gets the sum of their gradients.",
    ),
    "batch-not-summed": (
        "The weight gradient keeps a batch axis: one gradient per batch item instead of their sum.",
        "The same weights serve every batch item and position: sum their contributions, e.g. db = dout.sum(axis=(0, 1, 2)).",
    ),
    "pool-gradient-spread": (
        "The gradient is spread over the whole pooling window instead of going to its maximum.",
        "Only the maximum reaches the output: build the mask window == window.max() and give dout to that cell only.",
    ),
    "upstream-gradient-ignored": (
        "The upstream gradient dout is not used: the local gradient (1 at each maximum) is returned as it is.",
        "Chain rule: multiply each local gradient by the dout of its output, mask * dout[n, i, j, c].",
    ),
}


def _close(a: Any, b: Any, compare=None) -> bool:
    try:
        if compare is not None:
            return compare(a, b) is None
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return allclose(a, b) is None
        return equal(a, b) is None
    except Exception:
        return False


def _shape_patterns(expected: np.ndarray, value: np.ndarray) -> list[str]:
    found = []
    if value.ndim != expected.ndim:
        return found
    if value.shape != expected.shape:
        diffs = [abs(a - b) for a, b in zip(value.shape, expected.shape)]
        if sorted(value.shape) == sorted(expected.shape):
            found.append("axes-swapped")
        elif max(diffs) == 1:
            found.append("off-by-one-size")
        return found
    if expected.ndim >= 2 and expected.shape[0] >= 2:
        items_same = all(np.array_equal(value[0], v) for v in value[1:])
        if items_same and not _close(expected[0], expected[1]):
            found.append("batch-collapsed")
        elif _close(expected[0], value[0]) and not _close(expected[1:], value[1:]):
            found.append("first-item-only")
    if expected.ndim >= 2:
        h_axis = 1 if expected.ndim == 4 else 0
        if expected.shape[h_axis] == expected.shape[h_axis + 1]:
            swapped = np.swapaxes(expected, h_axis, h_axis + 1)
            if _close(swapped, value) and not _close(expected, value):
                found.append("axes-swapped")
    exact = expected.astype(np.float64)
    if np.allclose(exact, np.round(exact)) and np.all(value >= 0) and np.all(value <= 255):
        if not np.array_equal(exact, value) and np.array_equal(np.mod(np.round(exact), 256), value):
            found.append("integer-overflow")
    return found


def diagnose(expected: Any, value: Any, alternates: dict[str, Any], compare=None) -> list[str]:
    """Misconception ids that explain ``value`` (a failed answer).

    Args:
        expected: the correct answer (plain data).
        value: the student's answer (plain data).
        alternates: misconception id -> the answer that mistake gives.
        compare: the check's comparator (its tolerance applies to mistakes too).
    """
    found = [mid for mid, alternate in alternates.items() if _close(alternate, value, compare)]
    if not found and isinstance(expected, np.ndarray) and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        found = _shape_patterns(expected, value)
    return found


def explain(mid: str) -> str:
    """The mistake in plain words with its hint."""
    title, hint = CATALOGUE[mid]
    return f"Likely mistake ({mid}): {title} Hint: {hint}"
