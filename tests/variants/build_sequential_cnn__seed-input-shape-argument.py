import tensorflow as tf


def build_sequential_cnn(input_shape=(28, 28, 1), n_classes=10):
    # the lecture's style: input_shape given to the first layer, a separate Softmax-free Dense
    return tf.keras.models.Sequential(
        [
            tf.keras.layers.Conv2D(32, (5, 5), input_shape=input_shape),
            tf.keras.layers.ReLU(),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Conv2D(64, (5, 5)),
            tf.keras.layers.ReLU(),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(64),
            tf.keras.layers.ReLU(),
            tf.keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
