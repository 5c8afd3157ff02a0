"""Training subsets: nested, stratified, paired by seed (README: The protocol)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.errors import ConfigError
from benchmarks.splits import training_subset

Y = np.repeat(np.arange(4), [400, 300, 200, 100])  # imbalanced: 40/30/20/10 %


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_subsets_are_nested(seed):
    small, large = training_subset(Y, 50, seed), training_subset(Y, 400, seed)
    assert set(small) <= set(large)
    assert len(set(large)) == 400


@pytest.mark.parametrize("n", [10, 50, 333])
def test_subsets_keep_class_proportions(n):
    counts = np.bincount(Y[training_subset(Y, n, seed=3)], minlength=4)
    assert np.all(np.abs(counts - n * np.array([0.4, 0.3, 0.2, 0.1])) <= 1)


def test_seed_zero_is_a_seed_and_seeds_differ():
    a, b = training_subset(Y, 100, 0), training_subset(Y, 100, 1)
    assert np.array_equal(a, training_subset(Y, 100, 0))
    assert not np.array_equal(np.sort(a), np.sort(b))


def test_null_means_the_whole_pool():
    assert sorted(training_subset(Y, None, 0)) == list(range(len(Y)))


@pytest.mark.parametrize("bad", [0, -5, 1001, 2.5, "10", True])
def test_bad_sizes_are_rejected(bad):
    with pytest.raises(ConfigError, match="train_size"):
        training_subset(Y, bad, 0)
