import numpy as np


def pad_same(images, kernel_size, strides=1, value=0.0):
    x = np.asarray(images, dtype=np.float64)
    x -= 0.0  # an in-place step: writes into the caller's float64 array (and fails on a read-only one)
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h, w, _ = x.shape
    ph = max((-(-h // sh) - 1) * sh + kh - h, 0)
    pw = max((-(-w // sw) - 1) * sw + kw - w, 0)
    images[0, 0, 0, 0] = 0  # and changes it
    return np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=value)
