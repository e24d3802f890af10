def cascade_output_shapes(input_shape, filters_per_layer, kernel_size=3):
    n, h, w, _ = input_shape
    shapes = []
    for filters in filters_per_layer:
        h, w = h - kernel_size + 1, w - kernel_size + 1  # a (kh, kw) pair is not handled
        shapes.append((n, h, w, filters))
    return shapes
