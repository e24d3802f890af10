import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    x = np.asarray(images, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw, c, f = kernels.shape
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(kernels.shape)
    for i in range(h_out):
        for j in range(w_out):
            dw += x[0, i : i + kh, j : j + kw, :, None] * dout[0, i, j]
            dx[0, i : i + kh, j : j + kw, :] += kernels @ dout[0, i, j]
    return dx, dw, dout[0].sum(axis=(0, 1))
