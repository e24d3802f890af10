import numpy as np


def conv2d_backward_manual(dout, images, kernels, strides=1, padding="valid"):
    """dx as CS231n's notes derive it: dout dilated by the strides, fully padded and
    cross-correlated with the flipped kernel; dw as the input correlated with dilated dout."""
    x = np.asarray(images, dtype=float)
    k = np.asarray(kernels, dtype=float)
    g = np.asarray(dout, dtype=float)
    kh, kw, c, f = k.shape
    sh, sw = (int(strides), int(strides)) if np.isscalar(strides) else tuple(int(s) for s in strides)
    n, h, w, _ = x.shape
    if padding == "same":
        th = max((-(-h // sh) - 1) * sh + kh - h, 0)
        tw = max((-(-w // sw) - 1) * sw + kw - w, 0)
        top, left, bottom, right = th // 2, tw // 2, th - th // 2, tw - tw // 2
    else:
        top = left = bottom = right = 0
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    hp, wp = xp.shape[1:3]
    _, h_out, w_out, _ = g.shape
    dilated = np.zeros((n, (h_out - 1) * sh + 1, (w_out - 1) * sw + 1, f))
    dilated[:, ::sh, ::sw, :] = g
    # rows of xp past the last window never reach the output: pad dilated dout to the full size
    full = np.pad(dilated, ((0, 0), (kh - 1, hp - dilated.shape[1]), (kw - 1, wp - dilated.shape[2]), (0, 0)))
    flipped = k[::-1, ::-1]
    dxp = np.zeros(xp.shape)
    for u in range(kh):
        for v in range(kw):
            dxp += np.einsum("nhwf,cf->nhwc", full[:, u : u + hp, v : v + wp, :], flipped[u, v])
    dw = np.zeros(k.shape)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, u : u + dilated.shape[1], v : v + dilated.shape[2], :]
            dw[u, v] = np.einsum("nhwc,nhwf->cf", patch, dilated)
    return dxp[:, top : top + h, left : left + w, :], dw, g.sum(axis=(0, 1, 2))
