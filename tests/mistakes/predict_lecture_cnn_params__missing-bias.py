def predict_lecture_cnn_params():
    return [5 * 5 * 1 * 32, 0, 5 * 5 * 32 * 64, 0, 0, 1024 * 64, 64 * 10]
