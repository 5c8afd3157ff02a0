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
