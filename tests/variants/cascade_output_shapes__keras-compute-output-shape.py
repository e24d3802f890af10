import keras
import numpy as np


def cascade_output_shapes(input_shape, filters_per_layer, kernel_size=3):
    kernel = tuple(int(k) for k in np.broadcast_to(kernel_size, (2,)))  # Keras wants Python ints
    shapes, shape = [], tuple(int(d) for d in input_shape)
    for filters in filters_per_layer:
        shape = keras.layers.Conv2D(int(filters), kernel).compute_output_shape(shape)
        shapes.append(tuple(shape))
    return shapes
