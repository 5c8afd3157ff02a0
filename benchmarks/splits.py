"""Nested, stratified training subsets with paired seeds (README: The protocol).

For one seed, the training pool is put into a single order whose every prefix is
stratified; the subset of size ``n`` is the first ``n`` indices of that order.
Subsets are therefore nested (size ``n`` ⊂ size ``m`` for ``n < m``), as in LCDB
(Mohr et al. 2022, "LCDB 1.0: An Extensive Learning Curves Database"), and the
same seed gives both approaches the same subset.
"""

from __future__ import annotations

import numbers

import numpy as np

from benchmarks.errors import ConfigError
from benchmarks.params import satisfies


def stratified_order(y: np.ndarray, seed: int) -> np.ndarray:
    """A permutation of ``range(len(y))`` whose prefixes keep the class proportions.

    Each class is shuffled; its ``r``-th member gets the key ``(r + 0.5) / n_c``,
    and samples are sorted by key (ties broken at random). A prefix of size ``n``
    therefore holds ``n * n_c / N`` samples of class ``c``, up to rounding.

    Args:
        y: labels, shape ``(N,)``, any hashable dtype.
        seed: any integer, 0 included.

    Returns:
        ``(N,)`` int64 indices into ``y``.
    """
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    keys = np.empty(len(y), dtype=np.float64)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        members = members[rng.permutation(len(members))]
        keys[members] = (np.arange(len(members)) + 0.5) / len(members)
    tiebreak = rng.random(len(y))
    return np.lexsort((tiebreak, keys)).astype(np.int64)


def training_subset(y: np.ndarray, train_size: int | None, seed: int) -> np.ndarray:
    """Indices of the nested stratified training subset of ``train_size`` samples.

    Args:
        y: labels of the whole training pool, shape ``(N,)``.
        train_size: number of samples, or ``None`` for the whole pool.
        seed: the subset seed (paired across approaches).

    Returns:
        ``(train_size,)`` int64 indices into the pool, in training order.

    Raises:
        ConfigError: ``train_size`` is not a positive integer or exceeds ``N``.
    """
    n_pool = len(y)
    if train_size is None:
        train_size = n_pool
    validate_train_size(train_size, n_pool)
    return stratified_order(y, seed)[:train_size]


def validate_train_size(train_size: object, n_pool: int) -> None:
    """Raise ``ConfigError`` unless ``1 <= train_size <= n_pool`` (an int)."""
    if not satisfies(train_size, [numbers.Integral]):
        raise ConfigError(
            f"train_size={train_size!r} must be a positive integer or null (the whole pool)"
        )
    if train_size < 1:
        raise ConfigError(f"train_size={train_size} must be a positive integer or null")
    if train_size > n_pool:
        raise ConfigError(
            f"train_size={train_size} exceeds the training pool of {n_pool} examples; "
            f"use train_size=null for the whole pool"
        )
