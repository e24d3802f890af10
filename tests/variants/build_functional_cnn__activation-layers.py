import keras
from keras import layers


def build_functional_cnn(input_shape=(28, 28, 1), n_classes=10):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters in (32, 64):
        x = layers.Conv2D(filters, (5, 5))(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(pool_size=(2, 2), strides=2)(x)
    x = layers.Reshape((-1,))(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(n_classes)(x)
    outputs = layers.Softmax()(x)
    return keras.Model(inputs, outputs)
