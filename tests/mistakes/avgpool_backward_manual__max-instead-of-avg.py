import numpy as np


def avgpool_backward_manual(dout, x, pool_size=2, strides=None):
    dout = np.asarray(dout, dtype=np.float64)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(np.shape(x))
    for i in range(h_out):
        for j in range(w_out):
            window = np.asarray(x, dtype=np.float64)[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :]
            mask = window == window.max(axis=(1, 2), keepdims=True)  # the max pool's mask
            dx[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :] += mask * dout[:, i : i + 1, j : j + 1, :]
    return dx
