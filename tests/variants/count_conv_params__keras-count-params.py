import keras


def count_conv_params(kernel_size, in_channels, filters, use_bias=True):
    layer = keras.layers.Conv2D(int(filters), kernel_size, use_bias=use_bias)
    layer.build((None, None, None, int(in_channels)))
    return layer.count_params()
