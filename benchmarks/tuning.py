"""Hyperparameter candidates under a shared budget.

Both sides of a pair get the same budget: at most ``budget`` configurations, each
trained on the training subset and scored on the validation split (never the test
split). When a side's grid is larger than the budget, a seeded random sample of
the grid is tried instead (Bergstra & Bengio 2012, "Random search for
hyper-parameter optimization").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Mapping

from sklearn.model_selection import ParameterGrid, ParameterSampler

from benchmarks.errors import ConfigError


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
    if not isinstance(budget, int) or budget < 1:
        raise ConfigError(f"tuning.budget={budget!r} must be a positive integer")
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
