import numpy as np


def predict_pooled_values():
    return np.array([[9, 7, 12], [13, 10, 6], [13, 8, -2]])
