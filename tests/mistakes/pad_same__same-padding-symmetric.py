import numpy as np


def pad_same(images, kernel_size, strides=1, value=0.0):
    x = np.array(images, dtype=np.float64)
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    _, h, w, _ = x.shape
    ph = max((-(-h // sh) - 1) * sh + kh - h, 0)
    pw = max((-(-w // sw) - 1) * sw + kw - w, 0)
    # the extra row/column before, as a centred kernel "should"
    top, left = ph - ph // 2, pw - pw // 2
    return np.pad(x, ((0, 0), (top, ph - top), (left, pw - left), (0, 0)), constant_values=value)
