import math


def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, _ = input_shape
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    if padding == "same":
        return (n, math.ceil(h / sh), math.ceil(w / sw), filters)
    return (n, math.ceil((h - kh) / sh) + 1, math.ceil((w - kw) / sw) + 1, filters)  # rounds up, not down
