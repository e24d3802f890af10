def predict_lecture_cnn_params():
    return (832, 0, 51264, 0, 0, 65600, 650)
