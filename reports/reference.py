"""Reference scores: a reference policy's metrics on the same test data as the run, e.g. driving's expert.

A task whose labels come from a teacher records, next to a side's own metrics, the
teacher's score on the same test split under the same name with the prefix
``expert_`` (``expert_reward``, ``expert_laps``; the driving task's privileged
pure-pursuit expert, :mod:`benchmarks.experts`). So does a task with a system that
learns nothing to compare against (translation: Apertium, ``expert_bleu``), naming it
in ``task_info.reference``. The expert is neither side of the
pair, so the report shows it apart: as a reference column of the accuracy table, a
reference row of the other-metrics table and a dashed line on the learning curve,
never as a metric of the side whose record carried it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.analyse import METRIC_PREFIX
from reports.errors import ReportWarning

REFERENCE_PREFIX = "expert_"
#: what a reference is called when its runs do not name it (``task_info.reference``)
DEFAULT_NAME = "expert"
#: the record column that names the reference (translation: Apertium, rule-based)
NAME_COLUMN = "task_info.reference"
#: Relative spread across runs above which the runs cannot have scored the reference on the same data.
SPREAD_TOLERANCE = 1e-6


def is_reference_metric(name: str) -> bool:
    """Whether the metric ``name`` (without ``metrics.``) is a reference score (``expert_reward``)."""
    return name.startswith(REFERENCE_PREFIX)


@dataclass(frozen=True)
class Reference:
    """The reference's scores in one panel.

    Attributes:
        scores: metric (without the prefix, e.g. ``reward``) -> mean over the runs that recorded it.
        primary_by_size: the primary metric's reference score per ``train_size`` (mean over that
            size's runs; a NaN size is the pool), empty when the reference lacks the primary metric.
        n_runs: runs that recorded a reference score.
        name: what the runs call the reference (``task_info.reference``), else ``expert``.
    """

    scores: dict[str, float]
    primary_by_size: pd.Series
    n_runs: int
    name: str = DEFAULT_NAME

    @property
    def label(self) -> str:
        """The reference's label in tables and legends: ``expert (reference)``, ``Apertium (rule-based, reference)``."""
        if self.name.endswith(")") and "(" in self.name:
            return f"{self.name[:-1]}, reference)"
        return f"{self.name} (reference)"

    @property
    def primary(self) -> float:
        """The primary metric's reference score over all runs (NaN when not recorded)."""
        return float(self.primary_by_size.mean()) if len(self.primary_by_size) else math.nan


def panel_reference(rows: pd.DataFrame, panel: pd.Series) -> Reference | None:
    """The reference scores recorded by a panel's ok runs, or ``None`` when no run records any.

    Every run scores the reference on the panel's test data, so the scores should agree;
    a spread beyond ``SPREAD_TOLERANCE`` (runs on different test data, or a
    non-deterministic reference) is warned about with a :class:`ReportWarning` and the
    mean is shown. Non-finite scores (inf) are dropped with a warning; non-numbers are ignored.

    Args:
        rows: the panel's ok runs, with ``metrics.*`` columns.
        panel: the panel's row of :func:`reports.analyse.panels` (``label``, ``primary_metric``).
    """
    primary_metric = panel["primary_metric"]
    # A side's own primary metric is never the reference, whatever its name.
    columns = {c[len(METRIC_PREFIX) + len(REFERENCE_PREFIX):]: c for c in rows.columns
               if c.startswith(METRIC_PREFIX) and is_reference_metric(c[len(METRIC_PREFIX):])
               and c[len(METRIC_PREFIX):] != primary_metric}
    values = {}
    for name, column in columns.items():
        value = pd.to_numeric(rows[column], errors="coerce").astype(float)
        infinite = ~np.isfinite(value) & value.notna()
        if infinite.any():
            warnings.warn(f"{panel['label']}: dropped {int(infinite.sum())} non-finite {column} value(s) of "
                          f"the reference", ReportWarning, stacklevel=2)
            value = value.where(~infinite)
        if value.notna().any():
            values[name] = value
    if not values:
        return None
    for name, v in values.items():
        low, high = v.min(), v.max()
        if high - low > SPREAD_TOLERANCE * max(abs(low), abs(high), 1.0):
            warnings.warn(f"{panel['label']}: the reference's {name} differs across runs ({low:g} to {high:g}): "
                          "the runs did not score it on the same test data; the report shows the mean",
                          ReportWarning, stacklevel=2)
    primary = values.get(primary_metric)
    by_size = (pd.DataFrame({"train_size": rows["train_size"], "value": primary}).dropna(subset=["value"])
               .groupby("train_size", dropna=False)["value"].mean()) if primary is not None else pd.Series()
    recorded = pd.concat(list(values.values()), axis=1).notna().any(axis=1)
    names = rows[NAME_COLUMN].dropna().unique() if NAME_COLUMN in rows else []
    return Reference({name: float(v.mean()) for name, v in values.items()}, by_size, int(recorded.sum()),
                     str(names[0]) if len(names) else DEFAULT_NAME)
