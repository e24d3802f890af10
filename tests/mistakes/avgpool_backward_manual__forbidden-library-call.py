import numpy as np
import tensorflow as tf


def avgpool_backward_manual(dout, x, pool_size=2, strides=None):
    x = tf.constant(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.keras.layers.AveragePooling2D(pool_size, strides=strides)(x)
    return tape.gradient(out, x, output_gradients=tf.constant(dout, dtype=tf.float64)).numpy()
