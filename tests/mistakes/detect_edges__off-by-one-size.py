import numpy as np


def detect_edges(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape
    h, w = image.shape
    out = np.zeros((h - kh, w - kw))  # the "+ 1" is forgotten: the last window is dropped
    for i in range(h - kh):
        for j in range(w - kw):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel) + bias
    return out
