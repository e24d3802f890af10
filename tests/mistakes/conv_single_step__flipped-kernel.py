import numpy as np


def conv_single_step(window, kernel, bias=0.0):
    # true convolution: the kernel turned by 180 degrees first
    return np.sum(np.asarray(window, dtype=np.float64) * np.asarray(kernel)[::-1, ::-1]) + bias
