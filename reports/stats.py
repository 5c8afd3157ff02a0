"""Confidence interval of a mean over seeds.

A benchmark has few seeds (2–5), and there a percentile bootstrap is not honest: with
two seeds its "95%" interval is just the range of the two values, and up to about ten
seeds it covers the true mean far less often than 95%. The report therefore uses the
Student-t interval, mean ± t(0.975, n−1)·s/√n: exact when seed-to-seed variation is
normal, close to it otherwise, deterministic (no resampling), and as wide as so few
seeds warrant (with two seeds t = 12.7, so the half-width is 6.4 times the distance
between the two values).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

CONFIDENCE_LEVEL = 0.95
CI_METHOD = "Student-t"


def t_multiplier(n: int, confidence_level: float = CONFIDENCE_LEVEL) -> float:
    """``t(1 − α/2, n − 1)``: the CI half-width in standard errors for ``n`` values (NaN below 2)."""
    return float(stats.t.ppf(0.5 + confidence_level / 2, n - 1)) if n >= 2 else math.nan


def mean_ci(values: ArrayLike, confidence_level: float = CONFIDENCE_LEVEL) -> tuple[float, float]:
    """Student-t CI of the mean of ``values`` (one value per seed).

    Args:
        values: 1-D values; NaN entries are ignored.

    Returns:
        ``(low, high)`` in the units of ``values``: ``(nan, nan)`` for fewer than two
        values, ``(v, v)`` when all values are equal. The interval is not clipped, so
        the low end of a positive quantity (a time) can be negative with few seeds.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size < 2:
        return (math.nan, math.nan)
    mean = float(x.mean())
    if np.ptp(x) == 0:
        return (mean, mean)
    half = t_multiplier(x.size, confidence_level) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return (mean - half, mean + half)
