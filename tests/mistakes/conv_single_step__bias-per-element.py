import numpy as np


def conv_single_step(window, kernel, bias=0.0):
    return np.sum(np.asarray(window, dtype=np.float64) * kernel + bias)
