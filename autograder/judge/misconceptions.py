"""The known mistakes, and how a failed answer is recognised as one of them.

A failed check is tested against (1) the check's own simulated mistakes, each the
output Keras gives for that mistake on the same input, computed in the trusted
process, and (2) shape- and value-patterns that need no simulation (an output one
row too small, all batch items identical, values wrapped modulo 256, ...).
Diagnosis runs only after a check has failed, so a correct answer is never accused.

Three tables, all data: ``CATALOGUE`` (each id's mistake and hint), ``WORDING`` (the
same said in the words of one function, where the catalogue's convolution wording does
not fit) and ``APPLICABLE`` (the functions each id can occur in; for every pair a
deliberate mistake ``tests/mistakes/<function>__<id>.py`` must be named, see
tests/test_mistakes.py). A check's simulations are keyed by id, or by ``id@variant``
when one mistake can be made in several ways (a ReLU forgotten after one layer or
another); a variant is reported as its id.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.compare import allclose, equal
from ..core.i18n import _, data

CATALOGUE: dict[str, tuple[str, str]] = {
    "flipped-kernel": (
        "The kernel is flipped: this is true convolution, but Conv2D computes cross-correlation.",
        "Multiply each window by the kernel as it is (no [::-1, ::-1]); do not use scipy.signal.convolve2d.",
    ),
    "missing-bias": ("The bias is missing.", "Add the bias once to each output value, after the window sum."),
    "bias-per-channel": (
        "The bias is added once per input channel.",
        "Sum the window over all input channels first, then add the filter's bias once.",
    ),
    "bias-per-element": (
        "The bias is added inside the window sum, once per multiplied element.",
        "Compute np.sum(window * kernel) and add the bias after the sum, not to every product.",
    ),
    "off-by-one-size": (
        "The output is one row or column too large or too small.",
        "A valid output has (H - kh) // stride + 1 rows; 'same' has ceil(H / stride).",
    ),
    "stride-ignored": (
        "The stride is ignored: windows start at every pixel.",
        "The window for output row i starts at row i * stride.",
    ),
    "batch-ignored": (
        "The count is for one image, not for the whole batch.",
        "Every image of the batch goes through the layer: multiply by N, the first entry of input_shape.",
    ),
    "bias-counted": (
        "The bias additions are counted as multiply-adds.",
        "Count kh * kw * C multiply-adds per output value; adding the bias is not a multiplication.",
    ),
    "same-padding-symmetric": (
        "'same' padding puts the extra row/column at the top/left.",
        "TensorFlow pads top = total // 2 and bottom = total - top: the extra row goes to the bottom/right.",
    ),
    "same-padding-zeros": (
        "'same' max pooling pads with zeros, so padding can win the max.",
        "Pad with -inf (or take the max over the real cells only).",
    ),
    "avg-counts-padding": (
        "'same' average pooling divides by the full window, counting padded cells.",
        "Divide each window's sum by the number of real (unpadded) cells in it.",
    ),
    "avg-instead-of-max": (
        "The window is averaged instead of taking its maximum.",
        "Take the window's maximum: window.max(axis=(1, 2)) for an (N, ph, pw, C) window.",
    ),
    "max-instead-of-avg": (
        "The window's maximum is taken instead of its average.",
        "Take the window's mean: window.mean(axis=(1, 2)) for an (N, ph, pw, C) window.",
    ),
    "pool-over-channels": (
        "The pooling mixes channels: one value for all channels of a window.",
        "Pool each channel separately: reduce over the window's rows and columns only. The window "
        "x[:, i*sh : i*sh+ph, j*sw : j*sw+pw, :] is (N, ph, pw, C), so that is axis=(1, 2).",
    ),
    "pool-stride-one": (
        "The pooling windows move by 1, but strides=None means strides = pool_size.",
        "When strides is None, use the pool size as the stride.",
    ),
    "batch-collapsed": (
        "Every batch item has the same output: the whole batch went into each window.",
        "Slice one image x[n] per batch item before taking windows.",
    ),
    "first-item-only": (
        "Only the first batch item is computed correctly.",
        "Loop over all N items of the batch (x.shape[0]).",
    ),
    "activation-missing": (
        "The activation is not applied.",
        "Apply the requested activation to the output, after the bias.",
    ),
    "activation-applied": (
        "An activation is applied although none was asked for.",
        "With activation=None or 'linear', return the raw window sums plus bias.",
    ),
    "wrong-activation": (
        "A different activation than the one asked for is applied.",
        "Check the activation's name: relu, sigmoid or tanh.",
    ),
    "axes-swapped": (
        "Height and width (or the channel order) are swapped.",
        "Arrays are channels-last: (N, H, W, C); the kernel is (kh, kw, C, F).",
    ),
    "mean-instead-of-sum": (
        "The window is averaged instead of summed.",
        "A convolution output is the SUM of window * kernel, not the mean.",
    ),
    "filters-summed": (
        "The filters are summed together instead of giving one output channel each.",
        "Compute each filter f separately into out[..., f].",
    ),
    "input-mutated": (
        "The function changed its input array (the grader passes read-only arrays, so writing into one fails).",
        "Work on a copy (x = x.astype(np.float64) or np.array(x, dtype=np.float64)) instead of writing into the "
        "argument; np.asarray(x, dtype=np.float64) is no copy when x is already float64.",
    ),
    "integer-overflow": (
        "The result was computed or stored in a small integer type (uint8): values wrapped around or lost their decimals.",
        "Convert to float first (image.astype(np.float64)); do not allocate the output with np.zeros_like(uint8 image).",
    ),
    "forbidden-library-call": (
        "This function must compute with NumPy only, but it called a deep-learning or signal-processing library.",
        "Write the loops (or vectorised NumPy) yourself; Keras is for checking, not for the answer.",
    ),
    "grader-code-called": (
        "The function called the grader's own code (a module of the autograder package), which does not exist "
        "where answers are graded, so the function earns no credit on any of its checks.",
        "Compute the answer with your own code; the grader is used only by check(...) in the test cells.",
    ),
    "reshape-instead-of-transpose": (
        "The axes were reordered with reshape: reshape keeps the values in memory order and only regroups them, "
        "so values of different positions got mixed.",
        "Reorder axes with np.transpose (or np.moveaxis); use reshape only to split or merge axes in place.",
    ),
    # 06_backprop: mistakes of the backward pass.
    "dx-kernel-not-flipped": (
        "dx is a full correlation of dout with the kernel as it is, but the backward pass needs the kernel flipped.",
        "Pixel (p, q) met kernel entry (p - i, q - j) in window (i, j): pad dout by (kh - 1, kw - 1) and "
        "cross-correlate it with kernel[::-1, ::-1], or add dout[:, i, j] times the kernel into each window of dx.",
    ),
    "gradient-overwritten": (
        "Where windows overlap, a window's gradient overwrites what the earlier windows gave the same cells.",
        "Accumulate with +=: a cell that lies in several windows gets the sum of their gradients.",
    ),
    "batch-not-summed": (
        "The weight gradient keeps a batch axis: one gradient per batch item instead of their sum.",
        "The same weights serve every batch item and position: sum their contributions, e.g. db = dout.sum(axis=(0, 1, 2)).",
    ),
    "pool-gradient-spread": (
        "The gradient is spread over the whole pooling window instead of going to its maximum.",
        "Only the maximum reaches the output: build the mask window == window.max() and give dout to that cell only.",
    ),
    "upstream-gradient-ignored": (
        "The upstream gradient dout is not used: the local gradient (1 at each maximum) is returned as it is.",
        "Chain rule: multiply each local gradient by the dout of its output, mask * dout[n, i, j, c].",
    ),
    "avg-gradient-undivided": (
        "Every cell of an average-pool window gets all of its dout, but each cell makes up only 1 / (ph * pw) "
        "of the average.",
        "The local derivative of a mean over ph * pw cells is 1 / (ph * pw): add dout[n, i, j, c] / (ph * pw) "
        "to every cell of the window.",
    ),
}

WORDING: dict[str, dict[str, tuple[str, str]]] = {
    "im2col": {
        "axes-swapped": (
            "The columns are in another order than kernel.reshape(-1, F) (channels first, or column before row).",
            "Flatten each (kh, kw, C) window as it is: row u, then column v, then channel c.",
        ),
        "integer-overflow": (
            "The columns keep the images' integer dtype: im2col must return a float array.",
            "Convert first, images = np.asarray(images, dtype=np.float64), then take the windows.",
        ),
    },
    "conv2d_backward_manual": {
        "mean-instead-of-sum": (
            "dw or db is averaged over the batch and the output positions instead of summed.",
            "Every window of every image uses the same weights: add up their contributions "
            "(db = dout.sum(axis=(0, 1, 2))), do not take np.mean.",
        ),
        "upstream-gradient-ignored": (
            "The upstream gradient dout is not used: these are the gradients of sum(out), as if dout were all ones.",
            "Chain rule: window (i, j) contributes dout[n, i, j, f] times its local derivative: "
            "x-window * dout to dw, kernel * dout to dx, dout to db.",
        ),
        "stride-ignored": (
            "The strides are ignored in the backward pass: window (i, j) is taken at (i, j), not where the forward "
            "pass put it.",
            "With strides (sh, sw), window (i, j) starts at (i * sh, j * sw) of the (padded) input: add its "
            "gradients there.",
        ),
        "same-padding-symmetric": (
            "The backward pass pads with the extra row/column of an odd 'same' padding at the top/left, so every "
            "window is one cell off.",
            "TensorFlow pads top = total // 2 and bottom = total - top: pad x the same way, add into the padded "
            "dx, then crop dx[:, top:top + H, left:left + W].",
        ),
        "integer-overflow": (
            "A gradient is stored in an integer type (np.zeros_like of an integer input): it must be a float array.",
            "Compute in floating point: x = np.asarray(images, dtype=np.float64), and allocate dx, dw, db with "
            "np.zeros(shape).",
        ),
    },
    "maxpool_backward_manual": {
        "pool-gradient-spread": (
            "The gradient is spread over the whole pooling window (evenly, or dout to every cell) instead of "
            "going to its maximum.",
            "Only the maximum reaches the output: build the mask window == window.max() and give dout to that "
            "cell only.",
        ),
        "pool-over-channels": (
            "The mask mixes channels: one maximum for all channels of a window, so the other channels lose their "
            "gradient.",
            "Find each channel's maximum on its own: window.max(axis=(1, 2), keepdims=True).",
        ),
        "stride-ignored": (
            "The strides argument is ignored in the backward pass: the windows are not where the forward pass "
            "put them.",
            "Window (i, j) starts at (i * sh, j * sw), with the strides given (the pool size only when strides "
            "is None); route dout[:, i, j] into that window.",
        ),
        "pool-stride-one": (
            "With strides=None the backward pass moves its windows by 1, but the forward pass moved them by the "
            "pool size.",
            "When strides is None, use the pool size as the stride: window (i, j) starts at (i * ph, j * pw).",
        ),
        "integer-overflow": (
            "dx is stored in x's integer type (np.zeros_like(x) for a uint8 x): the gradient lost its decimals "
            "or is not a float array.",
            "Allocate dx as floats, np.zeros(x.shape); a gradient is a float even when the input is uint8.",
        ),
    },
    "avgpool_backward_manual": {
        "max-instead-of-avg": (
            "The gradient goes to each window's maximum only: this is the backward pass of max pooling.",
            "Every cell of the window makes up the average: each gets dout[n, i, j, c] / (ph * pw).",
        ),
        "upstream-gradient-ignored": (
            "The upstream gradient dout is not used: every cell gets the local derivative 1 / (ph * pw) alone.",
            "Chain rule: each cell of window (i, j) gets dout[n, i, j, c] / (ph * pw).",
        ),
        "gradient-overwritten": (
            "Where windows overlap, a window's share overwrites what the earlier windows gave the same cells.",
            "Accumulate with +=: a cell in several windows gets the sum of their dout / (ph * pw).",
        ),
        "stride-ignored": (
            "The strides argument is ignored in the backward pass: the windows are not where the forward pass "
            "put them.",
            "Window (i, j) starts at (i * sh, j * sw), with the strides given (the pool size only when strides "
            "is None).",
        ),
        "pool-stride-one": (
            "With strides=None the backward pass moves its windows by 1, but the forward pass moved them by the "
            "pool size.",
            "When strides is None, use the pool size as the stride: window (i, j) starts at (i * ph, j * pw).",
        ),
        "integer-overflow": (
            "dx is stored in x's integer type (np.zeros_like(x) for a uint8 x): the shares dout / (ph * pw) lost "
            "their decimals.",
            "Allocate dx as floats, np.zeros(x.shape); a gradient is a float even when the input is uint8.",
        ),
    },
    "conv_output_shape": {
        "stride-ignored": (
            "The stride is ignored: this is the shape of a stride-1 convolution.",
            "A valid output has (H - kh) // stride + 1 rows; 'same' has ceil(H / stride).",
        ),
        "axes-swapped": (
            "Height and width are swapped in the output shape.",
            "The output shape is (N, H_out, W_out, filters): rows first, then columns, then filters.",
        ),
    },
    "conv_weight_shapes": {
        "axes-swapped": (
            "The kernel's axes are in another order (PyTorch's (F, C, kh, kw), for example).",
            "A built Conv2D's kernel is (kh, kw, C, F) and its bias (F,).",
        ),
    },
    "channels_first": {
        "axes-swapped": (
            "The channels moved to the front, but height and width traded places.",
            "Move only the last axis to the front: np.transpose(x, (2, 0, 1)) for (H, W, F), (0, 3, 1, 2) for "
            "(N, H, W, F), or np.moveaxis(x, -1, -3).",
        ),
        "reshape-instead-of-transpose": (
            "The array was reshaped to (F, H, W): the shape is right, but each 'channel' holds values of all channels.",
            "Move the channel axis with np.transpose(x, (2, 0, 1)) (or (0, 3, 1, 2) with a batch); reshape only "
            "regroups the values in memory order.",
        ),
    },
    **{
        function: {
            "off-by-one-size": (
                "The output is one row or column too large or too small.",
                "A valid cross-correlation with a (kh, kw) kernel gives H - kh + 1 rows and W - kw + 1 columns.",
            ),
        }
        for function in ("conv2d_manual", "detect_edges")
    },
    "multi_filter_conv": {
        "reshape-instead-of-transpose": (
            "The kernels were reshaped to (F, kh, kw, C) to get one filter per index, which mixes the filters' "
            "weights.",
            "Filter f is kernels[:, :, :, f]; to put the filter axis first use np.transpose(kernels, (3, 0, 1, 2)), "
            "not reshape.",
        ),
    },
    "conv_single_step": {
        "bias-per-element": (
            "The bias is added inside the sum, once per multiplied element.",
            "Compute np.sum(window * kernel) first, then add the bias once: one output cell gets one bias.",
        ),
    },
    "pad_same": {
        "same-padding-zeros": (
            "The border is 0, but value=-inf was asked for (max pooling pads with -inf).",
            "Fill the border with the value argument: np.pad(..., constant_values=value).",
        ),
        "stride-ignored": (
            "The padding is that of stride 1 (k - 1 in total), whatever the stride.",
            "H_out = ceil(H / stride), and the total is max((H_out - 1) * stride + k - H, 0).",
        ),
        "integer-overflow": (
            "The border was stored in the images' integer type (uint8), which cannot hold -inf (it became 0).",
            "Convert to float first (images.astype(np.float64)), then pad with value.",
        ),
        "same-padding-symmetric": (
            "The extra row/column of an odd total is at the top/left.",
            "TensorFlow pads top = total // 2 and bottom = total - top: the extra row goes to the bottom/right.",
        ),
    },
    "maxpool_manual": {
        "off-by-one-size": (
            "The output is one row or column too large or too small.",
            "A valid pool gives (H - ph) // stride + 1 rows; 'same' gives ceil(H / stride).",
        ),
        "integer-overflow": (
            "The padding value wrapped around in the image's integer type (-1 became 255 in uint8), so padding "
            "won the max.",
            "Pad a float copy with -np.inf (x.astype(np.float64)), or take the max over the real cells only.",
        ),
    },
    "avgpool_manual": {
        "off-by-one-size": (
            "The output is one row or column too large or too small.",
            "A valid pool gives (H - ph) // stride + 1 rows; 'same' gives ceil(H / stride).",
        ),
        "integer-overflow": (
            "The averages were stored in the image's integer type (uint8): their decimals were cut off.",
            "Allocate the output as float (np.zeros(shape)); np.zeros_like(x) keeps x's uint8.",
        ),
    },
    "count_conv_params": {
        "missing-bias": (
            "The biases are not counted.",
            "Conv2D has one bias per filter: kh * kw * C * F weights plus F biases (when use_bias is True).",
        ),
        "bias-per-channel": (
            "A bias is counted for every input channel of every filter.",
            "There is one bias per filter, not per input channel: add F, not C * F.",
        ),
    },
    "conv_macs": {
        "off-by-one-size": (
            "The number of output positions is one row or column short (or long).",
            "A valid layer has (H - kh) // stride + 1 output rows and (W - kw) // stride + 1 columns; 'same' has "
            "ceil(H / stride) by ceil(W / stride).",
        ),
        "stride-ignored": (
            "The stride is ignored: every input position is counted as an output.",
            "With stride s the window moves s pixels at a time, so there are about s times fewer output rows "
            "(and columns) to compute.",
        ),
    },
    "predict_shifted_feature_map": {
        "flipped-kernel": (
            "The prediction places the kernel's weights flipped.",
            "The output at (i, j) is sum(kernel * window at (i, j)): the bright pixel meets the kernel's bottom-right "
            "weight in the window above-left of it. Look at the unshifted map, then move it with the image.",
        ),
    },
    "predict_pooled_shifts": {
        "pool-stride-one": (
            "The prediction pools overlapping windows (stride 1), as if every 2x2 window were kept.",
            "MaxPooling2D(2) moves its window by 2: a 4x4 map gives 2x2, one value per non-overlapping block.",
        ),
    },
    "predict_lecture_cnn_params": {
        "missing-bias": (
            "The predicted counts leave out the biases.",
            "Every Conv2D and Dense layer has one bias per filter or unit: add F (or the number of units).",
        ),
    },
    "cascade_output_shapes": {
        "off-by-one-size": (
            "Each layer's output is one row and column too small or too large.",
            "A valid layer turns H into H - kh + 1 (and W into W - kw + 1): keep the + 1 at every layer.",
        ),
    },
    **{
        model: {
            "activation-missing": (
                "An activation of the network is missing: a ReLU after a Conv2D or Dense(64), or the final softmax.",
                "Conv2D and Dense apply no activation by default: add activation='relu' (or a ReLU layer) after "
                "both Conv2D layers and Dense(64), and activation='softmax' on the last Dense.",
            ),
            "wrong-activation": (
                "The last layer's activation is not softmax.",
                "Use Dense(n_classes, activation='softmax'): the outputs are class probabilities that sum to 1.",
            ),
        }
        for model in ("build_sequential_cnn", "build_functional_cnn", "SubclassedCNN")
    },
    "predict_output_shapes": {
        "off-by-one-size": (
            "A predicted shape has a row or column too many or too few.",
            "'valid' gives (H - kh) // s + 1 rows (round down, then keep the + 1); 'same' gives ceil(H / s) "
            "(round up), whatever the kernel.",
        ),
    },
    "predict_homework_edge_map": {
        "flipped-kernel": (
            "The prediction reads -2 where Conv2D gives +2: the filter was applied flipped (left minus right).",
            "Multiply each window by the filter as it stands: right column minus left column, so a window going "
            "from dark (0) to bright (1) gives 1 + 1 = 2.",
        ),
        "off-by-one-size": (
            "The prediction has a row or column too many or too few.",
            "A 2x2 window fits 6 - 2 + 1 = 5 times down and 5 times across: the map is 5x5.",
        ),
    },
    "predict_diagonal_edge_map": {
        "flipped-kernel": (
            "The prediction has the opposite sign of Conv2D's: D was applied flipped.",
            "Each output is the window's top-right pixel minus its bottom-left pixel, D as it stands.",
        ),
    },
    "predict_laplacian_edge_map": {
        "off-by-one-size": (
            "The prediction has a row or column too many or too few.",
            "A 3x3 window fits 6 - 3 + 1 = 4 times down and 4 times across: the map is 4x4.",
        ),
    },
    "vertical_edge_kernel": {
        "axes-swapped": (
            "The kernel is transposed: this is the horizontal-edge kernel.",
            "A vertical edge changes from left to right: right column minus left column, [[-1, 1], [-1, 1]].",
        ),
    },
    "horizontal_edge_kernel": {
        "axes-swapped": (
            "The kernel is transposed: this is the vertical-edge kernel.",
            "A horizontal edge changes from top to bottom: bottom row minus top row, [[-1, -1], [1, 1]].",
        ),
    },
    "sobel_magnitude": {
        "mean-instead-of-sum": (
            "gx and gy are averaged over the window instead of summed.",
            "gx is the SUM of window * kx (gy with ky): next to a 0-to-1 step gx is 4, not 4 / 9.",
        ),
        "off-by-one-size": (
            "The output is one row or column too large or too small.",
            "A valid 3x3 window fits H - 2 times down and W - 2 times across: the output is (H - 2, W - 2).",
        ),
    },
    "learn_kernel": {
        "flipped-kernel": (
            "The learned kernel is flipped: this is the kernel of true convolution.",
            "The targets are cross-correlations, as Conv2D computes them: return the learned kernel as it is "
            "(no [::-1, ::-1]).",
        ),
        "axes-swapped": (
            "The kernel's rows and columns are swapped.",
            "Return an array of kernel_shape = (kh, kw): kh rows and kw columns, in the images' own orientation.",
        ),
    },
}
"""Function -> misconception id -> (mistake, hint) in that function's own words; ids
not listed here use ``CATALOGUE``."""

APPLICABLE: dict[str, tuple[str, ...]] = {
    "conv_output_shape": ("off-by-one-size", "stride-ignored", "axes-swapped"),
    "conv_weight_shapes": ("axes-swapped",),
    "conv_single_step": (
        "flipped-kernel",
        "missing-bias",
        "bias-per-element",
        "mean-instead-of-sum",
        "input-mutated",
        "forbidden-library-call",
    ),
    "predict_test3": (),
    "predict_output_shapes": ("off-by-one-size",),
    "pad_same": (
        "same-padding-symmetric",
        "same-padding-zeros",
        "stride-ignored",
        "integer-overflow",
        "input-mutated",
        "forbidden-library-call",
    ),
    "predict_pooled_values": (),
    "conv2d_manual": (
        "flipped-kernel",
        "missing-bias",
        "bias-per-channel",
        "bias-per-element",
        "off-by-one-size",
        "mean-instead-of-sum",
        "input-mutated",
        "integer-overflow",
        "forbidden-library-call",
    ),
    "multi_filter_conv": (
        "flipped-kernel",
        "missing-bias",
        "bias-per-channel",
        "bias-per-element",
        "off-by-one-size",
        "stride-ignored",
        "same-padding-symmetric",
        "batch-collapsed",
        "first-item-only",
        "activation-missing",
        "activation-applied",
        "wrong-activation",
        "axes-swapped",
        "mean-instead-of-sum",
        "filters-summed",
        "input-mutated",
        "integer-overflow",
        "forbidden-library-call",
        "reshape-instead-of-transpose",
    ),
    "channels_first": ("axes-swapped", "reshape-instead-of-transpose"),
    **{
        function: (
            "off-by-one-size",
            "stride-ignored",
            "same-padding-symmetric",
            "same-padding-zeros" if function == "maxpool_manual" else "avg-counts-padding",
            "avg-instead-of-max" if function == "maxpool_manual" else "max-instead-of-avg",
            "pool-over-channels",
            "pool-stride-one",
            "batch-collapsed",
            "first-item-only",
            "input-mutated",
            "integer-overflow",
            "forbidden-library-call",
        )
        for function in ("maxpool_manual", "avgpool_manual")
    },
    "count_conv_params": ("missing-bias", "bias-per-channel"),
    "conv_macs": ("off-by-one-size", "stride-ignored", "batch-ignored", "bias-counted"),
    "predict_shifted_feature_map": ("flipped-kernel",),
    "predict_pooled_shifts": ("pool-stride-one",),
    "predict_lecture_cnn_params": ("missing-bias",),
    "cascade_output_shapes": ("off-by-one-size",),
    "build_sequential_cnn": ("activation-missing", "wrong-activation"),
    "build_functional_cnn": ("activation-missing", "wrong-activation"),
    "SubclassedCNN": ("activation-missing", "wrong-activation"),
    "compare_mlp_cnn": (),
    "predict_homework_edge_map": ("flipped-kernel", "off-by-one-size"),
    "vertical_edge_kernel": ("axes-swapped",),
    "horizontal_edge_kernel": ("axes-swapped",),
    "predict_diagonal_edge_map": ("flipped-kernel",),
    "predict_laplacian_edge_map": ("off-by-one-size",),
    "detect_edges": ("flipped-kernel", "missing-bias", "off-by-one-size", "integer-overflow"),
    "sobel_magnitude": ("mean-instead-of-sum", "off-by-one-size", "integer-overflow"),
    "learn_kernel": ("flipped-kernel", "axes-swapped"),
    "im2col": ("off-by-one-size", "axes-swapped", "first-item-only", "integer-overflow", "forbidden-library-call"),
    "conv2d_backward_manual": (
        "dx-kernel-not-flipped",
        "gradient-overwritten",
        "batch-not-summed",
        "mean-instead-of-sum",
        "upstream-gradient-ignored",
        "stride-ignored",
        "same-padding-symmetric",
        "first-item-only",
        "input-mutated",
        "integer-overflow",
        "forbidden-library-call",
    ),
    "maxpool_backward_manual": (
        "pool-gradient-spread",
        "upstream-gradient-ignored",
        "gradient-overwritten",
        "pool-over-channels",
        "pool-stride-one",
        "stride-ignored",
        "first-item-only",
        "integer-overflow",
        "forbidden-library-call",
    ),
    "avgpool_backward_manual": (
        "max-instead-of-avg",
        "avg-gradient-undivided",
        "upstream-gradient-ignored",
        "gradient-overwritten",
        "pool-stride-one",
        "stride-ignored",
        "first-item-only",
        "integer-overflow",
        "forbidden-library-call",
    ),
    "train_numpy_cnn": ("forbidden-library-call",),
}
"""Function -> the misconception ids that can occur in it (``grader-code-called`` can
occur in every function and is not repeated here; see ``applicable``). Left out on
purpose, because the mistake cannot change the answer: flipped-kernel in
sobel_magnitude (flipping the antisymmetric Sobel kernels negates gx and gy, and the
magnitude stays the same), reshape-instead-of-transpose in conv_weight_shapes (shapes
only: a reshape and a transpose give the same shape), integer-overflow in
channels_first (it moves values, computes nothing) and in learn_kernel (float images)."""

EVERYWHERE = ("grader-code-called",)
"""Ids recognised from a call's error, whatever the function."""

