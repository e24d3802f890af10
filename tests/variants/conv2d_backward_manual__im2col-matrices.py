import numpy as np


def conv2d_backward_manual(dout, images, kernels, strides=1, padding="valid"):
    # The matrix form: with cols = im2col(padded x) at the strided positions, out = cols @ W, so
    # dW = cols.T @ dout and dcols = dout @ W.T, scattered back (col2im) onto the pixels the
    # columns were copied from, then the padding cropped off.
    x = np.asarray(images, dtype=np.float64)
    w = np.asarray(kernels, dtype=np.float64)
    g = np.asarray(dout, dtype=np.float64)
    kh, kw, c, f = w.shape
    sh, sw = np.broadcast_to(strides, (2,))
    n, h, wd, _ = x.shape
    _, h_out, w_out, _ = g.shape
    top = left = 0
    if padding == "same":
        th, tw = max((h_out - 1) * sh + kh - h, 0), max((w_out - 1) * sw + kw - wd, 0)
        top, left = th // 2, tw // 2
        x = np.pad(x, ((0, 0), (top, th - top), (left, tw - left), (0, 0)))
    rows, cols_ = (h_out - 1) * sh + 1, (w_out - 1) * sw + 1
    cols = np.stack(
        [x[:, u : u + rows : sh, v : v + cols_ : sw, :] for u in range(kh) for v in range(kw)], axis=3
    ).reshape(-1, kh * kw * c)
    g2 = g.reshape(-1, f)
    dw = (cols.T @ g2).reshape(w.shape)
    dcols = (g2 @ w.reshape(-1, f).T).reshape(n, h_out, w_out, kh, kw, c)
    dx = np.zeros(x.shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, u : u + rows : sh, v : v + cols_ : sw, :] += dcols[:, :, :, u, v, :]
    return dx[:, top : top + h, left : left + wd, :], dw, g2.sum(axis=0)
