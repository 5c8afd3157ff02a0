"""A paired two-level bootstrap over seeds and test units (Bouthillier et al. 2021, MLSys).

"Accounting for Variance in Machine Learning Benchmarks" shows that the test sample
is a source of variance of its own, often as large as the seed's. Each run records its
primary metric per test unit (``units.npz``: ``num``/``den`` per image, gloss,
utterance or track, adding up to the metric, or a sentence's BLEU statistics;
:class:`benchmarks.tasks.base.UnitScores`).
Both sides and every seed are scored on the same test units, so a replicate draws
one set of units (with replacement) for all of them, and the seeds with replacement:
the difference keeps its pairing, and the test sample's variance, which every seed
shares, is not averaged away over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.tasks.base import UnitScores

__all__ = ["TwoLevel", "load_units", "two_level_difference"]

N_REPLICATES = 1000


@dataclass(frozen=True)
class TwoLevel:
    """The paired difference e2e − pipeline with a two-level bootstrap CI.

    Attributes:
        mean: the mean over seeds of the per-seed difference (signed: > 0 means e2e better).
        ci: the 95% percentile interval of the replicates.
        test_share: the share of the mean difference's variance that comes from the test
            sample: its variance over resampled units (seeds kept), against that plus the
            variance of a mean over the seeds (units kept).
        n_seeds, n_units: what was resampled.
    """

    mean: float
    ci: tuple[float, float]
    test_share: float
    n_seeds: int
    n_units: int


def load_units(path: str | Path) -> UnitScores:
    """A run's ``units.npz`` (:meth:`benchmarks.tasks.base.UnitScores.load`).

    Raises:
        OSError, ValueError, KeyError: the file is missing or not a units file.
    """
    return UnitScores.load(path)


def two_level_difference(pipeline: list[UnitScores], e2e: list[UnitScores], sign: float = 1.0,
                         n_replicates: int = N_REPLICATES, seed: int = 0) -> TwoLevel | None:
    """The paired two-level bootstrap of ``sign * (e2e − pipeline)``, seed by seed.

    Args:
        pipeline, e2e: one :class:`UnitScores` per paired seed, in the same seed order.
        sign: +1 when higher is better, −1 when lower is.
        n_replicates: bootstrap replicates.
        seed: seeds the resampling (the report's result does not depend on a run's seed).

    Returns:
        ``None`` when no seed's two runs share their units (then nothing can be paired).
    """
    pairs = []
    for p_units, e_units in zip(pipeline, e2e, strict=True):
        if not np.array_equal(p_units.unit, e_units.unit):
            return None  # different test units: no pairing
        pairs.append((p_units, e_units))
    if not pairs:
        return None
    rng = np.random.default_rng(seed)
    n_units = len(pairs[0][0].unit)
    # Every seed is scored on the same test split, so a replicate draws one set of units for all seeds
    # and both sides: the test sample's variance is shared by the seeds and is not averaged away.
    idx = rng.integers(0, n_units, size=(n_replicates, n_units), dtype=np.int32)
    observed = np.array([sign * (e.value - p.value) for p, e in pairs])
    within = np.array([sign * (e.resampled(idx) - p.resampled(idx)) for p, e in pairs])  # (seeds, replicates)
    drawn = rng.integers(0, len(pairs), size=(n_replicates, len(pairs)))  # seeds drawn per replicate
    replicates = within[drawn, np.arange(n_replicates)[:, None]].mean(axis=1)
    low, high = np.percentile(replicates, [2.5, 97.5])
    # the variance of the mean difference from the units (all seeds kept) and from the seeds (units kept)
    test_var = float(within.mean(axis=0).var(ddof=1))
    seed_var = float(observed.var(ddof=1)) / len(observed) if len(observed) > 1 else 0.0
    share = test_var / (test_var + seed_var) if test_var + seed_var > 0 else float("nan")
    return TwoLevel(float(observed.mean()), (float(low), float(high)), share, len(pairs), n_units)
