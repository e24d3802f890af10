import keras
import numpy as np


def conv_macs(input_shape, filters, kernel_size, strides=1, padding="valid"):
    layer = keras.layers.Conv2D(int(filters), kernel_size, strides=strides, padding=padding)
    n, h_out, w_out, f = layer.compute_output_shape(tuple(int(d) for d in input_shape))
    kh, kw = np.broadcast_to(kernel_size, (2,))
    return int(n * h_out * w_out * f * kh * kw * input_shape[3])
