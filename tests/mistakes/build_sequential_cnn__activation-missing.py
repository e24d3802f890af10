import keras


def build_sequential_cnn(input_shape=(28, 28, 1), n_classes=10):
    # Conv2D's default activation is None: without ReLU layers the network is linear until the softmax
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(32, (5, 5)),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, (5, 5)),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(64),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