BY_PATTERN = frozenset(
    {
        "off-by-one-size",
        "axes-swapped",
        "batch-collapsed",
        "first-item-only",
        "input-mutated",
        "forbidden-library-call",
        "grader-code-called",
    }
)
"""Ids recognised without a simulation (from the answer's shape or values, or from the
call's outcome); every other applicable id needs a simulation on some check of the function."""


def applicable(function: str) -> tuple[str, ...]:
    """The misconception ids that can occur in ``function``."""
    return APPLICABLE.get(function, ()) + EVERYWHERE


def mistake_id(key: str) -> str:
    """The id of a simulation key (``id`` or ``id@variant``)."""
    return key.split("@", 1)[0]


def _close(a: Any, b: Any, compare=None) -> bool:
    try:
        if compare is not None:
            return compare(a, b) is None
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return allclose(a, b) is None
        return equal(a, b) is None
    except Exception:
        return False


def _shape_patterns(expected: np.ndarray, value: np.ndarray) -> list[str]:
    found = []
    if value.ndim != expected.ndim:
        return found
    if value.shape != expected.shape:
        diffs = [abs(a - b) for a, b in zip(value.shape, expected.shape)]
        if sorted(value.shape) == sorted(expected.shape):
            found.append("axes-swapped")
        elif max(diffs) == 1:
            found.append("off-by-one-size")
        return found
    if expected.ndim >= 2 and expected.shape[0] >= 2:
        items_same = all(np.array_equal(value[0], v) for v in value[1:])
        if items_same and not _close(expected[0], expected[1]):
            found.append("batch-collapsed")
        elif _close(expected[0], value[0]) and not _close(expected[1:], value[1:]):
            found.append("first-item-only")
    if expected.ndim >= 2:
        h_axis = 1 if expected.ndim == 4 else 0
        if expected.shape[h_axis] == expected.shape[h_axis + 1]:
            swapped = np.swapaxes(expected, h_axis, h_axis + 1)
            if _close(swapped, value) and not _close(expected, value):
                found.append("axes-swapped")
    exact = expected.astype(np.float64)
    if np.allclose(exact, np.round(exact)) and np.all(value >= 0) and np.all(value <= 255):
        if not np.array_equal(exact, value) and np.array_equal(np.mod(np.round(exact), 256), value):
            found.append("integer-overflow")
    return found


