"""Summaries over seeds: the main metric and the cost of each approach, per training-set size.

Everything is derived from the records alone, so a new task needs no code here. A
*panel* is one (task, dataset, primary metric, setting): the unit that gets its own
tables and figures. Averaging across datasets or metrics would be meaningless, and so
would averaging runs made with different settings (tuning budget, epochs, validation
size...; see :mod:`reports.settings`), so they are all kept apart.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from reports.errors import ReportWarning
from reports.formatting import file_stem, method_label
from reports.settings import COLUMN_PREFIX, KEY_SETTINGS, SIDE_KEYS, top_key
from reports.stats import mean_ci

#: What one comparison is about; runs that differ here never share a table.
BASE_PANEL_KEYS = ["task", "dataset", "primary_metric"]
#: ``setting`` numbers the distinct shared settings of one base panel: 1, 2, ...
PANEL_KEYS = BASE_PANEL_KEYS + ["setting"]
#: Prefix of the test-metric columns of the flat run table (``metrics.accuracy``).
METRIC_PREFIX = "metrics."
GROUP_KEYS = PANEL_KEYS + ["approach", "method", "train_size"]

#: Cost quantity -> label with units, in table order.
COST_QUANTITIES = {
    "fit_time_s": "fit time incl. tuning (s)",
    "feature_time_s": "feature time (s)",
    "latency_ms_per_sample": "latency (ms/sample)",
    "train_flops": "train FLOPs",
    "train_examples_per_s": "train throughput (examples/s)",
    "n_params": "params",
    "peak_rss_mb": "peak RSS (MB)",
    "baseline_rss_mb": "baseline RSS (MB)",
}
#: Quantities whose e2e/pipeline ratio is reported.
RATIO_QUANTITIES = ("fit_time_s", "latency_ms_per_sample")
#: Pipeline first: the classical baseline reads left of (or above) the e2e model.
APPROACH_ORDER = ("pipeline", "e2e")
#: At most this many differing keys go into a panel's label (all of them go into report.md).
LABEL_KEYS = 3
LABEL_VALUE_CHARS = 24

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
    """The ``ok`` runs, with a ``score`` column holding each run's primary test metric,
    and their settings numbered by :func:`assign_settings`.

    Warns when an ``ok`` run lacks its primary metric (it then has a NaN score).
    """
    ok = runs[runs["status"] == "ok"].copy()
    ok["score"] = np.nan
    for metric in ok["primary_metric"].dropna().unique():
        column = f"{METRIC_PREFIX}{metric}"
        rows = ok["primary_metric"] == metric
        if column in ok:
            ok.loc[rows, "score"] = pd.to_numeric(ok.loc[rows, column], errors="coerce")
    lacking = ok[ok["score"].isna()]
    missing = lacking["path"].astype(str).tolist() if "path" in lacking else ["?"] * len(lacking)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        warnings.warn(f"{len(missing)} ok run(s) lack their primary metric and are left out of the summaries: "
                      f"{shown}", ReportWarning, stacklevel=2)
    return assign_settings(ok)


def _setting_columns(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Split the ``setting.*`` columns recorded in ``rows`` into (shared, side-specific).

    Shared: under a top-level key that every approach in ``rows`` records and that is
    not in ``SIDE_KEYS``. Side-specific: the rest (the ``method`` subtree, and keys
    only one side records), compared only among runs of one approach and method.
    """
    columns = [c for c in rows.columns if c.startswith(COLUMN_PREFIX) and rows[c].notna().any()]
    approaches = rows.groupby("approach", dropna=False)
    shared, side = [], []
    for column in columns:
        top = top_key(column)
        under = [c for c in columns if top_key(c) == top]
        everywhere = all(group[under].notna().any(axis=None) for _, group in approaches)
        (shared if everywhere and top not in SIDE_KEYS else side).append(column)
    return shared, side


def _sort_key(value: object) -> tuple:
    if value is None:
        return (0, 0.0, "")
    try:
        return (1, float(value), "")
    except (TypeError, ValueError):
        return (2, 0.0, str(value))


def _number_settings(frame: pd.DataFrame) -> tuple[pd.Series, list[tuple]]:
    """Number the distinct rows of ``frame`` 1, 2, ... (NaN = unset); also return the rows, in order."""
    signatures = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    distinct = sorted(set(signatures), key=lambda sig: tuple(map(_sort_key, sig)))
    number = {sig: i for i, sig in enumerate(distinct, start=1)}
    return pd.Series([number[sig] for sig in signatures], index=frame.index, dtype=int), distinct


