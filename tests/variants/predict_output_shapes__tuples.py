def predict_output_shapes():
    return [(1, 6, 4, 1), (1, 7, 5, 1), (1, 3, 4, 1), (1, 4, 5, 1), (2, 6, 3, 8)]
