import numpy as np


def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None):
    # The lecture's loops: one filter at a time, one image at a time, window by window.
    images = images.astype(np.float64)
    n, h, w, _ = images.shape
    kh, kw, _, f = kernels.shape
    sh, sw = (strides, strides) if isinstance(strides, int) else tuple(strides)
    if padding == "same":
        h_out = (h + sh - 1) // sh
        w_out = (w + sw - 1) // sw
        ph = max((h_out - 1) * sh + kh - h, 0)
        pw = max((w_out - 1) * sw + kw - w, 0)
        padded = np.zeros((n, h + ph, w + pw, images.shape[3]))
        padded[:, ph // 2 : ph // 2 + h, pw // 2 : pw // 2 + w, :] = images
        images = padded
    else:
        h_out = (h - kh) // sh + 1
        w_out = (w - kw) // sw + 1
    y = np.zeros((n, h_out, w_out, f))
    for idx in range(n):
        for c in range(f):
            c_w = kernels[:, :, :, c]
            c_b = biases[c]
            for i in range(h_out):
                for j in range(w_out):
                    window = images[idx, i * sh : i * sh + kh, j * sw : j * sw + kw, :]
                    z = np.sum(window * c_w) + c_b
                    if activation == "relu":
                        z = max(z, 0.0)
                    elif activation == "sigmoid":
                        z = 1 / (1 + np.exp(-z))
                    elif activation == "tanh":
                        z = np.tanh(z)
                    y[idx, i, j, c] = z
    return y
