import numpy as np


def predict_shifted_feature_map():
    out = np.zeros((3, 5))
    out[0:2, 2:4] = [[4, 3], [2, 1]]
    return out
