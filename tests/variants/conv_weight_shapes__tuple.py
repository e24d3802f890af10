import numpy as np


def conv_weight_shapes(in_channels, filters, kernel_size):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    return (kh, kw, in_channels, filters), (filters,)
