"""Breakdown metrics: a metric measured on a slice of the test set, named ``<metric>@<factor>=<level>[,...]``.

Tasks record them in ``metrics`` next to the primary metric, e.g. ``wer@snr=10``,
``wer@snr=clean,voices=heldout`` or ``word_acc@set=asterisk``. The report reads them with
no per-task code: :func:`breakdown_long` parses every such column of the run table,
:func:`breakdown_summary` averages them over seeds per size and side, and
:func:`at_largest_shared_size` keeps the largest size both sides have. A factor whose levels are mostly numbers (``snr``) becomes the x axis of a
figure (:func:`reports.plots.breakdown_figure`); its other levels (``clean``) go to the right.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd

from reports.analyse import METRIC_PREFIX, summarise
from reports.errors import ReportWarning
from reports.reference import is_reference_metric

SEPARATOR = "@"
#: Level of a factor a breakdown does not name (``wer@snr=10`` has no ``voices``).
UNSET = "all"


def parse_breakdown(name: str) -> tuple[str, dict[str, str]] | None:
    """``"wer@snr=10,voices=heldout"`` -> ``("wer", {"snr": "10", "voices": "heldout"})``; ``None`` if
    ``name`` is not a breakdown (no ``@``, or a part that is not ``factor=level``)."""
    base, sep, spec = name.partition(SEPARATOR)
    if not sep or not base or not spec:
        return None
    factors = {}
    for part in spec.split(","):
        factor, eq, level = part.partition("=")
        if not eq or not factor.strip() or not level.strip():
            return None
        factors[factor.strip()] = level.strip()
    return base, factors


def numeric_level(level: str) -> float | None:
    """The level as a number, or ``None`` (``"clean"``)."""
    try:
        value = float(level)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def breakdown_long(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, breakdown metric) with a value.

    Args:
        rows: ok runs (with ``approach``, ``method``, ``train_size``, ``seed`` and ``metrics.*``).

    Returns:
        Columns ``approach``, ``method``, ``train_size``, ``seed``, ``metric`` (the base
        name), ``breakdown`` (the part after ``@``), ``factors`` (dict) and ``value``.
    """
    parts = []
    for column in rows.columns:
        if not column.startswith(METRIC_PREFIX):
            continue
        parsed = parse_breakdown(column[len(METRIC_PREFIX):])
        # The reference's breakdowns (expert_reward@track=3) are not a side's.
        if parsed is None or is_reference_metric(parsed[0]):
            continue
        values = pd.to_numeric(rows[column], errors="coerce")
        present = rows[values.notna()]
        if present.empty:
            continue
        part = present[["approach", "method", "train_size", "seed"]].copy()
        part["metric"], part["breakdown"] = parsed[0], column[len(METRIC_PREFIX):].partition(SEPARATOR)[2]
        part["factors"] = [parsed[1]] * len(part)
        part["value"] = values[values.notna()]
        parts.append(part)
    columns = ["approach", "method", "train_size", "seed", "metric", "breakdown", "factors", "value"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def breakdown_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean and CI over seeds of every breakdown metric, per training-set size and side.

    Returns:
        Columns ``approach``, ``method``, ``train_size``, ``metric``, ``breakdown``,
        ``factors`` (dict) and the :func:`reports.analyse.summarise` columns; empty when
        no run records a breakdown.
    """
    long = breakdown_long(rows)
    if long.empty:
        return long
    factors = long.drop_duplicates("breakdown").set_index("breakdown")["factors"]
    summary = summarise(long, {"value": "value"}, by=["approach", "method", "train_size", "metric", "breakdown"])
    summary["factors"] = summary["breakdown"].map(factors)
    return summary.drop(columns="quantity")


def at_largest_shared_size(summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`breakdown_summary` at the largest size at which every side has
    breakdowns, so that the sides are compared on the same amount of data; the largest
    size of any side, with a :class:`ReportWarning`, when they share none."""
    if summary.empty:
        return summary
    sides = summary.dropna(subset=["train_size"]).groupby(["approach", "method"], dropna=False)["train_size"]
    shared = set.intersection(*sides.agg(set)) if len(sides) else set()
    if not shared and sides.ngroups > 1:
        warnings.warn("the sides' breakdowns share no training-set size; the breakdown table and figure show "
                      "the largest size of any side", ReportWarning, stacklevel=2)
    size = max(shared) if shared else summary["train_size"].max()
    return summary[summary["train_size"].isna()] if pd.isna(size) else summary[summary["train_size"].eq(size)
                                                                                .fillna(False)]


def single_factor_levels(summary: pd.DataFrame, metric: str) -> dict[str, list[str]]:
    """Factor -> its levels, for the breakdowns of ``metric`` that name one factor only
    (``wer@snr=10``, not ``wer@snr=10,voices=seen``), where the factor has two levels or more.

    Levels are ordered named ones first (``clean``), then numbers from high to low (20 dB
    to 0 dB: from easy to hard).
    """
    levels: dict[str, set[str]] = {}
    for factors in summary.loc[summary["metric"] == metric, "factors"]:
        if len(factors) == 1:
            (factor, level), = factors.items()
            levels.setdefault(factor, set()).add(level)
    return {f: sorted(ls, key=lambda v: (numeric_level(v) is not None, -(numeric_level(v) or 0.0), v))
            for f, ls in sorted(levels.items()) if len(ls) >= 2}


def axis_factors(summary: pd.DataFrame, metric: str) -> list[str]:
    """Factors of ``metric`` with at least two numeric levels: each gets a figure with it on the x axis."""
    levels: dict[str, set[str]] = {}
    for factors in summary.loc[summary["metric"] == metric, "factors"]:
        for factor, level in factors.items():
            levels.setdefault(factor, set()).add(level)
    return sorted(f for f, ls in levels.items() if sum(numeric_level(level) is not None for level in ls) >= 2)


def other_factors(factors: dict[str, str], axis: str, names: list[str]) -> tuple[str, ...]:
    """The levels of every factor but ``axis``, in ``names`` order (``UNSET`` where not named)."""
    return tuple(factors.get(name, UNSET) for name in names if name != axis)