def _differences(columns: Sequence[str], distinct: list[tuple]) -> list[dict[str, str]]:
    """Per distinct setting, ``key=value`` of the columns where the settings differ."""
    varying = [i for i in range(len(columns)) if len({sig[i] for sig in distinct}) > 1]
    return [{columns[i][len(COLUMN_PREFIX):]: "unset" if sig[i] is None else str(sig[i]) for i in varying}
            for sig in distinct]


def join_settings(settings: Mapping[str, str], limit: int | None = None, value_chars: int | None = None) -> str:
    """``{"tuning.budget": "2"}`` -> ``tuning.budget=2``, optionally shortened for a label."""
    def shorten(value: str) -> str:
        return value if value_chars is None or len(value) <= value_chars else value[:value_chars - 1] + "…"

    items = list(settings.items())
    shown = items if limit is None else items[:limit]
    text = ", ".join(f"{key}={shorten(value)}" for key, value in shown)
    return text + (f" and {len(items) - len(shown)} more" if len(shown) < len(items) else "")


def assign_settings(ok: pd.DataFrame) -> pd.DataFrame:
    """Number the settings of each task/dataset/metric and tell method variants apart.

    Adds to a copy of ``ok`` (output of :func:`ok_runs`):

    - ``setting``: 1, 2, ... per distinct *shared* setting (see :func:`_setting_columns`)
      within the run's task/dataset/metric, ordered by the setting values;
    - ``setting_diff``: ``key=value`` of the shared keys in which this run's setting
      differs from the others of its task/dataset/metric ("" when there is one), and
      ``setting_short``, the same shortened for a label;
    - ``variant_diff``: the same for the side-specific keys (a method's grid) among
      runs of one setting, approach and method; such runs are not averaged together:
      their ``method`` becomes ``<method> [v1]``, ``<method> [v2]``...

    A :class:`ReportWarning` names each task/dataset/metric with several settings and
    each method with several variants.
    """
    ok = ok.copy()
    ok["setting"], ok["setting_diff"], ok["setting_short"], ok["variant_diff"] = 1, "", "", ""
    for base, rows in ok.groupby(BASE_PANEL_KEYS, dropna=False, sort=True):
        where = ", ".join(str(v) for v in base if pd.notna(v))
        shared, side = _setting_columns(rows)
        numbers, distinct = _number_settings(rows[shared])
        ok.loc[rows.index, "setting"] = numbers
        if len(distinct) > 1:
            differences = _differences(shared, distinct)
            diffs = [join_settings(d) for d in differences]
            shorts = [join_settings(d, LABEL_KEYS, LABEL_VALUE_CHARS) for d in differences]
            ok.loc[rows.index, "setting_diff"] = [diffs[n - 1] for n in numbers]
            ok.loc[rows.index, "setting_short"] = [shorts[n - 1] for n in numbers]
            warnings.warn(f"{where}: the runs were made with {len(distinct)} different settings "
                          f"({'; '.join(diffs)}); each is reported as its own panel, not averaged",
                          ReportWarning, stacklevel=2)
        for (_, approach, method), group in ok.loc[rows.index].groupby(
                ["setting", "approach", "method"], dropna=False, sort=True):
            variants, distinct = _number_settings(group[side])
            if len(distinct) < 2:
                continue
            diffs = [join_settings(d) for d in _differences(side, distinct)]
            base_name = "" if pd.isna(method) else f"{method} "
            ok.loc[group.index, "method"] = [f"{base_name}[v{v}]" for v in variants]
            ok.loc[group.index, "variant_diff"] = [diffs[v - 1] for v in variants]
            warnings.warn(f"{where}: {method_label(approach, method)} was run with {len(distinct)} different "
                          f"configurations ({'; '.join(diffs)}); reported apart as [v1]...[v{len(distinct)}]",
                          ReportWarning, stacklevel=2)
    return ok


