"""The analysis of one panel: fits, crossovers, samples to target and claim verdicts, together.

This only wires :mod:`reports.curves`, :mod:`reports.crossover`, :mod:`reports.targets`
and :mod:`reports.verdicts` so that tables, figures and the HTML share one computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from reports.crossover import Crossover, crossover
from reports.curves import N_BOOTSTRAP, PanelCurves, SideCurve, panel_curves
from reports.targets import FRACTIONS, Target, best_score, samples_to_target, target_score
from reports.bootstrap import TwoLevel
from reports.verdicts import QUOTED_FRACTION, Claim, pair_claims, paired_by_size


@dataclass
class PairAnalysis:
    """One (pipeline, e2e) pair of a panel."""

    pipeline: SideCurve
    e2e: SideCurve
    crossover: Crossover
    claims: list[Claim]
    #: training-set size -> the paired two-level bootstrap of e2e − pipeline there (units kept)
    paired: dict[float, TwoLevel] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.e2e.label} vs {self.pipeline.label}"


@dataclass
class PanelAnalysis:
    """Everything the report says about one panel beyond the means.

    Attributes:
        curves: per-side scores, fits and bootstrap.
        best: the best per-size mean score of the panel (metric units); targets derive from it.
        targets: side label -> one :class:`~reports.targets.Target` per ``FRACTIONS``.
        pairs: one per (pipeline side, e2e side); empty when the panel has only one approach.
    """

    curves: PanelCurves
    best: float
    targets: dict[str, list[Target]]
    pairs: list[PairAnalysis]


def analyse_panel(rows: pd.DataFrame, panel: pd.Series, n_bootstrap: int = N_BOOTSTRAP) -> PanelAnalysis:
    """Fit, bootstrap and judge one panel.

    Args:
        rows: the panel's ok runs (:func:`reports.analyse.ok_runs` rows selected by panel).
        panel: the panel's row of :func:`reports.analyse.panels`.
        n_bootstrap: bootstrap replicates over seeds.
    """
    higher = bool(panel["higher_is_better"])
    curves = panel_curves(rows, panel["primary_metric"], higher, n_bootstrap)
    best = best_score(curves, higher)
    targets = {}
    for side in curves.sides:
        targets[side.label] = [
            samples_to_target(side, target_score(best, f, higher), f, higher, curves) if math.isfinite(best)
            else Target(f, math.nan, math.nan, False) for f in FRACTIONS]
    pairs = []
    for pipeline, e2e in curves.pairs():
        cross = crossover(curves, pipeline, e2e)
        quoted = {s.approach: targets[s.label][FRACTIONS.index(QUOTED_FRACTION)] for s in (pipeline, e2e)}
        claims = pair_claims(_side_rows(rows, pipeline), _side_rows(rows, e2e), panel["primary_metric"], higher,
                             cross, quoted, panel_rows=rows, rope=panel_rope(rows))
        paired = paired_by_size(_side_rows(rows, pipeline), _side_rows(rows, e2e), 1.0 if higher else -1.0)
        pairs.append(PairAnalysis(pipeline, e2e, cross, claims, paired))
    return PanelAnalysis(curves, best, targets, pairs)


def panel_rope(rows: pd.DataFrame) -> float:
    """The panel's region of practical equivalence: the runs' ``rope`` (one task), NaN when none is known."""
    values = pd.to_numeric(rows["rope"], errors="coerce").dropna() if "rope" in rows else pd.Series(dtype=float)
    return float(values.iloc[0]) if len(values) else math.nan


def _side_rows(rows: pd.DataFrame, side: SideCurve) -> pd.DataFrame:
    method = rows["method"].isna() if pd.isna(side.method) else rows["method"].eq(side.method).fillna(False)
    return rows[rows["approach"].eq(side.approach).fillna(False).astype(bool) & method.astype(bool)]
