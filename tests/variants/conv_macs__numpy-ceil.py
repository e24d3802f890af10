import numpy as np


def conv_macs(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, c = (int(d) for d in input_shape)
    kh, kw = (int(k) for k in np.broadcast_to(kernel_size, (2,)))
    sh, sw = (int(s) for s in np.broadcast_to(strides, (2,)))
    if padding == "same":
        sizes = np.ceil(np.array([h / sh, w / sw]))
    else:
        sizes = np.floor(np.array([(h - kh) / sh, (w - kw) / sw])) + 1
    return int(n * np.prod(sizes) * int(filters) * kh * kw * c)
