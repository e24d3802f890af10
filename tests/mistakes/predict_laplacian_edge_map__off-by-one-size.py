import numpy as np


def predict_laplacian_edge_map():
    # 6 - 3 = 3 windows per row instead of 6 - 3 + 1 = 4
    return np.array([[1.0, -1.0, 0.0]] * 3)
