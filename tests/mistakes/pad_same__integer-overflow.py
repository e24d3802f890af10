import numpy as np


def pad_same(images, kernel_size, strides=1, value=0.0):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h, w, _ = np.shape(images)
    ph = max((-(-h // sh) - 1) * sh + kh - h, 0)
    pw = max((-(-w // sw) - 1) * sw + kw - w, 0)
    widths = ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0))
    return np.pad(images, widths, constant_values=value)  # in the images' own dtype
