"""The image task's protocol: Fashion-MNIST's own test split, a fixed stratified validation carve."""

from __future__ import annotations

import numpy as np


def test_validation_split_is_fixed_and_disjoint():
    from benchmarks.datasets.fashion_mnist import FashionMNIST
    from benchmarks.tasks.image import ImageTask

    a, b = ImageTask(FashionMNIST(), val_size=1000).load(), ImageTask(FashionMNIST(), val_size=1000).load()
    assert np.array_equal(a.val.y, b.val.y) and np.array_equal(a.val.X, b.val.X)
    assert len(a.train) == 59000 and len(a.test) == 10000
    assert np.bincount(a.val.y).tolist() == [100] * 10
    # no validation image is also in the training pool
    pool = {x.tobytes() for x in a.train.X[:20000]}
    assert not any(x.tobytes() in pool for x in a.val.X[:200] if x.any())
