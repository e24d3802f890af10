import numpy as np


def im2col(images, kernel_size):
    images = np.asarray(images, dtype=np.float64)
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    n, h, w, c = images.shape
    h_out, w_out = h - kh + 1, w - kw + 1
    cols = np.zeros((n, h_out, w_out, kh * kw * c))
    for i in range(h_out):
        for j in range(w_out):
            cols[0, i, j] = images[0, i : i + kh, j : j + kw, :].reshape(-1)
    return cols
