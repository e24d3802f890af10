import keras
from keras import layers


def build_sequential_cnn(input_shape=(28, 28, 1), n_classes=10):
    model = keras.Sequential()
    model.add(keras.Input(shape=input_shape))
    model.add(layers.Conv2D(32, 5, activation="relu"))
    model.add(layers.MaxPool2D())
    model.add(layers.Conv2D(64, 5, activation="relu"))
    model.add(layers.MaxPool2D())
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model
