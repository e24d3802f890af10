import numpy as np


def pad_same(images, kernel_size, strides=1, value=0.0):
    x = np.array(images, dtype=np.float64)
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    ph, pw = kh - 1, kw - 1  # "same" keeps the size: k - 1 in total (true for stride 1 only)
    return np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=value)
