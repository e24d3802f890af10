import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    x = np.asarray(images, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = kernels.shape[:2]
    _, h_out, w_out, _ = dout.shape
    dx = np.zeros(x.shape)
    products = []
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i : i + kh, j : j + kw, :]
            products.append(np.einsum("nuvc,nf->nuvcf", window, dout[:, i, j, :]))
            dx[:, i : i + kh, j : j + kw, :] += np.einsum("nf,uvcf->nuvc", dout[:, i, j, :], kernels)
    dw = np.mean(np.concatenate(products), axis=0)  # the mean over all N * H_out * W_out windows
    return dx, dw, np.mean(dout, axis=(0, 1, 2))
