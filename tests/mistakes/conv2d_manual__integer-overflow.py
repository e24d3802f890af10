import numpy as np


def conv2d_manual(image, kernel, bias=0.0):
    kernel = np.asarray(kernel)
    kh, kw = kernel.shape[:2]
    out = np.zeros_like(image[: image.shape[0] - kh + 1, : image.shape[1] - kw + 1])  # keeps uint8
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel) + bias
    return out
