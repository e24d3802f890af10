import numpy as np
import tensorflow as tf


def multi_filter_conv(images, kernels, biases, strides=1, padding="valid", activation=None):
    x = tf.constant(np.asarray(images, dtype=np.float32))
    k = tf.constant(np.asarray(kernels, dtype=np.float32))
    z = tf.nn.conv2d(x, k, strides=strides, padding=padding.upper()) + np.asarray(biases, dtype=np.float32)
    return tf.keras.activations.get(activation)(z).numpy()
