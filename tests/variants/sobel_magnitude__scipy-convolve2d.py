import numpy as np
from scipy.signal import convolve2d

KX = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)


def sobel_magnitude(image):
    # true convolution flips the kernels; the Sobel kernels are antisymmetric, so flipping
    # only negates gx and gy and the magnitude is the same
    x = np.asarray(image, dtype=np.float64)
    gx = convolve2d(x, KX, mode="valid")
    gy = convolve2d(x, KX.T, mode="valid")
    return np.hypot(gx, gy)
