import importlib


def count_conv_params(kernel_size, in_channels, filters, use_bias=True):
    keys = importlib.import_module("autograder.author.keys.cnn_models")
    return keys.conv_params(kernel_size, in_channels, filters, use_bias)
