def conv_macs(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, c = input_shape
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if padding == "same":
        h_out, w_out = h, w
    else:
        h_out, w_out = h - kh + 1, w - kw + 1  # as if the stride were 1
    return n * h_out * w_out * filters * kh * kw * c
