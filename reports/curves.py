"""Learning curves of one panel: per side, the seed × size scores, fits and a seed bootstrap.

The fitted parameters (and the crossover derived from two fits, :mod:`reports.crossover`)
are nonlinear in the data, so their uncertainty is estimated by a bootstrap over seeds:
each replicate draws the panel's seeds with replacement, *the same draw for every side*
(seeds are paired across approaches: seed s gives both sides the same training subset),
averages each side's scores per size over the drawn seeds, and refits. Percentile
intervals of the replicates are reported. With one seed there is nothing to resample,
and no interval is given.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reports.analyse import sort_rows
from reports.fits import FAMILIES, ErrorScale, Fit, Selection, error_scale, fit_family, select_model
from reports.formatting import method_label
from reports.stats import CONFIDENCE_LEVEL

#: Bootstrap replicates; the generator is seeded, so a report is reproducible.
N_BOOTSTRAP = 200
BOOTSTRAP_SEED = 0


@dataclass
class SideCurve:
    """One approach/method of a panel.

    Attributes:
        approach, method: the side.
        scores: seed × training-set size table of the primary metric (NaN where no ok run).
        selection: the fitted families and the chosen one (``None`` with fewer than 3 sizes).
        boot: per replicate, family -> fit, for ``pow3`` and the chosen family (``None``
            where a replicate could not be fitted); empty with one seed.
    """

    approach: str
    method: object
    scores: pd.DataFrame
    selection: Selection | None
    boot: list[dict[str, Fit | None]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return method_label(self.approach, self.method)

    @property
    def sizes(self) -> np.ndarray:
        return self.scores.columns.to_numpy(dtype=float)

    @property
    def n_seeds(self) -> int:
        return int(self.scores.notna().any(axis=1).sum())

    def mean_scores(self) -> np.ndarray:
        return self.scores.mean(axis=0).to_numpy(dtype=float)

    def chosen_fit(self) -> Fit | None:
        return None if self.selection is None else self.selection.fits[self.selection.chosen]

    def boot_fits(self, family: str) -> list[Fit | None]:
        return [replicate.get(family) for replicate in self.boot]

    def param_ci(self, family: str = "pow3") -> dict[str, tuple[float, float]]:
        """Percentile bootstrap CI of each parameter of ``family``; NaN with one seed."""
        names = FAMILIES[family].params
        fits = [f for f in self.boot_fits(family) if f is not None]
        if self.n_seeds < 2 or not fits:
            return {name: (math.nan, math.nan) for name in names}
        values = np.array([f.params for f in fits])
        alpha = (1 - CONFIDENCE_LEVEL) / 2
        low, high = np.quantile(values, [alpha, 1 - alpha], axis=0)
        return {name: (float(lo), float(hi)) for name, lo, hi in zip(names, low, high, strict=True)}


@dataclass
class PanelCurves:
    """Learning curves of every side of one panel, with the shared error scale and seed draws.

    Attributes:
        scale: how the primary metric maps to the fitted error (:func:`reports.fits.error_scale`).
        sides: pipeline sides first, then e2e sides.
        seeds: the panel's seeds (the bootstrap draws from them).
        draws: replicate × ``len(seeds)`` indices into ``seeds``, shared by every side.
    """

    scale: ErrorScale
    sides: list[SideCurve]
    seeds: np.ndarray
    draws: np.ndarray

    def pairs(self) -> list[tuple[SideCurve, SideCurve]]:
        """Every (pipeline side, e2e side) pair."""
        return [(p, e) for p in self.sides if p.approach == "pipeline" for e in self.sides if e.approach == "e2e"]

    def replicate_means(self, side: SideCurve) -> np.ndarray:
        """Per-size mean score of ``side`` in each replicate: shape (replicates, sizes); NaN where
        no drawn seed has a value at that size."""
        table = side.scores.reindex(index=self.seeds).to_numpy(dtype=float)
        drawn = table[self.draws]  # (B, seeds, sizes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a size no drawn seed has: NaN
            return np.nanmean(drawn, axis=1)


def panel_curves(rows: pd.DataFrame, metric: str, higher_is_better: bool,
                 n_bootstrap: int = N_BOOTSTRAP) -> PanelCurves:
    """Fit and bootstrap the learning curve of every side of one panel.

    Args:
        rows: the panel's ok runs (output of :func:`reports.analyse.ok_runs`, one panel),
            with ``approach``, ``method``, ``train_size``, ``seed`` and ``score``. Runs
            without a training-set size or score are left out (they have no place on a curve).
        metric, higher_is_better: the panel's primary metric and its direction.
        n_bootstrap: replicates.
    """
    rows = rows[rows["train_size"].notna() & rows["score"].notna() & rows["seed"].notna()]
    scale = error_scale(metric, bool(higher_is_better), rows["score"].to_numpy(dtype=float))
    seeds = np.array(sorted(int(s) for s in rows["seed"].unique()))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.integers(0, len(seeds), size=(n_bootstrap, len(seeds))) if len(seeds) > 1 else np.zeros((0, 1), int)
    sides = []
    for (approach, method), side in sort_rows(rows, first=()).groupby(["approach", "method"], dropna=False, sort=False):
        scores = side.pivot_table(index="seed", columns="train_size", values="score", aggfunc="mean")
        scores.index = scores.index.astype(int)
        scores.columns = scores.columns.astype(int)
        scores = scores.sort_index(axis=1)
        sizes = scores.columns.to_numpy(dtype=float)
        selection = select_model(sizes, scale.error(scores.mean(axis=0).to_numpy(dtype=float)), scale.nonnegative)
        sides.append(SideCurve(str(approach), method, scores, selection))
    curves = PanelCurves(scale, sides, seeds, draws)
    for side in curves.sides:
        if side.selection is None or side.n_seeds < 2:
            continue
        families = dict.fromkeys(["pow3", side.selection.chosen])
        for means in curves.replicate_means(side):
            errors = scale.error(means)
            side.boot.append({f: fit_family(f, side.sizes, errors, scale.nonnegative) for f in families})
    return curves