def _shape_list_patterns(expected: Any, value: Any) -> list[str]:
    """``off-by-one-size`` when ``expected`` and ``value`` are lists of as many ``(N, H, W, F)``
    shapes and every shape that differs has N and F right and H or W one too many or too few
    (a prediction of several layers' output shapes)."""
    if not isinstance(expected, list) or not isinstance(value, list) or len(expected) != len(value):
        return []
    wrong = 0
    for want, got in zip(expected, value):
        if not all(isinstance(s, list) and len(s) == 4 and all(type(d) is int for d in s) for s in (want, got)):
            return []
        if want == got:
            continue
        if (want[0], want[3]) != (got[0], got[3]) or max(abs(want[i] - got[i]) for i in (1, 2)) != 1:
            return []
        wrong += 1
    return ["off-by-one-size"] if wrong else []


def diagnose(expected: Any, value: Any, alternates: dict[str, Any], compare=None) -> list[str]:
    """Misconception ids that explain ``value`` (a failed answer).

    Args:
        expected: the correct answer (plain data).
        value: the student's answer (plain data).
        alternates: misconception id (or ``id@variant``) -> the answer that mistake gives.
        compare: the check's comparator (its tolerance applies to mistakes too).
    """
    found = list(dict.fromkeys(mistake_id(key) for key, alt in alternates.items() if _close(alt, value, compare)))
    if not found and isinstance(expected, np.ndarray) and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        found = _shape_patterns(expected, value)
    return found or _shape_list_patterns(expected, value)


def wording(mid: str, function: str = "") -> tuple[str, str]:
    """(mistake, hint) for ``mid``, in ``function``'s own words where ``WORDING`` has them
    (English: the catalogues translate them where they are shown)."""
    return WORDING.get(function, {}).get(mid) or CATALOGUE[mid]


def explain(mid: str, function: str = "") -> str:
    """The mistake in plain words with its hint (worded for ``function`` where it says
    so), in the current language."""
    title, hint = wording(mid, function)
    return _("Likely mistake ({id}): {title} Hint: {hint}").format(id=mid, title=data(title), hint=data(hint))
