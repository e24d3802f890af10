import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Conv2D


def learn_kernel(X, Y, kernel_shape, steps=400, learning_rate=0.05):
    # Glorot-random start (the layer builds on its first call), Adam, a tf.function step
    x = np.asarray(X, dtype=np.float32)[..., None]
    y = np.asarray(Y, dtype=np.float32)[..., None]
    conv = Conv2D(1, tuple(kernel_shape), use_bias=False)
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    train = tf.function(lambda: _step(conv, optimizer, x, y))
    for _ in range(steps):
        train()
    return np.squeeze(conv.get_weights()[0], axis=(2, 3))


def _step(conv, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(conv(x) - y))
    grads = tape.gradient(loss, conv.trainable_variables)
    optimizer.apply_gradients(zip(grads, conv.trainable_variables, strict=True))
    return loss
