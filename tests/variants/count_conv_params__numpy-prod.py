import numpy as np


def count_conv_params(kernel_size, in_channels, filters, use_bias=True):
    kernel_shape = np.broadcast_to(kernel_size, (2,)).tolist() + [in_channels, filters]
    return int(np.prod(kernel_shape)) + (int(filters) if use_bias else 0)
