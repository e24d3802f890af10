import numpy as np


def detect_edges(image, kernel, bias=0.0):
    kh, kw = np.shape(kernel)
    h, w = image.shape
    out = np.zeros((h - kh + 1, w - kw + 1), dtype=image.dtype)  # uint8 storage wraps negatives
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel) + bias
    return out
