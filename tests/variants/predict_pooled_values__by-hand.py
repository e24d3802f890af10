import numpy as np


def predict_pooled_values():
    return np.array([[5, 2, 3], [6, 6, 3], [2, 2, -3]])
