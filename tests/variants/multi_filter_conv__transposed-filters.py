import numpy as np


def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None):
    x = np.asarray(images, dtype=np.float64)
    k = np.asarray(kernels, dtype=np.float64)
    b = np.asarray(biases, dtype=np.float64).reshape(-1)
    n, h, w, _ = x.shape
    kh, kw, c, f = k.shape
    filters = np.transpose(k, (3, 0, 1, 2))  # (F, kh, kw, C): filter q is filters[q]
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    if padding == "same":
        h_out, w_out = -(-h // sh), -(-w // sw)
        pad_h = max((h_out - 1) * sh + kh - h, 0)
        pad_w = max((w_out - 1) * sw + kw - w, 0)
        top, left = pad_h // 2, pad_w // 2
        x = np.pad(x, ((0, 0), (top, pad_h - top), (left, pad_w - left), (0, 0)))
    else:
        h_out, w_out = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, h_out, w_out, f))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * sh : i * sh + kh, j * sw : j * sw + kw, :]  # (N, kh, kw, C)
            out[:, i, j, :] = np.einsum("nuvc,quvc->nq", window, filters) + b
    if activation == "relu":
        return np.maximum(out, 0)
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-out))
    if activation == "tanh":
        return np.tanh(out)
    return out
