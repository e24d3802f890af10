import keras


class SubclassedCNN(keras.Model):
    def __init__(self, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        # created in the reverse order of use: the grader must follow call(), not __init__
        self.head = keras.layers.Dense(n_classes, activation="softmax")
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.flatten = keras.layers.Flatten()
        self.conv_layers = [keras.layers.Conv2D(f, 5, activation="relu") for f in (64, 32)][::-1]
        self.pools = [keras.layers.MaxPooling2D(2), keras.layers.MaxPooling2D(2)]

    def call(self, x):
        for conv, pool in zip(self.conv_layers, self.pools):
            x = pool(conv(x))
        return self.head(self.hidden(self.flatten(x)))
