import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    x = np.asarray(images, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = kernels.shape[:2]
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(kernels.shape)
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i : i + kh, j : j + kw, :]
            upstream = dout[:, i, j, :]
            dw += np.tensordot(window, upstream, axes=([0], [0]))
            dx[:, i : i + kh, j : j + kw, :] = np.tensordot(upstream, kernels, axes=([1], [3]))  # = instead of +=
    return dx, dw, dout.sum(axis=(0, 1, 2))
