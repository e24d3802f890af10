import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    # dx as a valid correlation of the padded dout with the kernel as it is (no [::-1, ::-1]).
    x = np.asarray(images, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = kernels.shape[:2]
    n, h, w, c = x.shape
    _, h_out, w_out, _ = dout.shape
    padded = np.pad(dout, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1), (0, 0)))
    dx = np.zeros(x.shape)
    for p in range(h):
        for q in range(w):
            dx[:, p, q, :] = np.einsum("nuvf,uvcf->nc", padded[:, p : p + kh, q : q + kw, :], kernels)
    dw = np.zeros(kernels.shape)
    for i in range(h_out):
        for j in range(w_out):
            dw += np.einsum("nuvc,nf->uvcf", x[:, i : i + kh, j : j + kw, :], dout[:, i, j, :])
    return dx, dw, dout.sum(axis=(0, 1, 2))
