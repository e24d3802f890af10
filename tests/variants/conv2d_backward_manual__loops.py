import numpy as np


def conv2d_backward_manual(dout, images, kernels, strides=1, padding="valid"):
    # Loops over the output positions and the kernel offsets; each step is a matrix product over
    # the batch, the channels and the filters. Pixels under the padding are skipped.
    x = np.asarray(images, dtype=float)
    k = np.asarray(kernels, dtype=float)
    g = np.asarray(dout, dtype=float)
    _, h_out, w_out, _ = g.shape
    kh, kw, _, _ = k.shape
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    _, h, w, _ = x.shape
    top = left = 0
    if padding == "same":
        top = max((h_out - 1) * sh + kh - h, 0) // 2
        left = max((w_out - 1) * sw + kw - w, 0) // 2
    dx = np.zeros(x.shape)
    dw = np.zeros(k.shape)
    for i in range(h_out):
        for j in range(w_out):
            for u in range(kh):
                for v in range(kw):
                    p, q = i * sh + u - top, j * sw + v - left  # the pixel under kernel entry (u, v)
                    if 0 <= p < h and 0 <= q < w:  # outside: padding, a constant zero
                        dw[u, v] += x[:, p, q, :].T @ g[:, i, j, :]
                        dx[:, p, q, :] += g[:, i, j, :] @ k[u, v].T
    return dx, dw, g.sum(axis=(0, 1, 2))
