import numpy as np
import tensorflow as tf


def learn_kernel(X, Y, kernel_shape, steps=2000, learning_rate=None):
    # a tf.Variable kernel, tf.nn.conv2d and plain gradient descent; the step size comes from the data
    # (1 / the largest curvature of the MSE bound), so it converges for any image scale
    kh, kw = kernel_shape
    x = tf.constant(np.asarray(X, dtype=np.float32)[..., None])
    y = tf.constant(np.asarray(Y, dtype=np.float32)[..., None])
    if learning_rate is None:
        learning_rate = 0.5 / (2.0 * kh * kw * float(np.mean(np.square(X))))
    kernel = tf.Variable(tf.zeros((kh, kw, 1, 1)))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.nn.conv2d(x, kernel, 1, "VALID") - y) ** 2)
        kernel.assign_sub(learning_rate * tape.gradient(loss, kernel))

    for _ in range(steps):
        step()
    return kernel.numpy().reshape(kh, kw)
