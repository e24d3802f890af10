import math

import numpy as np


def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, _ = input_shape
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    sh, sw = (strides, strides) if np.ndim(strides) == 0 else strides
    if padding == "same":
        return (n, math.ceil(h / sh), math.ceil(w / sw), filters)
    return (n, (h - kh) // sh + 1, (w - kw) // sw + 1, filters)
