"""MNIST-C-style image corruptions (benchmarks/corruptions/image.py)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.corruptions.image import CORRUPTIONS, corrupt_images


@pytest.fixture(scope="module")
def images():
    from benchmarks.datasets.fashion_mnist import FashionMNIST

    return FashionMNIST().load().test.X[:40]


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_each_corruption_is_seeded_keeps_shape_and_grows_with_severity(images, name):
    mild, again, harsh = (corrupt_images(images, name, s, seed=3) for s in (1, 1, 5))
    assert mild.shape == images.shape and mild.dtype == np.uint8
    assert np.array_equal(mild, again), "deterministic given its seed"
    change = [np.abs(x.astype(int) - images).mean() for x in (mild, harsh)]
    assert 0 < change[0] < change[1], change
    # a subset sees exactly what the whole batch saw: each image is seeded by its position
    assert np.array_equal(corrupt_images(images[:5], name, 1, seed=3), mild[:5])


def test_another_seed_draws_other_noise_and_colour_images_work(images):
    assert not np.array_equal(corrupt_images(images, "gaussian_noise", 2, seed=0),
                              corrupt_images(images, "gaussian_noise", 2, seed=1))
    colour = np.random.default_rng(0).integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    for name in CORRUPTIONS:
        assert corrupt_images(colour, name, 3).shape == colour.shape


@pytest.mark.parametrize("args, message", [
    (("fog", 1), "unknown image corruption 'fog'"),
    (("jpeg", 6), "severity=6 must be one of"),
])
def test_bad_corruption_arguments_are_named(images, args, message):
    with pytest.raises(ValueError, match=message):
        corrupt_images(images, *args)
    with pytest.raises(ValueError, match="uint8"):
        corrupt_images(images.astype(np.float32), "jpeg", 1)
