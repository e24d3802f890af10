import numpy as np
from scipy.signal import correlate2d


def sobel_magnitude(image):
    x = np.asarray(image, dtype=np.float64)
    kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    gx = correlate2d(x, kx, mode="valid")
    gy = correlate2d(x, kx.T, mode="valid")
    return np.sqrt(gx**2 + gy**2)
