import numpy as np


def conv_single_step(window, kernel, bias=0.0):
    w = np.asarray(window, dtype=np.float64).ravel()
    return float(w @ np.asarray(kernel, dtype=np.float64).ravel() + bias)
