def predict_pooled_shifts():
    # every 2x2 window kept (stride 1): 3x3 maps
    return [[[5, 5, 0], [0, 0, 0], [0, 0, 0]], [[0, 5, 5], [0, 0, 0], [0, 0, 0]]]
