import numpy as np


def im2col(images, kernel_size):
    if isinstance(kernel_size, (tuple, list)):
        kh, kw = kernel_size
    else:
        kh = kw = kernel_size
    n, h, w, c = np.shape(images)
    cols = np.zeros((n, h - kh + 1, w - kw + 1, kh * kw * c))
    for k in range(n):
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                cols[k, i, j] = np.ravel(images[k, i : i + kh, j : j + kw, :])
    return cols
