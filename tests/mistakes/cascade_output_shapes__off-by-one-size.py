import numpy as np


def cascade_output_shapes(input_shape, filters_per_layer, kernel_size=3):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    n, h, w, _ = input_shape
    shapes = []
    for filters in filters_per_layer:
        h, w = h - kh, w - kw  # forgets the + 1
        shapes.append((n, h, w, filters))
    return shapes
