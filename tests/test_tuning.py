"""The one search loop both approaches tune with (benchmarks/tuning.py), and the estimator contract."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from benchmarks.errors import ConfigError
from benchmarks.tuning import candidates, search


def test_search_keeps_the_best_candidate_in_the_given_direction():
    grid = {"a": [1, 2, 3]}
    fit = lambda trial, params: (params["a"] * 10, f"model{params['a']}", {"epochs": trial})  # noqa: E731
    score, params, model, trials = search(grid, budget=3, seed=0, fit_candidate=fit)
    assert (score, params, model) == (30.0, {"a": 3}, "model3")
    assert trials == [{"params": {"a": a}, "val_score": 10.0 * a, "epochs": i} for i, a in enumerate([1, 2, 3])]
    score, params, model, _ = search(grid, budget=3, seed=0, fit_candidate=fit, higher_is_better=False)
    assert (score, model) == (10.0, "model1")


def test_a_tie_keeps_the_earlier_candidate_and_the_budget_samples_the_grid():
    _, params, _, trials = search({"a": [1, 2]}, 2, 0, lambda t, p: (0.5, None, {}))
    assert params == {"a": 1} and len(trials) == 2
    sample = candidates({"a": list(range(10)), "b": [0, 1]}, budget=3, seed=4)
    assert len(sample) == 3 and sample == candidates({"a": list(range(10)), "b": [0, 1]}, budget=3, seed=4)
    with pytest.raises(ConfigError, match="tuning.budget=0 must be an int in the range"):
        candidates({"a": [1]}, budget=0, seed=0)


def test_predict_before_fit_is_refused_by_both_approaches():
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from e2e_models.cnn import CNN
    from e2e_models.estimator import LightningEstimator
    from pipelines.hog import HOG
    from pipelines.tuned import TunedPipeline

    X = np.zeros((2, 28, 28), np.uint8)
    for estimator in (TunedPipeline(Pipeline([("hog", HOG()), ("svm", LinearSVC())])), LightningEstimator(CNN)):
        with pytest.raises(NotFittedError):
            estimator.predict(X)


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "method.estimator.batch_size=0 must be an int in the range [1, inf)"),
    ({"patience": True}, "method.estimator.patience=True must be an int in the range [1, inf)"),
    ({"seed": -1}, "method.estimator.seed=-1 must be an int in the range [0, 4294967295]"),
])
def test_estimator_parameters_are_checked_against_their_declared_constraints(kwargs, message):
    from e2e_models.cnn import CNN
    from e2e_models.estimator import LightningEstimator

    X, y = np.zeros((4, 28, 28), np.uint8), np.array([0, 1, 0, 1])
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        LightningEstimator(CNN, **kwargs).fit(X, y, X, y)
