import numpy as np


def sobel_magnitude(image):
    # slices of a uint8 image subtracted, doubled, squared and summed in uint8: everything wraps mod 256
    right = image[:-2, 2:] + 2 * image[1:-1, 2:] + image[2:, 2:]
    left = image[:-2, :-2] + 2 * image[1:-1, :-2] + image[2:, :-2]
    bottom = image[2:, :-2] + 2 * image[2:, 1:-1] + image[2:, 2:]
    top = image[:-2, :-2] + 2 * image[:-2, 1:-1] + image[:-2, 2:]
    gx, gy = right - left, bottom - top
    return np.sqrt(gx**2 + gy**2)
