def predict_diagonal_edge_map():
    return [(-1.0, -1.0, 0.0), (0.0, -1.0, -1.0), (0.0, 0.0, -1.0)]
