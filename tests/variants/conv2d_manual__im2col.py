import numpy as np


def conv2d_manual(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim == 2:
        image, kernel = image[:, :, None], kernel[:, :, None]
    kh, kw, c = kernel.shape
    h_out, w_out = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    cols = np.stack([image[i : i + h_out, j : j + w_out, :] for i in range(kh) for j in range(kw)], axis=2)
    return cols.reshape(h_out, w_out, -1) @ kernel.reshape(-1) + bias
