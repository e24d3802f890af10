import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _same_pad(size, kernel, stride):
    total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None):
    # All windows at once with sliding_window_view, then one einsum over (kh, kw, C).
    sh, sw = (strides, strides) if np.isscalar(strides) else strides
    kh, kw = kernels.shape[:2]
    x = images.astype(float)
    if padding.lower() == "same":
        x = np.pad(x, ((0, 0), _same_pad(x.shape[1], kh, sh), _same_pad(x.shape[2], kw, sw), (0, 0)))
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]  # (N, H_out, W_out, C, kh, kw)
    z = np.einsum("nhwcuv,uvcf->nhwf", windows, kernels.astype(float)) + biases
    if activation == "relu":
        return np.where(z > 0, z, 0.0)
    if activation == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -z))
    if activation == "tanh":
        return np.tanh(z)
    if activation in (None, "linear"):
        return z
    raise ValueError(activation)
