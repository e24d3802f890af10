import numpy as np


def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, _ = input_shape
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    if padding == "same":
        return (n, h, w, filters)
    return (n, h - kh + 1, w - kw + 1, filters)
