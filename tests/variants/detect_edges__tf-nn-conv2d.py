import numpy as np
import tensorflow as tf


def detect_edges(image, kernel, bias=0.0):
    x = tf.constant(np.asarray(image, dtype=np.float32)[None, :, :, None])
    k = tf.constant(np.asarray(kernel, dtype=np.float32)[:, :, None, None])
    return (tf.nn.conv2d(x, k, strides=1, padding="VALID")[0, :, :, 0] + bias).numpy()
