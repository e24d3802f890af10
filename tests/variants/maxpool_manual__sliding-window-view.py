import numpy as np


def maxpool_manual(x, pool_size=2, strides=None, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    n, h, w, c = x.shape
    if padding == "same":
        pad_h = max((-(-h // sh) - 1) * sh + ph - h, 0)
        pad_w = max((-(-w // sw) - 1) * sw + pw - w, 0)
        widths = ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0))
        x = np.pad(x, widths, constant_values=np.nan)
    # windows: (n, H', W', c, ph, pw), then keep every sh-th row and sw-th column of them
    windows = np.lib.stride_tricks.sliding_window_view(x, (ph, pw), axis=(1, 2))[:, ::sh, ::sw]
    return np.nanmax(windows, axis=(-2, -1))
