import numpy as np


def channels_first(feature_maps):
    if feature_maps.ndim == 3:
        return np.transpose(feature_maps, (2, 0, 1))
    return np.transpose(feature_maps, (0, 3, 1, 2))
