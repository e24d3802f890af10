import numpy as np


def maxpool_backward_manual(dout, x, pool_size=2, strides=None):
    ph, pw = (pool_size, pool_size) if np.isscalar(pool_size) else pool_size
    sh, sw = (ph, pw) if strides is None else ((strides, strides) if np.isscalar(strides) else strides)
    n, h_out, w_out, c = np.shape(dout)
    dx = np.zeros(np.shape(x))
    for k in range(n):
        for ch in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[k, i * sh : i * sh + ph, j * sw : j * sw + pw, ch]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[k, i * sh + a, j * sw + b, ch] += dout[k, i, j, ch]
    return dx
