import keras


def build_sequential_cnn(input_shape=(28, 28, 1), n_classes=10):
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(32, (5, 5), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, (5, 5), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(n_classes, activation="sigmoid"),  # one probability per class... but they do not sum to 1
        ]
    )
