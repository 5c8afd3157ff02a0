"""Crossover: the training-set size at which e2e's fitted learning curve drops below the pipeline's.

The two sides' chosen fits (:mod:`reports.fits`) are compared on the error scale on a
fine log grid, from the smallest size both sides measured up to ``EXTRAPOLATION_FACTOR``
times the largest. The crossover is the first grid size where e2e's fitted error is
lower. It is *measured* when it lies within the sizes both sides measured, an
*extrapolation* beyond them, and "not reached" when e2e's curve stays above up to the
end of the grid. When e2e's curve is already lower at the smallest size, there is no
crossover to report ("e2e better from the smallest size").

Its CI is the percentile interval of the crossover over the seed bootstrap of
:mod:`reports.curves` (each replicate refits both sides on the same draw of seeds).
A replicate that never crosses counts as +∞, one where e2e starts better as the
smallest size, so the interval is honest about both.

Crossing probabilities, after LCDB (Mohr et al., "LCDB 1.0: An Extensive Learning Curves
Database for Classification Tasks", ECML-PKDD 2022), are the fractions of the same
replicates in which the e2e mean over the drawn seeds is worse than the pipeline's at the
smallest common size (P(e2e starts worse)), and additionally better at the largest common
size (P(e2e starts worse and finishes better)); they use the measured means, not the fits.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from reports.curves import PanelCurves, SideCurve
from reports.fits import Fit
from reports.formatting import compact_number
from reports.stats import CONFIDENCE_LEVEL

#: The grid extends to this multiple of the largest common size (extrapolation).
EXTRAPOLATION_FACTOR = 100
GRID_POINTS = 600

MEASURED, EXTRAPOLATED, NOT_REACHED, AT_START, NO_FIT = (
    "measured", "extrapolated", "not reached", "e2e better from the smallest size", "no fit")


@dataclass(frozen=True)
class Crossover:
    """Crossover of one (pipeline, e2e) pair.

    Attributes:
        kind: ``MEASURED``, ``EXTRAPOLATED``, ``NOT_REACHED``, ``AT_START`` or ``NO_FIT``.
        size: the crossover size (examples) for ``MEASURED``/``EXTRAPOLATED``; NaN otherwise.
        ci: percentile bootstrap CI (examples); ``-inf`` low end: some replicates start
            e2e-better; ``+inf`` high end: some replicates never cross within the grid;
            NaN with one seed.
        n_min, n_max: the smallest and largest size both sides measured.
        p_starts_worse, p_starts_worse_finishes_better: LCDB crossing probabilities
            (NaN with one seed).
        n_seeds: seeds both sides share.
    """

    kind: str
    size: float
    ci: tuple[float, float]
    n_min: float
    n_max: float
    p_starts_worse: float
    p_starts_worse_finishes_better: float
    n_seeds: int

    def describe(self) -> str:
        """One phrase for a table: the value, how it was obtained, and its CI."""
        limit = compact_number(self.n_max * EXTRAPOLATION_FACTOR)
        text = {
            MEASURED: lambda: f"{compact_number(self.size)}",
            EXTRAPOLATED: lambda: (f"not reached within the measured range (≤ {compact_number(self.n_max)}); "
                                   f"extrapolated: {compact_number(self.size)}"),
            NOT_REACHED: lambda: (f"not reached within the measured range (≤ {compact_number(self.n_max)}), "
                                  f"nor by extrapolation to {limit}"),
            AT_START: lambda: f"none: e2e better from the smallest size ({compact_number(self.n_min)})",
            NO_FIT: lambda: "no fit (fewer than 3 sizes on a side)",
        }[self.kind]()
        low, high = self.ci
        if math.isnan(low) or self.kind == NO_FIT:
            return text
        if low == math.inf:
            return f"{text} (no bootstrap replicate crosses by {limit})"
        if high == -math.inf:
            return f"{text} (in every bootstrap replicate e2e is better from the smallest size)"

        def bound(value: float) -> str:
            return (f"≤ {compact_number(self.n_min)}" if value == -math.inf
                    else f"> {limit}" if value == math.inf else compact_number(value))

        return f"{text} ({CONFIDENCE_LEVEL:.0%} CI {bound(low)} to {bound(high)})"


def _grid(n_min: float, n_max: float) -> np.ndarray:
    return np.geomspace(n_min, n_max * EXTRAPOLATION_FACTOR, GRID_POINTS)


def crossing_size(pipeline: Fit, e2e: Fit, n_min: float, n_max: float) -> float:
    """First size where e2e's fitted error is below the pipeline's.

    Returns:
        The size (examples); ``-inf`` when e2e is lower already at ``n_min``; ``+inf`` when
        it is not lower anywhere up to ``EXTRAPOLATION_FACTOR · n_max``.
    """
    grid = _grid(n_min, n_max)
    below = e2e.predict(grid) < pipeline.predict(grid)
    if below[0]:
        return -math.inf
    if not below.any():
        return math.inf
    return float(grid[int(np.argmax(below))])


def _common_range(pipeline: SideCurve, e2e: SideCurve) -> tuple[float, float]:
    common = np.intersect1d(pipeline.sizes, e2e.sizes)
    if common.size:
        return float(common.min()), float(common.max())
    return max(pipeline.sizes.min(), e2e.sizes.min()), min(pipeline.sizes.max(), e2e.sizes.max())


def _seeds_with_runs(side: SideCurve) -> set[int]:
    return set(side.scores.index[side.scores.notna().any(axis=1)])


def crossover(curves: PanelCurves, pipeline: SideCurve, e2e: SideCurve) -> Crossover:
    """The crossover of one pair, with its bootstrap CI and crossing probabilities."""
    n_min, n_max = _common_range(pipeline, e2e)
    shared = len(_seeds_with_runs(pipeline) & _seeds_with_runs(e2e))
    p_fit, e_fit = pipeline.chosen_fit(), e2e.chosen_fit()
    if p_fit is None or e_fit is None or not n_min <= n_max:
        return Crossover(NO_FIT, math.nan, (math.nan, math.nan), n_min, n_max, math.nan, math.nan, shared)
    size = crossing_size(p_fit, e_fit, n_min, n_max)
    kind = (AT_START if size == -math.inf else NOT_REACHED if size == math.inf
            else MEASURED if size <= n_max else EXTRAPOLATED)
    ci, p_worse, p_cross = (math.nan, math.nan), math.nan, math.nan
    if shared >= 2 and pipeline.boot and e2e.boot:
        values = [crossing_size(p, e, n_min, n_max)
                  for p, e in zip(pipeline.boot_fits(pipeline.selection.chosen), e2e.boot_fits(e2e.selection.chosen),
                                  strict=True) if p is not None and e is not None]
        if values:
            alpha = (1 - CONFIDENCE_LEVEL) / 2
            # inverted_cdf picks replicate values (never interpolates towards ±inf).
            low, high = np.quantile(values, [alpha, 1 - alpha], method="inverted_cdf")
            ci = (float(low), float(high))
        p_worse, p_cross = crossing_probabilities(curves, pipeline, e2e, n_min, n_max)
    return Crossover(kind, size if math.isfinite(size) else math.nan, ci, n_min, n_max, p_worse, p_cross, shared)


def crossing_probabilities(curves: PanelCurves, pipeline: SideCurve, e2e: SideCurve,
                           n_min: float, n_max: float) -> tuple[float, float]:
    """(P(e2e starts worse), P(e2e starts worse and finishes better)) over the bootstrap replicates."""
    def at(side: SideCurve, size: float) -> np.ndarray:
        if size not in set(side.sizes):
            return np.full(len(curves.draws), np.nan)
        means = curves.replicate_means(side)
        return curves.scale.error(means[:, list(side.sizes).index(size)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        start_p, start_e = at(pipeline, n_min), at(e2e, n_min)
        end_p, end_e = at(pipeline, n_max), at(e2e, n_max)
    valid = ~np.isnan(start_p + start_e + end_p + end_e)
    if not valid.any():
        return math.nan, math.nan
    worse = start_e[valid] > start_p[valid]
    better = end_e[valid] < end_p[valid]
    return float(worse.mean()), float((worse & better).mean())
