import numpy as np


def conv2d_backward_manual(dout, images, kernels):
    # dx: dout padded by (kh - 1, kw - 1), correlated with the flipped kernel whose channel axes
    # are swapped; dw: the images correlated with dout, offset by offset.
    x = np.asarray(images, dtype=np.float64)
    w = np.asarray(kernels, dtype=np.float64)
    g = np.asarray(dout, dtype=np.float64)
    kh, kw = w.shape[:2]
    _, h, wd, _ = x.shape
    _, h_out, w_out, _ = g.shape
    flipped = w[::-1, ::-1].transpose(0, 1, 3, 2)  # (kh, kw, F, C)
    padded = np.pad(g, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1), (0, 0)))
    dx = np.zeros(x.shape)
    for u in range(kh):
        for v in range(kw):
            dx += padded[:, u : u + h, v : v + wd, :] @ flipped[u, v]
    dw = np.stack(
        [np.stack([np.einsum("nhwc,nhwf->cf", x[:, u : u + h_out, v : v + w_out, :], g) for v in range(kw)]) for u in range(kh)]
    )
    return dx, dw, g.sum(axis=(0, 1, 2))
