"""Effective robustness (Taori et al. 2020) and the robustness verdict (reports/robustness.py, reports/verdicts.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reports.robustness import linear_fit, shift_scores
from reports.verdicts import INCONCLUSIVE, SUPPORTED, robustness_claim

SIZES = (100, 1000, 10000)


def _runs(approach: str, clean: dict[int, float], offset: float, seeds=range(4), noise=0.002) -> pd.DataFrame:
    """Runs whose shifted accuracy is 0.8 x clean - 0.05 + offset (+ a little seeded noise), 5 severities."""
    rng = np.random.default_rng(len(approach))
    rows = []
    for size in SIZES:
        for seed in seeds:
            c = clean[size] + rng.normal(0, 0.005)
            shifted = 0.8 * c - 0.05 + offset + rng.normal(0, noise)
            rows.append({"approach": approach, "train_size": size, "seed": seed, "metrics.accuracy@severity=0": c,
                         **{f"metrics.accuracy@severity={s}": shifted + 0.01 * (3 - s) for s in range(1, 6)}})
    return pd.DataFrame(rows)


PIPELINE = {100: 0.70, 1000: 0.80, 10000: 0.85}
E2E = {100: 0.65, 1000: 0.82, 10000: 0.90}


def test_a_side_that_loses_less_than_its_clean_score_predicts_is_more_robust():
    p, e = _runs("pipeline", PIPELINE, 0.0), _runs("e2e", E2E, 0.03)
    claim = robustness_claim(p, e, pd.concat([p, e], ignore_index=True), "accuracy", True, 10000)
    assert claim.verdict == SUPPORTED and claim.n_seeds == 4
    assert 0 < claim.effect.ci[0] < claim.effect.mean < 0.03  # the pooled fit absorbs part of the offset
    assert "relative change under shift" in claim.evidence


def test_two_sides_on_one_line_are_inconclusive_though_the_more_accurate_loses_less():
    p, e = _runs("pipeline", PIPELINE, 0.0), _runs("e2e", E2E, 0.0)
    claim = robustness_claim(p, e, pd.concat([p, e], ignore_index=True), "accuracy", True, 10000)
    assert claim.verdict == INCONCLUSIVE, claim.evidence


def test_the_fit_and_the_scores_are_read_off_the_breakdown_names():
    runs = _runs("pipeline", PIPELINE, 0.0, noise=0.0)
    scores = shift_scores(runs, "accuracy")
    assert len(scores) == len(runs) and scores["shifted"].iloc[0] == pytest.approx(
        0.8 * scores["clean"].iloc[0] - 0.05)  # the mean over severities 1..5
    intercept, slope = linear_fit(scores)
    assert (intercept, slope) == (pytest.approx(-0.05), pytest.approx(0.8))
    claim = robustness_claim(runs.drop(columns="metrics.accuracy@severity=0"), runs, runs, "accuracy", True, 10000)
    assert claim.verdict == INCONCLUSIVE and claim.n_seeds == 0


def test_the_robustness_figure_draws_every_run_and_the_fit():
    from reports.plots import robustness_figure

    runs = pd.concat([_runs("pipeline", PIPELINE, 0.0), _runs("e2e", E2E, 0.03)], ignore_index=True)
    panel = pd.Series({"primary_metric": "accuracy", "label": "image (synthetic)"})
    figure = robustness_figure(runs, panel)
    axes = figure.axes[0]
    assert sum(len(c.get_offsets()) for c in axes.collections) == len(runs)
    assert any(line.get_label().startswith("fit: ") for line in axes.get_lines())
    assert robustness_figure(runs.drop(columns="metrics.accuracy@severity=0"), panel) is None
