"""Answer keys for 05_edge_detection: the two kernels, ``Conv2D`` edge maps, the Sobel
magnitude, valid cross-correlation (learn_kernel's targets), an exact kernel solver,
and what each simulated mistake gives on the same input."""

from __future__ import annotations

import numpy as np

from .. import references as ref
from ..public.edge_detection import DIAGONAL, HORIZONTAL, LAPLACIAN, VERTICAL, half_dark
from . import key

SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
SOBEL_Y = SOBEL_X.T


@key
def vertical_kernel() -> np.ndarray:
    """The vertical-edge kernel [[-1, 1], [-1, 1]]."""
    return VERTICAL.copy()


@key
def horizontal_kernel() -> np.ndarray:
    """The horizontal-edge kernel [[-1, -1], [1, 1]]."""
    return HORIZONTAL.copy()


@key
def edges(image, kernel, bias=0.0) -> np.ndarray:
    """``Conv2D(1, kernel.shape)`` with weights ``kernel`` and ``[bias]`` on one gray image (H, W)
    -> (H - kh + 1, W - kw + 1)."""
    return ref.conv2d_single(image, np.asarray(kernel, dtype=np.float64), bias)


@key
def sobel(image) -> np.ndarray:
    """sqrt(gx**2 + gy**2), gx and gy the two feature maps of ``Conv2D(2, 3)`` with kernels kx and ky:
    (H, W) -> (H - 2, W - 2)."""
    kernel = np.stack([SOBEL_X, SOBEL_Y], axis=-1)[:, :, None, :]  # (3, 3, 1, 2)
    maps = ref.conv2d(np.asarray(image)[None, :, :, None], kernel, np.zeros(2)).astype(np.float64)
    return np.sqrt(maps[0, :, :, 0] ** 2 + maps[0, :, :, 1] ** 2)


@key
def windows(X, kernel_shape) -> np.ndarray:
    """(N, H_out, W_out, kh, kw): every valid window of every image of X (N, H, W)."""
    return np.lib.stride_tricks.sliding_window_view(np.asarray(X, dtype=np.float64), tuple(kernel_shape), axis=(1, 2))


@key
def cross_correlate(X, kernel) -> np.ndarray:
    """Valid cross-correlation of each image in X (N, H, W) with ``kernel``: the targets Y of learn_kernel."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return np.einsum("nijuv,uv->nij", windows(X, kernel.shape), kernel)


@key
def least_squares_kernel(X, Y, kernel_shape) -> np.ndarray:
    """The kernel that maps X to Y exactly: least squares over all windows (the data are well posed)."""
    kh, kw = (int(k) for k in kernel_shape)
    design = windows(X, (kh, kw)).reshape(-1, kh * kw)
    solution, *_ = np.linalg.lstsq(design, np.asarray(Y, dtype=np.float64).reshape(-1), rcond=None)
    return solution.reshape(kh, kw)


@key
def vertical_swapped() -> np.ndarray:
    return HORIZONTAL.copy()


@key
def horizontal_swapped() -> np.ndarray:
    return VERTICAL.copy()


@key
def edges_flipped(image, kernel, bias=0.0):
    return edges(image, np.asarray(kernel)[::-1, ::-1], bias)


@key
def edges_no_bias(image, kernel, bias=0.0):
    return edges(image, kernel, 0.0)


@key
def edges_wrapped(image, kernel, bias=0.0):
    """Results stored in (or computed with) the uint8 image's own dtype wrap modulo 256."""
    out = edges(image, kernel, bias)
    if np.asarray(image).dtype.kind not in "iu":
        return out
    return np.mod(np.trunc(out), 256)


@key
def sobel_mean(image):
    return sobel(image) / 9.0


@key
def sobel_wrapped(image):
    """Slices of a uint8 image subtracted in uint8 (gx, gy wrap modulo 256), squared and summed
    in uint8 as well; np.sqrt of a uint8 array is float16."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        return sobel(image)
    kernel = np.stack([SOBEL_X, SOBEL_Y], axis=-1)[:, :, None, :]
    maps = np.rint(ref.conv2d(image[None, :, :, None], kernel, np.zeros(2))).astype(np.int64)
    gx, gy = (np.mod(maps[0, :, :, f], 256).astype(np.uint8) for f in (0, 1))
    return np.sqrt(gx**2 + gy**2)


@key
def kernel_flipped(X, Y, kernel_shape):
    return least_squares_kernel(X, Y, kernel_shape)[::-1, ::-1]


@key
def homework_edge_map() -> np.ndarray:
    """Seed 004's homework: [[-1, 1], [-1, 1]] on the 6x6 half-dark image, from Conv2D."""
    return edges(half_dark(), VERTICAL)


@key
def homework_edge_map_flipped_kernel() -> np.ndarray:
    return edges(half_dark(), VERTICAL[::-1, ::-1])


@key
def diagonal_edge_map() -> np.ndarray:
    """[[0, 1], [-1, 0]] on the 4x4 lower-triangular image of ones, from Conv2D."""
    return edges(np.tril(np.ones((4, 4))), DIAGONAL)


@key
def diagonal_edge_map_flipped_kernel() -> np.ndarray:
    return edges(np.tril(np.ones((4, 4))), DIAGONAL[::-1, ::-1])


@key
def laplacian_edge_map() -> np.ndarray:
    """The 3x3 Laplacian on the 6x6 half-dark image, from Conv2D."""
    return edges(half_dark(), LAPLACIAN)
