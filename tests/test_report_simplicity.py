"""Tuning effort (Dodge et al. 2019) and the simplicity verdict (reports/simplicity.py, reports/verdicts.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from reports.simplicity import expected_max, trials_to_reach
from reports.verdicts import CONTRADICTED, INCONCLUSIVE, SUPPORTED, simplicity_claim


@pytest.mark.parametrize("scores", [[0.6, 0.8, 0.7], [0.5, 0.5, 0.9, 0.1], [0.3]])
def test_expected_max_matches_brute_force_over_every_draw(scores):
    for k in range(1, 4):
        draws = list(itertools.product(scores, repeat=k))  # every ordered draw with replacement, equally likely
        assert expected_max(scores, k) == pytest.approx(np.mean([max(d) for d in draws]))
        assert expected_max(scores, k, higher_is_better=False) == pytest.approx(np.mean([min(d) for d in draws]))


def test_trials_to_reach_95_percent_of_the_way_to_the_best():
    assert trials_to_reach([0.9, 0.9, 0.9]) == 1  # every trial is as good as the best
    assert trials_to_reach([0.1, 0.9]) == 2
    # a loss: lower is better
    assert trials_to_reach([1.0, 0.2, 0.2, 0.2], higher_is_better=False) == trials_to_reach([0.0, 0.8, 0.8, 0.8])


def _rows(components, problems, tuned, trials, seeds=(0, 1, 2)):
    return pd.DataFrame({"seed": list(seeds), "train_size": 1000, "simplicity.components": components,
                         "simplicity.optimisation_problems": problems, "simplicity.hyperparameters.tuned": tuned,
                         "simplicity.hyperparameters.fixed": 3, "simplicity.trials_to_95": trials,
                         "simplicity.own_code.logical_lines": 20, "simplicity.own_code.cyclomatic": 5,
                         "simplicity.problem_kinds.convex": 1})


@pytest.mark.parametrize("e2e, expected", [
    (dict(components=1, problems=1, tuned=2, trials=2), SUPPORTED),
    (dict(components=1, problems=1, tuned=2, trials=3), CONTRADICTED),   # more trials
    (dict(components=1, problems=1, tuned=3, trials=2), CONTRADICTED),   # more tuned hyperparameters
    (dict(components=2, problems=1, tuned=2, trials=2), INCONCLUSIVE),   # as many components
    (dict(components=1, problems=2, tuned=2, trials=1), INCONCLUSIVE),   # more training problems
])
def test_simplicity_verdict_follows_its_rule(e2e, expected):
    claim = simplicity_claim(_rows(2, 1, 2, 2), _rows(**e2e))
    assert claim.verdict == expected and claim.n_seeds == 3
    assert "components 2 vs " in claim.evidence and "trials to 95% of the best" in claim.evidence


def test_no_vector_is_inconclusive():
    claim = simplicity_claim(pd.DataFrame({"seed": [0], "train_size": [10]}), _rows(1, 1, 2, 2))
    assert claim.verdict == INCONCLUSIVE and claim.evidence == "no simplicity vector recorded"
