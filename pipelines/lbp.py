"""LBP texture histograms (Ojala et al. 2002) as a scikit-learn transformer, computed with scikit-image."""

from __future__ import annotations

import numbers

import numpy as np
from skimage.feature import local_binary_pattern

from benchmarks.params import check_params, positive_int
from pipelines.hog import pad_to_cells, to_grey
from pipelines.stateless import StatelessTransformer


class LBP(StatelessTransformer):
    """Histograms of uniform local binary patterns over a grid of cells, of grey images.

    Each pixel gets the rotation-invariant uniform LBP code of its ``n_points``
    neighbours on a circle of ``radius`` pixels (``P + 2`` codes: ``P + 1`` uniform
    patterns and one for all others), from Ojala, Pietikäinen & Mäenpää 2002,
    "Multiresolution Gray-Scale and Rotation Invariant Texture Classification with
    Local Binary Patterns" (IEEE TPAMI), computed by
    ``skimage.feature.local_binary_pattern(method="uniform")``. The codes are
    counted in square cells and the cell histograms concatenated, as in Ahonen,
    Hadid & Pietikäinen 2006 (face description with LBP, IEEE TPAMI); each
    histogram is divided by the cell's pixel count and square-rooted (the
    Hellinger map, which lets a linear classifier compare histograms well).

    Args:
        cell_size: cell side in pixels; a side it does not divide is padded up to the next
            multiple (:func:`pipelines.hog.pad_to_cells`).
        n_points: neighbours sampled on the circle (P).
        radius: circle radius in pixels (R).

    Input ``X``: ``(n, H, W)`` uint8 grey or ``(n, H, W, 3)`` uint8 RGB images
    (see :func:`pipelines.hog.to_grey`). Output: ``(n, d)`` float32 with
    ``d = ceil(H/cell_size) * ceil(W/cell_size) * (n_points + 2)``; for 28×28 images,
    ``cell_size=7`` and ``n_points=8`` that is 4·4·10 = 160.

    Raises:
        ValueError: ``X`` is not ``(n, H, W)`` or ``(n, H, W, 3)`` uint8,
            ``cell_size`` or ``n_points`` is not a positive integer, ``cell_size`` is
            larger than the image, or ``radius`` is not a number in (0, half the image side).
    """

    _parameter_constraints = {"cell_size": positive_int(), "n_points": positive_int()}

    def __init__(self, cell_size: int = 7, n_points: int = 8, radius: float = 1.0) -> None:
        self.cell_size = cell_size
        self.n_points = n_points
        self.radius = radius

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = to_grey(X, "LBP")
        self._check(X)
        X = pad_to_cells(X, self.cell_size)
        n, height, width = X.shape
        c, n_codes = self.cell_size, self.n_points + 2
        codes = np.empty(X.shape, np.int64)
        for i, image in enumerate(X):
            codes[i] = local_binary_pattern(image, self.n_points, self.radius, method="uniform")
        # the cell of each pixel, numbered row-major over the grid
        cell = (np.arange(height) // c)[:, None] * (width // c) + (np.arange(width) // c)[None, :]
        n_cells = (height // c) * (width // c)
        # one bincount for all images: bin = (image, cell, code)
        bins = (np.arange(n)[:, None, None] * n_cells + cell) * n_codes + codes
        counts = np.bincount(bins.ravel(), minlength=n * n_cells * n_codes).reshape(n, n_cells * n_codes)
        return np.sqrt(counts / (c * c)).astype(np.float32)

    def _check(self, X: np.ndarray) -> None:
        height, width = to_grey(X, "LBP").shape[1:]
        check_params(self, self._parameter_constraints, "LBP ")
        if self.cell_size > min(height, width):
            raise ValueError(f"cell_size={self.cell_size} is larger than the {height}x{width} image")
        # a circle wider than the image samples only the zero padding: constant codes
        if (isinstance(self.radius, bool) or not isinstance(self.radius, numbers.Real)
                or not 0 < self.radius < min(height, width) / 2):
            raise ValueError(f"LBP radius={self.radius!r} must be a number above 0 and below half the "
                             f"{height}x{width} image side ({min(height, width) / 2:g} pixels)")
