import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Conv2D


def learn_kernel(X, Y, kernel_shape, steps=300, learning_rate=0.1):
    # trains on transposed images (W, H) and returns the kernel in that (kw, kh) layout
    kh, kw = kernel_shape
    X = tf.constant(np.swapaxes(np.asarray(X, dtype=np.float32), 1, 2)[..., None])
    Y = tf.constant(np.swapaxes(np.asarray(Y, dtype=np.float32), 1, 2)[..., None])
    conv = Conv2D(1, (kw, kh), use_bias=False, kernel_initializer="zeros")
    conv.build(X.shape)
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    optimizer.build(conv.trainable_variables)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((conv(X) - Y) ** 2)
        grads = tape.gradient(loss, conv.trainable_variables)
        optimizer.apply_gradients(zip(grads, conv.trainable_variables, strict=True))

    for _ in range(steps):
        step()
    return conv.get_weights()[0].reshape(kw, kh)
