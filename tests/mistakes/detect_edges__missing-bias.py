import numpy as np
from tensorflow.keras.layers import Conv2D


def detect_edges(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=np.float32)
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw = kernel.shape
    conv = Conv2D(1, (kh, kw), use_bias=False)  # the bias argument is never used
    conv.build((1, image.shape[0], image.shape[1], 1))
    conv.set_weights([kernel.reshape(kh, kw, 1, 1)])
    return conv(image[None, :, :, None]).numpy()[0, :, :, 0]
