"""Samples to target: the training-set size each side needs to come within a fraction of the best score.

The target is set by the best mean score seen on the panel (any side, any size). For
a fraction f (0.90, 0.95, 0.99) it is ``best − (1 − f)·|best|`` when higher is better
(90% of the best accuracy, or of the best reward) and ``best + (1 − f)·|best|`` when
lower is better (within 10% of the best WER): one rule for every metric, with no
per-task code.

For each side, the smallest *measured* size whose mean score reaches the target is
found first; the size is then interpolated on the side's chosen fit between that size
and the measured size below it (the first size where the fitted curve reaches the
target). When the smallest measured size already reaches it, the answer is "≤ that size";
when no measured size does, "not reached" (no extrapolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reports.curves import PanelCurves, SideCurve
from reports.formatting import compact_number

FRACTIONS = (0.90, 0.95, 0.99)
INTERPOLATION_POINTS = 200


@dataclass(frozen=True)
class Target:
    """Samples one side needs to reach one target.

    Attributes:
        fraction: of the best score (0.9 means 90%).
        target: the score to reach (metric units).
        size: interpolated size (examples); NaN when not reached.
        at_most: the smallest measured size already reaches the target (``size`` is that size).
    """

    fraction: float
    target: float
    size: float
    at_most: bool

    def describe(self) -> str:
        """``≤ 100``, ``2.13k`` or ``not reached``."""
        if math.isnan(self.size):
            return "not reached"
        return ("≤ " if self.at_most else "") + compact_number(self.size)


def target_score(best: float, fraction: float, higher_is_better: bool) -> float:
    """The score within ``1 − fraction`` of ``best`` (see the module docstring)."""
    slack = (1 - fraction) * abs(best)
    return best - slack if higher_is_better else best + slack


def best_score(curves: PanelCurves, higher_is_better: bool) -> float:
    """The best per-size mean score of any side of the panel."""
    means = np.concatenate([side.mean_scores() for side in curves.sides]) if curves.sides else np.array([])
    means = means[np.isfinite(means)]
    if not means.size:
        return math.nan
    return float(means.max() if higher_is_better else means.min())


def samples_to_target(side: SideCurve, target: float, fraction: float, higher_is_better: bool,
                      curves: PanelCurves) -> Target:
    """The interpolated size at which ``side`` reaches ``target`` (see the module docstring)."""
    def reaches(score: np.ndarray) -> np.ndarray:
        return score >= target if higher_is_better else score <= target

    sizes, means = side.sizes, side.mean_scores()
    hit = np.flatnonzero(np.isfinite(means) & reaches(means))
    if not hit.size:
        return Target(fraction, target, math.nan, False)
    k = int(hit[0])
    if k == 0:
        return Target(fraction, target, float(sizes[0]), True)
    fit = side.chosen_fit()
    if fit is None:
        return Target(fraction, target, float(sizes[k]), False)
    grid = np.geomspace(sizes[k - 1], sizes[k], INTERPOLATION_POINTS)
    fitted = reaches(curves.scale.score(fit.predict(grid)))
    size = float(grid[int(np.argmax(fitted))]) if fitted.any() else float(sizes[k])
    return Target(fraction, target, size, False)
