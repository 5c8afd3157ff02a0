"""HOG features (Dalal & Triggs 2005) as a scikit-learn transformer, computed with OpenCV."""

from __future__ import annotations

import cv2
import numpy as np

from benchmarks.params import check_params, positive_int
from pipelines.stateless import StatelessTransformer


def to_grey(X: np.ndarray, who: str) -> np.ndarray:
    """Grey images from grey or RGB ones.

    Args:
        X: ``(n, H, W)`` uint8 grey images, returned unchanged, or ``(n, H, W, 3)``
            uint8 RGB images, converted with ``cv2.cvtColor(COLOR_RGB2GRAY)``
            (``0.299 R + 0.587 G + 0.114 B``, rounded).
        who: the transformer's name, for the error message.

    Returns:
        ``(n, H, W)`` uint8.

    Raises:
        ValueError: ``X`` is neither of those.
    """
    X = np.asarray(X)
    if X.dtype == np.uint8 and X.ndim == 4 and X.shape[3] == 3:
        n, height, width, _ = X.shape
        # one call for the batch: the conversion is per pixel
        return cv2.cvtColor(X.reshape(n * height, width, 3), cv2.COLOR_RGB2GRAY).reshape(n, height, width)
    if X.ndim != 3 or X.dtype != np.uint8:
        raise ValueError(f"{who} expects (n, H, W) or (n, H, W, 3) uint8 images, got {X.dtype} {X.shape}")
    return X


def pad_to_cells(X: np.ndarray, cell_size: int) -> np.ndarray:
    """``(n, H, W)`` images padded at the bottom and right, by reflection, to multiples of ``cell_size``.

    So a cell size tuned for one dataset (4 and 7 divide Fashion-MNIST's 28 pixels)
    works on any image size (CIFAR-10's 32) without cutting pixels off. Images whose
    sides it divides are returned unchanged.
    """
    height, width = X.shape[1:]
    pad_h, pad_w = -height % cell_size, -width % cell_size
    if not pad_h and not pad_w:
        return X
    return np.pad(X, ((0, 0), (0, pad_h), (0, pad_w)), mode="reflect" if min(height, width) > 1 else "edge")


class HOG(StatelessTransformer):
    """Histogram of oriented gradients of grey images (colour ones are converted to grey first).

    Blocks are 2×2 cells with a stride of one cell and L2-Hys normalisation, as in
    Dalal & Triggs 2005 ("Histograms of Oriented Gradients for Human Detection",
    CVPR), computed by ``cv2.HOGDescriptor``.

    Args:
        cell_size: cell side in pixels; a side it does not divide is padded up to the next
            multiple (:func:`pad_to_cells`).
        n_bins: orientation bins per cell over 0–180° (unsigned gradients).

    Input ``X``: ``(n, H, W)`` uint8 grey or ``(n, H, W, 3)`` uint8 RGB images
    (see :func:`to_grey`). Output: ``(n, d)`` float32 with
    ``d = (ceil(H/cell_size) - 1) * (ceil(W/cell_size) - 1) * 4 * n_bins``; for 28×28
    images and ``cell_size=4`` that is 6·6·4·9 = 1296.

    Raises:
        ValueError: ``X`` is not ``(n, H, W)`` or ``(n, H, W, 3)`` uint8, or
            ``cell_size`` leaves fewer than 2 cells per side.
    """

    _parameter_constraints = {"cell_size": positive_int(), "n_bins": positive_int()}

    def __init__(self, cell_size: int = 4, n_bins: int = 9) -> None:
        self.cell_size = cell_size
        self.n_bins = n_bins

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = pad_to_cells(to_grey(X, "HOG"), self.cell_size)
        descriptor = self._check(X)
        return np.stack([descriptor.compute(image).ravel() for image in X])

    def _check(self, X: np.ndarray) -> cv2.HOGDescriptor:
        """The descriptor for ``X``'s image size, once ``X`` and the cell size are checked."""
        check_params(self, self._parameter_constraints, "HOG ")
        height, width = to_grey(X, "HOG").shape[1:]
        c = self.cell_size
        if min(height, width) < 2 * c:
            raise ValueError(f"cell_size={c} leaves fewer than 2x2 cells in the {height}x{width} image")
        height, width = height + -height % c, width + -width % c
        return cv2.HOGDescriptor(
            _winSize=(width, height), _blockSize=(2 * c, 2 * c), _blockStride=(c, c),
            _cellSize=(c, c), _nbins=self.n_bins,
        )
