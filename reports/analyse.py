"""Summaries over seeds: the main metric and the cost of each approach, per training-set size.

Everything is derived from the records alone, so a new task needs no code here. A
*panel* is one (task, dataset, primary metric): the unit that gets its own tables and
figures. Averaging across datasets or metrics would be meaningless, so they are kept
apart even when a task has several.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from reports.stats import bootstrap_ci

PANEL_KEYS = ["task", "dataset", "primary_metric"]
GROUP_KEYS = PANEL_KEYS + ["approach", "method", "train_size"]

#: Cost quantity -> label with units, in table order.
COST_QUANTITIES = {
    "fit_time_s": "fit time (s)",
    "feature_time_s": "feature time (s)",
    "latency_ms_per_sample": "latency (ms/sample)",
    "train_flops": "train FLOPs",
    "n_params": "params",
    "peak_rss_mb": "peak RSS (MB)",
}
#: Quantities whose e2e/pipeline ratio is reported.
RATIO_QUANTITIES = ("fit_time_s", "latency_ms_per_sample")
#: Pipeline first: the classical baseline reads left of (or above) the e2e model.
APPROACH_ORDER = ("pipeline", "e2e")

SUMMARY_COLUMNS = ["mean", "ci_low", "ci_high", "half_width", "n_seeds", "n_runs"]


def approach_rank(approach: object) -> int:
    """Sort key: known approaches in ``APPROACH_ORDER``, unknown ones after them."""
    return APPROACH_ORDER.index(approach) if approach in APPROACH_ORDER else len(APPROACH_ORDER)


def sort_rows(frame: pd.DataFrame, first: Sequence[str] = ("train_size",)) -> pd.DataFrame:
    """Sort by ``first`` columns, then approach (pipeline before e2e), then method."""
    keys = [*first, "approach", "method"]
    return frame.sort_values(
        keys, key=lambda col: col.map(approach_rank) if col.name == "approach" else col,
        na_position="last", kind="stable",
    ).reset_index(drop=True)


def ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The ``ok`` runs, with a ``score`` column holding each run's primary test metric.

    Warns when an ``ok`` run lacks its primary metric (it then has a NaN score).
    """
    ok = runs[runs["status"] == "ok"].copy()
    ok["score"] = np.nan
    for metric in ok["primary_metric"].dropna().unique():
        column = f"metrics.{metric}"
        rows = ok["primary_metric"] == metric
        if column in ok:
            ok.loc[rows, "score"] = pd.to_numeric(ok.loc[rows, column], errors="coerce")
    missing = ok["score"].isna().sum()
    if missing:
        warnings.warn(f"{missing} ok run(s) lack their primary metric; they are left out of the summaries",
                      stacklevel=2)
    return ok


def summarise(frame: pd.DataFrame, value_columns: Mapping[str, str], by: Sequence[str] = GROUP_KEYS) -> pd.DataFrame:
    """Mean and 95% bootstrap CI over seeds of each value column, per group.

    Args:
        frame: one row per run, with the ``by`` columns and ``seed``.
        value_columns: quantity name -> column of ``frame``; a missing column counts as all-NaN.

    Returns:
        Long frame: the ``by`` columns, ``quantity``, ``mean``, ``ci_low``, ``ci_high``,
        ``half_width`` (half the CI width, same units as the value), ``n_seeds``
        (distinct seeds with a value) and ``n_runs``. NaN values are ignored; a group
        with no value has ``mean`` NaN and ``n_seeds`` 0.
    """
    rows = []
    for key, group in frame.groupby(list(by), dropna=False, sort=True):
        for quantity, column in value_columns.items():
            values = pd.to_numeric(group[column], errors="coerce").dropna() if column in group else pd.Series()
            low, high = bootstrap_ci(values.to_numpy())
            rows.append({
                **dict(zip(by, key, strict=True)), "quantity": quantity,
                "mean": values.mean() if len(values) else np.nan, "ci_low": low, "ci_high": high,
                "half_width": (high - low) / 2, "n_seeds": group.loc[values.index, "seed"].nunique(),
                "n_runs": len(values),
            })
    summary = pd.DataFrame(rows, columns=[*by, "quantity", *SUMMARY_COLUMNS])
    crowded = summary[summary["n_runs"] > summary["n_seeds"]]
    if not crowded.empty:
        warnings.warn(
            f"{len(crowded)} group(s) have several runs for one seed (different configs with the same "
            "task/approach/method/size?); they are averaged together", stacklevel=2)
    return summary


