def predict_shifted_feature_map():
    # the kernel's weights laid out as written, not as the windows meet the pixel
    return [[0, 0, 1, 2, 0], [0, 0, 3, 4, 0], [0, 0, 0, 0, 0]]
