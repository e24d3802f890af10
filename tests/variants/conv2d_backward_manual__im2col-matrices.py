import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    # The matrix form: with cols = im2col(x), out = cols @ W, so dW = cols.T @ dout and
    # dcols = dout @ W.T, scattered back (col2im) onto the pixels the columns were copied from.
    x = np.asarray(images, dtype=np.float64)
    w = np.asarray(kernels, dtype=np.float64)
    g = np.asarray(dout, dtype=np.float64)
    kh, kw, c, f = w.shape
    n, h_out, w_out, _ = g.shape
    cols = np.stack(
        [x[:, u : u + h_out, v : v + w_out, :] for u in range(kh) for v in range(kw)], axis=3
    ).reshape(-1, kh * kw * c)
    g2 = g.reshape(-1, f)
    dw = (cols.T @ g2).reshape(w.shape)
    dcols = (g2 @ w.reshape(-1, f).T).reshape(n, h_out, w_out, kh, kw, c)
    dx = np.zeros(x.shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, u : u + h_out, v : v + w_out, :] += dcols[:, :, :, u, v, :]
    return dx, dw, g2.sum(axis=0)
