import numpy as np


def horizontal_edge_kernel():
    return np.array([[-1, 1], [-1, 1]]).T
