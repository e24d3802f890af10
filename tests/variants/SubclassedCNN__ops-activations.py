import keras
import tensorflow as tf


class SubclassedCNN(keras.Model):
    def __init__(self, n_classes=10):
        super().__init__()
        self.dense2 = keras.layers.Dense(n_classes)
        self.conv2 = keras.layers.Conv2D(filters=64, kernel_size=(5, 5))
        self.conv1 = keras.layers.Conv2D(filters=32, kernel_size=(5, 5))
        self.dense1 = keras.layers.Dense(64)
        self.pool = keras.layers.MaxPool2D(2)
        self.flatten = keras.layers.Flatten()

    def call(self, x):
        # activations as functions, not layers
        x = self.pool(tf.nn.relu(self.conv1(x)))
        x = self.pool(keras.ops.relu(self.conv2(x)))
        x = keras.ops.relu(self.dense1(self.flatten(x)))
        return keras.ops.softmax(self.dense2(x))
