import numpy as np


def vertical_edge_kernel():
    return np.array([[-1.0, 1.0], [-1.0, 1.0]], dtype=np.float32)
