import numpy as np


def avgpool_backward_manual(dout, x, pool_size=2, strides=None):
    """Each window's share as a (ph, pw) block of ones times dout / (ph * pw), added at its offset."""
    ph, pw = (int(pool_size),) * 2 if np.isscalar(pool_size) else tuple(int(p) for p in pool_size)
    sh, sw = (ph, pw) if strides is None else ((int(strides),) * 2 if np.isscalar(strides) else tuple(strides))
    share = np.asarray(dout, dtype=float) / (ph * pw)
    dx = np.zeros(np.shape(x), dtype=float)
    _, h_out, w_out, _ = share.shape
    for u in range(ph):
        for v in range(pw):
            dx[:, u : u + sh * (h_out - 1) + 1 : sh, v : v + sw * (w_out - 1) + 1 : sw, :] += share
    return dx
