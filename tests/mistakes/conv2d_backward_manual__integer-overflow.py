import numpy as np


def conv2d_backward_manual(dout, images, kernels, strides=1, padding="valid"):
    x = np.asarray(images)  # integer images stay integer, and so do the gradients below
    kernels = np.asarray(kernels)
    dout = np.asarray(dout)
    kh, kw = kernels.shape[:2]
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h, w, _ = x.shape
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        totals = [max((-(-size // s) - 1) * s + k - size, 0) for size, k, s in ((h, kh, sh), (w, kw, sw))]
        pads = [(t // 2, t - t // 2) for t in totals]
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(kernels)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            g = dout[:, i, j, :]
            dw += np.einsum("nuvc,nf->uvcf", xp[:, rows, cols, :], g)
            dxp[:, rows, cols, :] += np.einsum("nf,uvcf->nuvc", g, kernels)
    (top, _), (left, _) = pads
    return dxp[:, top : top + h, left : left + w, :], dw, dout.sum(axis=(0, 1, 2))
