import numpy as np

ACTIVATIONS = {
    None: lambda z: z,
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
    "tanh": np.tanh,
}


def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None):
    # Vectorised: loop over the kh * kw kernel offsets, each a strided slice times a (C, F) matrix.
    x = np.asarray(images, dtype=np.float64)
    k = np.asarray(kernels, dtype=np.float64)
    sh, sw = np.broadcast_to(np.asarray(strides), (2,)).tolist()
    n, h, w, _ = x.shape
    kh, kw, _, _ = k.shape
    if padding == "same":
        h_out, w_out = int(np.ceil(h / sh)), int(np.ceil(w / sw))
        ph = max((h_out - 1) * sh + kh - h, 0)
        pw = max((w_out - 1) * sw + kw - w, 0)
        x = np.pad(x, [(0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)])
    else:
        h_out, w_out = (h - kh) // sh + 1, (w - kw) // sw + 1
    z = np.asarray(biases, dtype=np.float64).reshape(1, 1, 1, -1)
    for u in range(kh):
        for v in range(kw):
            rows = x[:, u : u + sh * (h_out - 1) + 1 : sh, v : v + sw * (w_out - 1) + 1 : sw, :]
            z = z + rows @ k[u, v]
    return ACTIVATIONS[activation](z)