def summarise(frame: pd.DataFrame, value_columns: Mapping[str, str], by: Sequence[str] = GROUP_KEYS) -> pd.DataFrame:
    """Mean and 95% Student-t CI (:func:`reports.stats.mean_ci`) over seeds of each value column, per group.

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
            low, high = mean_ci(values.to_numpy())
            rows.append({
                **dict(zip(by, key, strict=True)), "quantity": quantity,
                "mean": values.mean() if len(values) else np.nan, "ci_low": low, "ci_high": high,
                "half_width": (high - low) / 2, "n_seeds": group.loc[values.index, "seed"].nunique(),
                "n_runs": len(values),
            })
    summary = pd.DataFrame(rows, columns=[*by, "quantity", *SUMMARY_COLUMNS])
    # One warning per group, however many quantities show it.
    crowded = summary.loc[summary["n_runs"] > summary["n_seeds"], list(by)].drop_duplicates()
    if not crowded.empty:
        warnings.warn(
            f"{len(crowded)} group(s) have several runs for one seed (configs that differ only in keys the "
            "report does not compare, e.g. learning_curve_sizes?); they are averaged together",
            ReportWarning, stacklevel=2)
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
    """One row per panel, with a file-name-safe ``name``, a human ``label`` and its settings.

    The name is the task alone unless the task has several datasets (then
    ``<task>_<dataset>``) or one dataset has several primary metrics (then ``_<metric>``
    is added too), so the usual case reads ``accuracy_image``. When one of these was run
    with several settings, each setting is its own panel, named with ``_s1``, ``_s2``...
    and labelled with the keys in which it differs.

    Args:
        ok: output of :func:`ok_runs`.

    Returns:
        Columns ``PANEL_KEYS``, ``name``, ``label``, ``higher_is_better``, ``seeds``
        (sorted list of ok seeds), ``n_settings`` (settings of the task/dataset/metric),
        ``settings`` (``KEY_SETTINGS`` as recorded, e.g. ``tuning.budget=2``; "" when
        none is), ``setting_diff`` (how this setting differs from the others; "") and
        ``variants`` (list of ``"<side>: <key=value...>"`` for methods run with several
        configurations).
    """
    table = (
        ok.groupby(PANEL_KEYS, dropna=False, sort=True)
        .agg(higher_is_better=("higher_is_better", "first"),
             seeds=("seed", lambda s: sorted(int(v) for v in s.dropna().unique())),
             setting_diff=("setting_diff", "first"), setting_short=("setting_short", "first"))
        .reset_index()
    )
    datasets = table.groupby("task")["dataset"].transform("nunique")
    metrics = table.groupby(["task", "dataset"], dropna=False)["primary_metric"].transform("nunique")
    table["n_settings"] = table.groupby(BASE_PANEL_KEYS, dropna=False)["setting"].transform("nunique")
    names, labels, settings, variants = [], [], [], []
    for row, n_datasets, n_metrics in zip(table.itertuples(), datasets, metrics, strict=True):
        parts = [row.task]
        label = str(row.task) + (f" ({row.dataset})" if pd.notna(row.dataset) else "")
        if n_datasets > 1:
            parts.append(row.dataset)
        if n_metrics > 1:
            parts.append(row.primary_metric)
            label += f", {row.primary_metric}"
        if row.n_settings > 1:
            parts[-1] = f"{parts[-1]}_s{row.setting}"
            label += f", setting {row.setting}/{row.n_settings}: {row.setting_short}"
        names.append(file_stem("_".join(str(p) for p in parts)))
        labels.append(label)
        rows = select_panel(ok, pd.Series(row._asdict()))
        settings.append(key_settings(rows))
        sides = sort_rows(rows[rows["variant_diff"] != ""].drop_duplicates(["approach", "method"]), first=())
        variants.append([f"{method_label(a, m)}: {d}"
                         for a, m, d in zip(sides["approach"], sides["method"], sides["variant_diff"], strict=True)])
    table["name"], table["label"], table["settings"], table["variants"] = names, labels, settings, variants
    return table


def key_settings(rows: pd.DataFrame) -> str:
    """``KEY_SETTINGS`` as recorded in ``rows``: ``tuning.budget=2, trainer.max_epochs=6``.

    A key that takes several values (possible only for a key one side lacks) lists them
    with ``/``; a key no run records is left out, and "" is returned when none is.
    """
    items = []
    for key in KEY_SETTINGS:
        column = COLUMN_PREFIX + key
        if column not in rows:
            continue
        values = sorted(rows[column].dropna().astype(str).unique(), key=_sort_key)
        if values:
            items.append(f"{key}={'/'.join(values)}" + (" (varies by run)" if len(values) > 1 else ""))
    return ", ".join(items)


def select_panel(frame: pd.DataFrame, panel: pd.Series) -> pd.DataFrame:
    """Rows of ``frame`` that belong to ``panel`` (a row of :func:`panels`); NaN keys match NaN."""
    mask = pd.Series(True, index=frame.index)
    for key in PANEL_KEYS:
        value = panel[key]
        mask &= frame[key].isna() if pd.isna(value) else frame[key].eq(value).fillna(False).astype(bool)
    return frame[mask]
