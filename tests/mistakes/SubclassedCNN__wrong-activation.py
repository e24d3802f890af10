import keras


class SubclassedCNN(keras.Model):
    def __init__(self, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(32, 5, activation="relu")
        self.pool1 = keras.layers.MaxPooling2D(2)
        self.conv2 = keras.layers.Conv2D(64, 5, activation="relu")
        self.pool2 = keras.layers.MaxPooling2D(2)
        self.flatten = keras.layers.Flatten()
        self.dense1 = keras.layers.Dense(64, activation="relu")
        self.dense2 = keras.layers.Dense(n_classes, activation="sigmoid")  # sigmoid, not softmax

    def call(self, x):
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv2(x))
        return self.dense2(self.dense1(self.flatten(x)))
