import numpy as np


def channels_first(feature_maps):
    return np.moveaxis(np.asarray(feature_maps), -1, -3).copy()
