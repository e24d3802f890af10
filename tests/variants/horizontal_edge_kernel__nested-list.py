def horizontal_edge_kernel():
    # a nested list spelling the same 2x2 values counts as the array
    return [[-1, -1], [1, 1]]
