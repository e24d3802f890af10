import numpy as np


def avgpool_manual(x, pool_size=2, strides=None, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    n, h, w, c = x.shape
    if padding == "same":
        h_out, w_out = -(-h // sh), -(-w // sw)
    else:
        h_out, w_out = (h - ph) // sh + 1, (w - pw) // sw + 1
    pad_h = max((h_out - 1) * sh + ph - h, 0)
    pad_w = max((w_out - 1) * sw + pw - w, 0)
    widths = ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0))
    xp, real = np.pad(x, widths, constant_values=0.0), np.pad(np.ones_like(x), widths)
    # combine the ph * pw shifted, strided copies of the image: one per cell of the window
    acc, count = None, 0
    for u in range(ph):
        for v in range(pw):
            part = xp[:, u : u + (h_out - 1) * sh + 1 : sh, v : v + (w_out - 1) * sw + 1 : sw]
            acc = part if acc is None else acc + part
            count = count + real[:, u : u + (h_out - 1) * sh + 1 : sh, v : v + (w_out - 1) * sw + 1 : sw]
    return acc / count
