import numpy as np


def count_conv_params(kernel_size, in_channels, filters, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    weights = int(kh * kw * in_channels * filters)
    return weights + (int(in_channels * filters) if use_bias else 0)  # one bias per channel and filter
