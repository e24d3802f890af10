import numpy as np
import tensorflow as tf


def train_numpy_cnn(x_train, y_train, x_test, y_test):
    model = tf.keras.Sequential(
        [
            tf.keras.Input(np.shape(x_train)[1:]),
            tf.keras.layers.Conv2D(8, 3, activation="relu"),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, verbose=0)
    return {
        "accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]),
        "losses": [float(v) for v in history.history["loss"]],
        "params": int(model.count_params()),
    }