def metric_summary(ok: pd.DataFrame) -> pd.DataFrame:
    """Summary of the primary test metric (the ``score`` column of :func:`ok_runs`), per group."""
    return summarise(ok, {"score": "score"}).drop(columns="quantity")


def cost_summary(ok: pd.DataFrame) -> pd.DataFrame:
    """Summary of every quantity in ``COST_QUANTITIES`` (columns ``cost.<quantity>``), per group."""
    return summarise(ok, {q: f"cost.{q}" for q in COST_QUANTITIES})


def cost_ratios(costs: pd.DataFrame, quantities: Sequence[str] = RATIO_QUANTITIES) -> pd.DataFrame:
    """e2e/pipeline ratio of mean cost, per panel, training-set size and pair of methods.

    Args:
        costs: output of :func:`cost_summary`.

    Returns:
        Columns ``PANEL_KEYS``, ``train_size``, ``quantity``, ``e2e_method``,
        ``pipeline_method``, ``ratio`` (dimensionless; >1 means e2e costs more). Sizes
        where one side is missing give no row; a zero pipeline cost gives NaN.
    """
    keys = [*PANEL_KEYS, "train_size", "quantity"]
    costs = costs[costs["quantity"].isin(quantities)]
    sides = [costs[costs["approach"] == a][[*keys, "method", "mean"]] for a in ("e2e", "pipeline")]
    pairs = sides[0].merge(sides[1], on=keys, suffixes=("_e2e", "_pipeline"))
    pairs = pairs.rename(columns={"method_e2e": "e2e_method", "method_pipeline": "pipeline_method"})
    pairs["ratio"] = (pairs["mean_e2e"] / pairs["mean_pipeline"]).replace([np.inf, -np.inf], np.nan)
    return pairs[[*keys, "e2e_method", "pipeline_method", "ratio"]]


def panels(ok: pd.DataFrame) -> pd.DataFrame:
    """One row per panel, with a file-name-safe ``name`` and a human ``label``.

    The name is the task alone unless the task has several datasets (then
    ``<task>_<dataset>``) or one dataset has several primary metrics (then ``_<metric>``
    is added too), so the usual case reads ``accuracy_image``.

    Returns:
        Columns ``PANEL_KEYS``, ``name``, ``label``, ``higher_is_better``, ``seeds``
        (sorted list of ok seeds).
    """
    table = (
        ok.groupby(PANEL_KEYS, dropna=False, sort=True)
        .agg(higher_is_better=("higher_is_better", "first"),
             seeds=("seed", lambda s: sorted(int(v) for v in s.dropna().unique())))
        .reset_index()
    )
    datasets = table.groupby("task")["dataset"].transform("nunique")
    metrics = table.groupby(["task", "dataset"], dropna=False)["primary_metric"].transform("nunique")
    names, labels = [], []
    for row, n_datasets, n_metrics in zip(table.itertuples(), datasets, metrics, strict=True):
        parts = [row.task]
        label = str(row.task) + (f" ({row.dataset})" if pd.notna(row.dataset) else "")
        if n_datasets > 1:
            parts.append(row.dataset)
        if n_metrics > 1:
            parts.append(row.primary_metric)
            label += f", {row.primary_metric}"
        names.append(re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join(str(p) for p in parts)))
        labels.append(label)
    table["name"], table["label"] = names, labels
    return table


def select_panel(frame: pd.DataFrame, panel: pd.Series) -> pd.DataFrame:
    """Rows of ``frame`` that belong to ``panel`` (a row of :func:`panels`); NaN keys match NaN."""
    mask = pd.Series(True, index=frame.index)
    for key in PANEL_KEYS:
        value = panel[key]
        mask &= frame[key].isna() if pd.isna(value) else frame[key].eq(value).fillna(False).astype(bool)
    return frame[mask]
