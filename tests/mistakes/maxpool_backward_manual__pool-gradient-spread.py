import numpy as np


def maxpool_backward_manual(dout, x, pool_size=2, strides=None):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(x.shape)
    for i in range(h_out):
        for j in range(w_out):
            # spread evenly over the window, as if every cell had a share in the maximum
            dx[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :] += dout[:, i : i + 1, j : j + 1, :] / (ph * pw)
    return dx
