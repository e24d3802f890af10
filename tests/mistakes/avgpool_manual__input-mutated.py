import numpy as np


def avgpool_manual(x, pool_size=2, strides=None, padding="valid"):
    x = np.asarray(x)
    low = x.min()
    x -= low  # shift to >= 0 (changes the caller's array)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    n, h, w, c = x.shape
    if padding == "same":
        h_out, w_out = -(-h // sh), -(-w // sw)
        top = max((h_out - 1) * sh + ph - h, 0) // 2
        left = max((w_out - 1) * sw + pw - w, 0) // 2
    else:
        h_out, w_out = (h - ph) // sh + 1, (w - pw) // sw + 1
        top = left = 0
    out = np.zeros((n, h_out, w_out, c))
    for i in range(h_out):
        r0 = i * sh - top
        for j in range(w_out):
            c0 = j * sw - left
            window = x[:, max(r0, 0) : r0 + ph, max(c0, 0) : c0 + pw, :]
            out[:, i, j, :] = window.mean(axis=(1, 2))
    return out + low
