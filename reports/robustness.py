"""Effective robustness (Taori et al. 2020), for the claim "e2e is more robust".

Taori, Dave, Shankar, Carlini, Recht & Schmidt 2020, "Measuring Robustness to Natural
Distribution Shifts in Image Classification" (NeurIPS): a model's score under a
shift is largely predicted by its clean score, so a model that is robust only because
it is accurate must not count as robust. *Effective robustness* is the shifted score
minus the score a linear fit of shifted against clean predicts, the fit pooled over
every run of the panel (both sides, every size and seed).

A run's scores are read from its breakdowns, with no per-task code: the clean score is
``<metric>@severity=0`` (the test subset the shifts are applied to) and the shifted
score is the mean of ``<metric>@severity=1..5`` (every test condition no side trained
on, averaged over its kinds at each severity; :mod:`benchmarks.corruptions`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["SEVERITIES", "linear_fit", "shift_scores"]

SEVERITIES = (1, 2, 3, 4, 5)


def shift_scores(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``clean`` and ``shifted`` score per run (``rows``' index), for the runs that record both."""
    clean = f"metrics.{metric}@severity=0"
    shifted = [f"metrics.{metric}@severity={s}" for s in SEVERITIES if f"metrics.{metric}@severity={s}" in rows]
    if clean not in rows or not shifted:
        return pd.DataFrame(columns=["clean", "shifted"], dtype=float)
    scores = pd.DataFrame({"clean": pd.to_numeric(rows[clean], errors="coerce"),
                           "shifted": rows[shifted].apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=False)})
    return scores.dropna()


def linear_fit(scores: pd.DataFrame) -> tuple[float, float]:
    """``(intercept, slope)`` of shifted against clean by least squares (NaN with fewer than 2 distinct cleans)."""
    if scores["clean"].nunique() < 2:
        return math.nan, math.nan
    slope, intercept = np.polyfit(scores["clean"].to_numpy(float), scores["shifted"].to_numpy(float), 1)
    return float(intercept), float(slope)
