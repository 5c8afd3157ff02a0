"""Hyperparameter candidates under a shared budget.

Both sides of a pair get the same budget: at most ``budget`` configurations, each
trained on the training subset and scored on the validation split (never the test
split). When a side's grid is larger than the budget, a seeded random sample of
the grid is tried instead (Bergstra & Bengio 2012, "Random search for
hyper-parameter optimization").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Mapping

from sklearn.model_selection import ParameterGrid, ParameterSampler

from benchmarks.errors import ConfigError
from benchmarks.params import check_params, positive_int

log = logging.getLogger(__name__)


def candidates(param_grid: Mapping[str, list] | None, budget: int, seed: int) -> list[dict[str, Any]]:
    """The configurations to try, in a fixed order.

    Args:
        param_grid: ``{param_name: [values...]}``; ``None`` or ``{}`` means one
            configuration with the defaults.
        budget: the maximum number of configurations (>= 1).
        seed: seeds the sample when the grid exceeds the budget.

    Returns:
        A list of ``min(budget, grid size)`` parameter dicts.

    Raises:
        ConfigError: ``budget`` < 1 or a grid entry is not a non-empty list.
    """
    check_params({"budget": budget}, {"budget": positive_int()}, "tuning.")
    grid = {
        str(k): list(v) if isinstance(v, Sequence) and not isinstance(v, str) else v
        for k, v in dict(param_grid or {}).items()
    }
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(f"param_grid.{key} must be a non-empty list, got {values!r}")
    full = list(ParameterGrid(grid)) if grid else [{}]
    if len(full) <= budget:
        return full
    return list(ParameterSampler(grid, n_iter=budget, random_state=seed))


def check_fixed_settings(settings: Mapping[str, Any], param_grid: Mapping[str, list] | None) -> None:
    """Refuse a tuned hyperparameter that is also set, to another value, outside the grid.

    The grid replaces such a setting in every candidate, so a user who set it
    (``method.estimator.pipeline.steps.0.1.cell_size=5`` while the grid tunes
    ``hog__cell_size`` over ``[4, 7]``) would silently get a result for the grid's
    values. A one-value grid is how a value is fixed, so it is never refused.

    Args:
        settings: the estimator's own values, by the grid's key names.
        param_grid: ``{param_name: [values...]}``.

    Raises:
        ConfigError: naming the key, both values and the override that fixes it.
    """
    for key, values in dict(param_grid or {}).items():
        values = list(values) if isinstance(values, Sequence) and not isinstance(values, str) else [values]
        if key in settings and len(values) > 1 and _plain(settings[key]) not in [_plain(v) for v in values]:
            raise ConfigError(
                f"{key}={settings[key]!r} is set on the method, but param_grid.{key} tunes it over {values}, "
                f"which would replace it; to fix the value, set method.estimator.param_grid.{key}=[{settings[key]}]")


def _plain(value: Any) -> Any:
    """Tuples and lists compare equal: an n-gram range is a tuple in Python, a list in YAML."""
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value


#: What one candidate's fit returns: its validation score, the fitted thing the
#: search keeps if it wins, and extra fields for the record's trial list.
CandidateFit = tuple[float, Any, Mapping[str, Any]]


def search(param_grid: Mapping[str, list] | None, budget: int, seed: int,
           fit_candidate: Callable[[int, dict[str, Any]], CandidateFit], *, higher_is_better: bool = True,
           metric: str = "val_score", logger: Any = None) -> tuple[float, dict[str, Any], Any, list[dict[str, Any]]]:
    """Fit every candidate of :func:`candidates` and keep the best on validation.

    The one search loop of both approaches: a pipeline's candidates differ in
    feature and learner settings, a network's in module arguments; what a
    candidate's fit means is ``fit_candidate``'s business.

    Args:
        param_grid, budget, seed: as for :func:`candidates`.
        fit_candidate: ``(trial index, params) -> (validation score, fitted, extra)``.
        higher_is_better: whether a larger validation score wins (ties keep the earlier).
        metric: the score's name in the log and the tracker (``val_acc``, ``val_loss``).
        logger: optional Lightning logger that receives each trial's score as ``trial_<metric>``.

    Returns:
        ``(best score, best params, best fitted, trials)``; ``trials`` is one dict per
        candidate, ``{"params", "val_score", **extra}``, in the order tried.
    """
    trials, best = [], None
    for trial, params in enumerate(candidates(param_grid, budget, seed)):
        score, fitted, extra = fit_candidate(trial, params)
        score = float(score)
        trials.append({"params": params, "val_score": score, **extra})
        log.info("trial %d %s: %s %.4f%s", trial, params, metric, score,
                 "".join(f", {k} {v:.1f}" if isinstance(v, float) else f", {k} {v}" for k, v in extra.items()))
        if logger is not None:
            logger.log_metrics({f"trial_{metric}": score}, step=trial)
        if best is None or (score > best[0] if higher_is_better else score < best[0]):
            best = (score, params, fitted)
    return (*best, trials)
