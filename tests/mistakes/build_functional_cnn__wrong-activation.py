import keras


def build_functional_cnn(input_shape=(28, 28, 1), n_classes=10):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(32, (5, 5), activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, (5, 5), activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(n_classes, activation="relu")(x)  # copied from the line above
    return keras.Model(inputs=inputs, outputs=outputs)
