"""HOG features (Dalal & Triggs 2005) as a scikit-learn transformer, computed with OpenCV."""

from __future__ import annotations

import cv2
import numpy as np

from pipelines.stateless import StatelessTransformer


class HOG(StatelessTransformer):
    """Histogram of oriented gradients of grey images.

    Blocks are 2×2 cells with a stride of one cell and L2-Hys normalisation, as in
    Dalal & Triggs 2005 ("Histograms of Oriented Gradients for Human Detection",
    CVPR), computed by ``cv2.HOGDescriptor``.

    Args:
        cell_size: cell side in pixels; must divide the image side.
        n_bins: orientation bins per cell over 0–180° (unsigned gradients).

    Input ``X``: ``(n, H, W)`` uint8 images. Output: ``(n, d)`` float32 with
    ``d = ((H/cell_size) - 1) * ((W/cell_size) - 1) * 4 * n_bins``; for 28×28
    images and ``cell_size=4`` that is 6·6·4·9 = 1296.

    Raises:
        ValueError: ``X`` is not a 3-d uint8 array, or ``cell_size`` does not
            divide the image side or leaves fewer than 2 cells per side.
    """

    def __init__(self, cell_size: int = 4, n_bins: int = 9) -> None:
        self.cell_size = cell_size
        self.n_bins = n_bins

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        descriptor = self._check(X)
        return np.stack([descriptor.compute(image).ravel() for image in X])

    def _check(self, X: np.ndarray) -> cv2.HOGDescriptor:
        """The descriptor for ``X``'s image size, once ``X`` and the cell size are checked."""
        if X.ndim != 3 or X.dtype != np.uint8:
            raise ValueError(f"HOG expects (n, H, W) uint8 images, got {X.dtype} {X.shape}")
        height, width = X.shape[1:]
        c = self.cell_size
        if height % c or width % c or min(height, width) < 2 * c:
            raise ValueError(f"cell_size={c} must divide the {height}x{width} image into >= 2x2 cells")
        return cv2.HOGDescriptor(
            _winSize=(width, height), _blockSize=(2 * c, 2 * c), _blockStride=(c, c),
            _cellSize=(c, c), _nbins=self.n_bins,
        )
