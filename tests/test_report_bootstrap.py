"""The paired two-level bootstrap over seeds and test units (reports/bootstrap.py)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks.base import UnitScores
from reports.bootstrap import two_level_difference


def _seed_runs(rng, n_seeds, n_units, true_gap, seed_sd, p_correct=0.8):
    """Per seed: both sides classify the same units; e2e's accuracy is ``true_gap`` higher plus seed noise."""
    pipeline, e2e = [], []
    unit = np.arange(n_units)
    hard = rng.random(n_units)  # a unit's difficulty, shared by both sides: the pairing
    for _ in range(n_seeds):
        shift = rng.normal(0, seed_sd)
        p = (hard < p_correct).astype(float)
        e = (hard < p_correct + true_gap + shift).astype(float)
        pipeline.append(UnitScores(unit, p, np.ones(n_units)))
        e2e.append(UnitScores(unit, e, np.ones(n_units)))
    return pipeline, e2e


def test_the_difference_is_the_mean_of_the_seeds_and_the_pairing_is_kept():
    rng = np.random.default_rng(0)
    pipeline, e2e = _seed_runs(rng, 3, 2000, 0.05, 0.0)
    result = two_level_difference(pipeline, e2e, n_replicates=300)
    assert result.mean == pytest.approx(np.mean([e.num.mean() - p.num.mean() for p, e in zip(pipeline, e2e)]))
    assert result.ci[0] < result.mean < result.ci[1] and result.n_seeds == 3 and result.n_units == 2000
    assert result.test_share == pytest.approx(1.0), "no seed variance: all of it is the test sample's"
    flipped = two_level_difference(pipeline, e2e, sign=-1.0, n_replicates=300)
    assert flipped.mean == pytest.approx(-result.mean)


def test_runs_scored_on_different_units_cannot_be_paired():
    rng = np.random.default_rng(1)
    pipeline, e2e = _seed_runs(rng, 2, 100, 0.05, 0.01)
    e2e[1] = UnitScores(e2e[1].unit + 1, e2e[1].num, e2e[1].den)
    assert two_level_difference(pipeline, e2e) is None


@pytest.mark.slow
def test_the_interval_covers_the_true_difference_near_its_nominal_rate():
    """Known seed and test-unit variance: over 200 experiments, the 95% interval covers the true gap."""
    rng = np.random.default_rng(2)
    covered = 0
    for _ in range(200):
        # fresh test units and seeds each experiment: the true gap is the population one, 0.05
        pipeline, e2e = _seed_runs(rng, 10, 400, 0.05, 0.01)
        result = two_level_difference(pipeline, e2e, n_replicates=400, seed=int(rng.integers(1 << 30)))
        covered += result.ci[0] <= 0.05 <= result.ci[1]
    assert 0.85 <= covered / 200 <= 0.99, covered
