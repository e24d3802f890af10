import numpy as np


def conv2d_manual(image, kernel, bias=0.0):
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = image[i : i + kh, j : j + kw]
            window *= 1  # writes into the caller's array
            out[i, j] = np.sum(window * kernel) + bias
    image[0, 0] = 0  # and changes it
    return out
