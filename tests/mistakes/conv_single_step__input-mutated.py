import numpy as np


def conv_single_step(window, kernel, bias=0.0):
    products = np.asarray(window, dtype=np.float64)  # no copy when window is float64 already
    products *= kernel  # so this writes into the caller's window
    return products.sum() + bias
