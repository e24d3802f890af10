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
            dw += np.einsum("nuvc,nf->uvcf", x[:, i : i + kh, j : j + kw, :], dout[:, i, j, :])
            dx[:, i : i + kh, j : j + kw, :] += np.einsum("nf,uvcf->nuvc", dout[:, i, j, :], kernels)
    db = dout.sum(axis=(1, 2))  # (N, F): summed over the positions, not over the batch
    return dx, dw, db
