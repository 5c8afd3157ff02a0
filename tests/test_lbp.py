"""Uniform LBP histograms (pipelines/lbp.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest


def test_lbp_histograms_count_uniform_patterns_per_cell():
    from pipelines.lbp import LBP

    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    F = LBP(cell_size=7, n_points=8).fit_transform(X)
    assert F.shape == (3, 4 * 4 * 10) and F.dtype == np.float32
    # square-rooted frequencies: each cell's squares sum to 1 (every pixel has one code)
    np.testing.assert_allclose((F.reshape(3, 16, 10) ** 2).sum(axis=2), 1.0, rtol=1e-5)
    # a flat image is one pattern (all neighbours >= the centre: code P) away from
    # the border, where scikit-image reads zeros outside the image
    flat = LBP(cell_size=7, n_points=8).transform(np.full((1, 28, 28), 100, np.uint8)).reshape(16, 10)
    inner = flat[[5, 6, 9, 10]]
    assert np.all(inner[:, 8] == 1.0) and inner.sum() == 4.0
    # uniform LBP is rotation invariant: stripes turned by 90° give the same histogram
    stripes = np.zeros((1, 28, 28), np.uint8)
    stripes[:, ::2] = 255
    a, b = LBP(cell_size=28).transform(stripes), LBP(cell_size=28).transform(np.rot90(stripes, axes=(1, 2)).copy())
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("X, message", [
    (np.zeros((2, 28, 28), np.float32), "uint8"),
    (np.zeros((28, 28), np.uint8), "uint8"),
    (np.zeros((2, 5, 5), np.uint8), "cell_size=7 is larger than the 5x5 image"),
])
def test_lbp_rejects_bad_images(X, message):
    """(A side the cell does not divide is padded: see the test below.)"""
    from pipelines.lbp import LBP

    with pytest.raises(ValueError, match=message):
        LBP(cell_size=7).fit(X)


@pytest.mark.parametrize("params, message", [
    ({"n_points": 8.5}, "LBP n_points=8.5 must be an int in the range [1, inf)"),
    ({"cell_size": 0}, "LBP cell_size=0 must be an int in the range [1, inf)"),
    # a circle wider than the image would see only the zero padding
    ({"radius": 50}, "radius=50 must be a number above 0 and below half the 28x28 image side"),
    ({"radius": float("nan")}, "radius=nan must be"),
])
def test_lbp_rejects_bad_parameters(params, message):
    from pipelines.lbp import LBP

    with pytest.raises(ValueError, match=re.escape(message)):
        LBP(**params).fit(np.zeros((2, 28, 28), np.uint8))


@pytest.mark.parametrize("name, params", [("HOG", {}), ("LBP", {"cell_size": 4})])
def test_features_of_colour_images_are_those_of_their_grey_conversion(name, params):
    import cv2

    from pipelines.hog import HOG
    from pipelines.lbp import LBP

    transformer = {"HOG": HOG, "LBP": LBP}[name](**params)
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    grey = np.stack([cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) for image in rgb])
    np.testing.assert_array_equal(transformer.fit(rgb).transform(rgb), transformer.transform(grey))
    assert not np.array_equal(transformer.transform(rgb[..., ::-1].copy()), transformer.transform(grey))
    with pytest.raises(ValueError, match=r"\(n, H, W\) or \(n, H, W, 3\) uint8"):
        transformer.fit(rng.integers(0, 256, size=(3, 32, 32, 4), dtype=np.uint8))


@pytest.mark.parametrize("name", ["HOG", "LBP"])
def test_a_cell_size_that_does_not_divide_the_image_pads_it_by_reflection(name):
    from pipelines.hog import HOG, pad_to_cells
    from pipelines.lbp import LBP

    rng = np.random.default_rng(2)
    X = rng.integers(0, 256, size=(2, 32, 30), dtype=np.uint8)  # CIFAR-like 32 rows; 7 divides neither side
    padded = pad_to_cells(X, 7)
    assert padded.shape == (2, 35, 35) and np.array_equal(padded[:, :32, :30], X)
    assert np.array_equal(padded[:, 32, :30], X[:, 30, :]), "reflected, not zero-filled"
    step = {"HOG": HOG, "LBP": LBP}[name](cell_size=7)
    np.testing.assert_array_equal(step.fit(X).transform(X), step.transform(padded))
    assert pad_to_cells(X[:, :28, :28], 7) is not None and pad_to_cells(X[:, :28, :28], 7).shape == (2, 28, 28)
