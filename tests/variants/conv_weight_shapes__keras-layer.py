import keras


def conv_weight_shapes(in_channels, filters, kernel_size):
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 8, 8, in_channels))
    return tuple(layer.kernel.shape), tuple(layer.bias.shape)
