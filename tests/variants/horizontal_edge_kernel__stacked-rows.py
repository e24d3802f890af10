import numpy as np


def horizontal_edge_kernel():
    return np.vstack([np.full(2, -1.0), np.full(2, 1.0)])
