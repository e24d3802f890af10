import numpy as np
import tensorflow as tf


def im2col(images, kernel_size):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    patches = tf.image.extract_patches(
        np.asarray(images, dtype=np.float32), sizes=[1, kh, kw, 1], strides=[1, 1, 1, 1], rates=[1, 1, 1, 1], padding="VALID"
    )
    return patches.numpy()
