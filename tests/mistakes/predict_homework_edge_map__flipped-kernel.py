def predict_homework_edge_map():
    # the filter applied flipped (left minus right): the step reads -2
    return [[0, 0, -2, 0, 0] for _ in range(5)]
