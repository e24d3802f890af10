import math


def conv_macs(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, c = input_shape
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    if padding == "same":
        h_out, w_out = math.ceil(h / sh), math.ceil(w / sw)
    else:
        h_out, w_out = (h - kh) // sh + 1, (w - kw) // sw + 1
    return n * h_out * w_out * filters * (kh * kw * c + 1)  # + 1 for the bias
