import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    x = np.asarray(images, dtype=float)
    k = np.asarray(kernels, dtype=float)
    g = np.asarray(dout, dtype=float)
    n_items, h_out, w_out, filters = g.shape
    kh, kw, channels, _ = k.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(k.shape)
    db = np.zeros(filters)
    for n in range(n_items):
        for i in range(h_out):
            for j in range(w_out):
                for f in range(filters):
                    db[f] += g[n, i, j, f]
                    for u in range(kh):
                        for v in range(kw):
                            for c in range(channels):
                                dw[u, v, c, f] += x[n, i + u, j + v, c] * g[n, i, j, f]
                                dx[n, i + u, j + v, c] += k[u, v, c, f] * g[n, i, j, f]
    return dx, dw, db
