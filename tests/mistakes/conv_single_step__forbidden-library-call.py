import tensorflow as tf


def conv_single_step(window, kernel, bias=0.0):
    products = tf.multiply(tf.cast(window, tf.float64), tf.cast(kernel, tf.float64))
    return float(tf.reduce_sum(products).numpy()) + bias
