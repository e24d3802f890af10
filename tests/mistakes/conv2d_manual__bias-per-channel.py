import numpy as np


def conv2d_manual(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim == 2:
        image, kernel = image[..., None], kernel[..., None]
    kh, kw, c = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for ch in range(c):  # the bias goes in once per input channel
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] += np.sum(image[i : i + kh, j : j + kw, ch] * kernel[..., ch]) + bias
    return out
