import numpy as np


def pad_same(images, kernel_size, strides=1, value=0.0):
    n, h, w, c = images.shape
    kh, kw = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    sh, sw = (strides, strides) if np.isscalar(strides) else strides
    total_h = max((int(np.ceil(h / sh)) - 1) * sh + kh - h, 0)
    total_w = max((int(np.ceil(w / sw)) - 1) * sw + kw - w, 0)
    out = np.full((n, h + total_h, w + total_w, c), value, dtype=float)
    out[:, total_h // 2 : total_h // 2 + h, total_w // 2 : total_w // 2 + w, :] = images
    return out
