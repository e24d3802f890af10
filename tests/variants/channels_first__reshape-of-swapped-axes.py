import numpy as np


def channels_first(feature_maps):
    # reshape only merges and splits axes in place; the reordering itself is a swapaxes
    x = np.asarray(feature_maps)
    *batch, h, w, f = x.shape
    pixels = x.reshape(*batch, h * w, f)
    return np.swapaxes(pixels, -1, -2).reshape(*batch, f, h, w)
