import numpy as np


def vertical_edge_kernel():
    left, right = -np.ones(2, dtype=int), np.ones(2, dtype=int)
    return np.stack([left, right], axis=1)
