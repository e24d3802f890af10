import numpy as np


def predict_homework_edge_map():
    edge_map = np.zeros((5, 5), dtype=np.int64)
    edge_map[:, 2] = 2
    return edge_map
