"""The report's tables, and writing each as Markdown, LaTeX (booktabs) and CSV.

A :class:`Table` keeps two faces: ``display`` (strings, "mean ± half-width", what a
reader sees in ``.md`` and ``.tex``) and ``data`` (tidy numbers, what ``.csv`` holds
so the values can be re-plotted or re-tested without parsing strings).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reports.analyse import COST_QUANTITIES, METRIC_PREFIX, PANEL_KEYS, RATIO_QUANTITIES, sort_rows, summarise
from reports.breakdowns import parse_breakdown
from reports.formatting import (
    MISSING, format_estimate, format_ratio, latex_escape, latex_symbols, markdown_cell, method_label, size_label,
)
from reports.fits import FAMILIES
from reports.panel_analysis import PanelAnalysis
from reports.reference import Reference, is_reference_metric
from reports.stats import CI_METHOD, CONFIDENCE_LEVEL, t_multiplier
from reports.targets import FRACTIONS

#: Cost quantities that are counts, shown with an SI prefix (1.2 M) rather than digits.
COUNT_QUANTITIES = ("train_flops", "n_params")
SIZE_HEADER = "train size"
SIDE_HEADER = "approach (method)"
RATIO_LABEL = "e2e/pipeline"
#: From this many columns on, a LaTeX table no longer fits one column of an article.
WIDE_TABLE_COLUMNS = 6
#: Shown only where some run has them: the runner adds baseline RSS next to peak RSS;
#: throughput exists only for models trained in epochs.
OPTIONAL_QUANTITIES = ("baseline_rss_mb", "train_examples_per_s")
THROUGHPUT_NOTE = ("train throughput is training examples processed per second of fit time: epochs × train "
                   "size, summed over the tuned configurations, divided by the fit time (validation passes "
                   "included)")
FIT_TIME_NOTE = ("fit time is the wall time of the whole fit: the hyperparameter search (every configuration "
                 "of the tuning budget trained and scored on the validation split) and, for e2e models, "
                 "the per-epoch validation passes")
FEATURE_TIME_NOTE = f"a feature time of {MISSING} means the method has no separate feature stage"
RSS_NOTE = ("peak RSS is the process's peak resident memory during the job; with the basic launcher jobs share "
            "one process, so it includes memory kept from earlier jobs")
BASELINE_NOTE = "baseline RSS, the process's resident memory when the job started, is shown where recorded"


def ci_note(n_seeds: pd.Series) -> str:
    """What "mean ± x" means, for a table whose cells have ``n_seeds`` seeds each."""
    note = (f"mean ± half-width of the {CONFIDENCE_LEVEL:.0%} {CI_METHOD} CI of the mean over seeds "
            "(the mean alone where there is one seed or the seeds agree to the digits shown)")
    if (pd.to_numeric(n_seeds, errors="coerce") == 2).any():
        note += (f"; with 2 seeds the CI is wide (t = {t_multiplier(2):.1f}): its half-width is "
                 f"{t_multiplier(2) / 2:.1f} times the difference of the two values")
    return note


@dataclass(frozen=True)
class Table:
    """One table of the report.

    Attributes:
        name: file stem, e.g. ``accuracy_image``.
        caption: one sentence for a reader who sees the table alone; plain text.
        display: all-string cells; the first ``label_columns`` columns label the rows.
        data: tidy numeric values behind ``display``, written to CSV.
        label_columns: leading columns that are labels (left-aligned), not values.
        wrap: column name -> width as a fraction of the line, for LaTeX columns of prose
            (set as ``p{...}`` paragraphs so that they wrap).
    """

    name: str
    caption: str
    display: pd.DataFrame
    data: pd.DataFrame
    label_columns: int = 1
    wrap: dict[str, float] = field(default_factory=dict)

    def _alignment(self) -> list[str]:
        return ["l" if i < self.label_columns or c in self.wrap else "r" for i, c in enumerate(self.display.columns)]

    def _latex_columns(self) -> str:
        return "".join(f"p{{{self.wrap[c]}\\linewidth}}" if c in self.wrap else a
                       for c, a in zip(self.display.columns, self._alignment(), strict=True))

    def to_markdown(self) -> str:
        """GitHub/pandoc Markdown table followed by a pandoc ``Table:`` caption line."""
        cells = self.display.map(markdown_cell)
        cells.columns = [markdown_cell(c) for c in cells.columns]
        align = ["left" if a == "l" else "right" for a in self._alignment()]
        table = cells.to_markdown(index=False, disable_numparse=True, colalign=align)
        return f"{table}\n\nTable: {markdown_cell(self.caption)}\n"

    def to_latex(self) -> str:
        """A ``table`` float with a booktabs ``tabular``; needs only ``\\usepackage{booktabs}``.

        Headers with a parenthesised part (a unit or a method) break into two header
        rows, and the float is set ``\\small`` with tighter column padding, so that the
        cost table fits the text width of a one-column article.
        """
        display = self.display.copy()
        display.columns = _two_line_headers(display.columns)
        # latex_escape rather than the Styler's own "latex" escaping, which leaves < > | to
        # print as other glyphs in the default font encoding.
        styler = (display.style.hide(axis="index").format(latex_escape)
                  .format_index(latex_escape, axis=1)
                  .set_table_styles([{"selector": "small", "props": ":;"},
                                     {"selector": "setlength", "props": ":{\\tabcolsep}{4pt};"}]))
        latex = styler.to_latex(
            column_format=self._latex_columns(), hrules=True, position_float="centering",
            caption=latex_escape(self.caption), label=f"tab:{self.name}", multicol_align="c",
        )
        header = "% Generated by e2ebench-report. Needs \\usepackage{booktabs}.\n"
        if display.shape[1] > WIDE_TABLE_COLUMNS:
            header += ("% Wider than one text column: wrap the tabular in \\resizebox{\\linewidth}{!}{...}"
                       " (graphicx) or use table* in a two-column layout.\n")
        return header + latex_symbols(latex)

    def write(self, directory: Path, formats: Sequence[str] = ("md", "tex")) -> dict[str, Path]:
        """Write ``<name>.csv`` and, for each of ``formats`` (``md``, ``tex``), ``<name>.<format>``
        into ``directory`` (created).

        Returns:
            Suffix (``"md"``, ``"tex"``, ``"csv"``) -> written path.
        """
        directory.mkdir(parents=True, exist_ok=True)
        paths = {suffix: directory / f"{self.name}.{suffix}" for suffix in ("md", "tex", "csv")
                 if suffix == "csv" or suffix in formats}
        if "md" in paths:
            paths["md"].write_text(self.to_markdown(), encoding="utf-8")
        if "tex" in paths:
            paths["tex"].write_text(self.to_latex(), encoding="utf-8")
        self.data.to_csv(paths["csv"], index=False)
        return paths


def _two_line_headers(columns: pd.Index) -> pd.Index:
    """``fit time (s)`` -> (``fit time``, ``(s)``); unchanged when no header has a ``(``."""
    pairs = [tuple(str(c).split(" (", 1)) for c in columns]
    if all(len(p) == 1 for p in pairs):
        return columns
    return pd.MultiIndex.from_tuples([(p[0], f"({p[1]}" if len(p) == 2 else "") for p in pairs])


def _size_order(frame: pd.DataFrame) -> list[str]:
    return [size_label(s) for s in sorted(frame["train_size"].dropna().unique())] + (
        ["all"] if frame["train_size"].isna().any() else [])


def accuracy_table(summary: pd.DataFrame, panel: pd.Series, reference: Reference | None = None) -> Table:
    """Main metric per training-set size, one column per approach/method, pipeline first.

    Args:
        summary: rows of :func:`reports.analyse.metric_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
        reference: the panel's reference scores (:func:`reports.reference.panel_reference`);
            when it has the primary metric, an ``expert (reference)`` column follows the sides.

    Returns:
        ``accuracy_<panel name>``; display columns ``train size``, one per
        approach/method, the reference's if any, and ``n seeds`` (one number, or one per
        column where they differ).
    """
    rows = sort_rows(summary)
    rows["column"] = [method_label(a, m) for a, m in zip(rows["approach"], rows["method"], strict=True)]
    rows["size"] = rows["train_size"].map(size_label)
    rows["cell"] = [format_estimate(m, h) for m, h in zip(rows["mean"], rows["half_width"], strict=True)]
    columns = list(dict.fromkeys(sort_rows(rows, first=())["column"]))
    sizes = _size_order(rows)
    wide = rows.pivot(index="size", columns="column", values="cell").reindex(index=sizes, columns=columns)
    seeds = rows.pivot(index="size", columns="column", values="n_seeds").reindex(index=sizes, columns=columns)
    display = wide.fillna(MISSING).reset_index(names=SIZE_HEADER)
    display.columns.name = None
    display["n seeds"] = [_seed_counts(row) for row in seeds.itertuples(index=False)]
    metric = panel["primary_metric"]
    direction = "higher" if panel["higher_is_better"] else "lower"
    caption = (f"{panel['label']}: test {metric} ({direction} is better) by training-set size; "
               f"{ci_note(rows['n_seeds'])}.")
    data = rows.drop(columns=["column", "size", "cell"])
    if reference is not None and len(reference.primary_by_size):
        by_size = {size_label(s): v for s, v in reference.primary_by_size.items()}
        display.insert(len(display.columns) - 1, reference.label,
                       [format_estimate(by_size[s]) if s in by_size else MISSING for s in display[SIZE_HEADER]])
        caption += (f" {reference.label}: its {metric} on the same test data, recorded by the runs "
                    "of each size; not a side of the pair.")
        data = pd.concat([data, _reference_data(reference.primary_by_size, data)], ignore_index=True)
    return Table(f"accuracy_{panel['name']}", caption, display, data)


def _reference_data(values: pd.Series, like: pd.DataFrame, quantity: str | None = None) -> pd.DataFrame:
    """CSV rows of reference scores (``approach`` ``reference``, ``method`` ``expert``), carrying the
    panel's keys (task, dataset, ...) from ``like``, so that filtering the CSV by task keeps them."""
    data = pd.DataFrame({"approach": "reference", "method": "expert", "train_size": values.index,
                         "mean": values.to_numpy(dtype=float)})
    for key in PANEL_KEYS:
        if key in like and len(like):
            data[key] = like[key].iloc[0]
    return data if quantity is None else data.assign(quantity=quantity)


def other_metrics_table(rows: pd.DataFrame, panel: pd.Series, reference: Reference | None = None) -> Table | None:
    """Every other test metric the runs record (macro-F1, steering MAE, ...), per size and approach/method.

    Args:
        rows: the panel's ok runs (:func:`reports.analyse.ok_runs`), with ``metrics.*`` columns.
        panel: the panel's row of :func:`reports.analyse.panels`.
        reference: the panel's reference scores (:func:`reports.reference.panel_reference`); they
            get one ``expert (reference)`` row at the end instead of columns of their own.

    Returns:
        ``metrics_<panel name>``, one display row per size × approach/method and one
        column per metric ("mean ± half-width" over seeds), or ``None`` when the runs
        record no metric besides the primary one. Breakdowns (``wer@snr=10``) have
        their own table.
    """
    primary = f"{METRIC_PREFIX}{panel['primary_metric']}"
    names = [c[len(METRIC_PREFIX):] for c in rows.columns
             if c.startswith(METRIC_PREFIX) and c != primary and parse_breakdown(c[len(METRIC_PREFIX):]) is None
             and not is_reference_metric(c[len(METRIC_PREFIX):])
             and pd.to_numeric(rows[c], errors="coerce").notna().any()]
    if not names:
        return None
    summary = sort_rows(summarise(rows, {name: f"{METRIC_PREFIX}{name}" for name in names}))
    display = []
    for size in summary["train_size"].unique():
        for (approach, method), group in _at_size(summary, size).groupby(["approach", "method"], dropna=False,
                                                                          sort=False):
            by_metric = group.set_index("quantity")
            display.append({SIZE_HEADER: size_label(size), SIDE_HEADER: method_label(approach, method),
                            "n": str(int(by_metric["n_seeds"].max())),
                            **{name: format_estimate(by_metric.loc[name, "mean"], by_metric.loc[name, "half_width"])
                               for name in names}})
    caption = (f"{panel['label']}: the other test metrics by training-set size; "
               f"{ci_note(summary.groupby(['train_size', 'approach', 'method'], dropna=False)['n_seeds'].max())}.")
    data = summary
    shown = [name for name in names if reference is not None and name in reference.scores]
    if shown:
        display.append({SIZE_HEADER: "all", SIDE_HEADER: reference.label, "n": str(reference.n_runs),
                        **{name: format_estimate(reference.scores[name]) if name in shown else MISSING
                           for name in names}})
        caption += (f" {reference.label}: on the same test data, mean over the {reference.n_runs} "
                    "runs that recorded it; not a side of the pair.")
        data = pd.concat([summary, *(_reference_data(pd.Series([reference.scores[n]], index=[pd.NA]), summary, n)
                                     for n in shown)], ignore_index=True)
    return Table(f"metrics_{panel['name']}", caption, pd.DataFrame(display), data, label_columns=2)


def _seed_counts(counts: tuple) -> str:
    present = [int(c) for c in counts if pd.notna(c)]
    return str(present[0]) if len(set(present)) == 1 else " / ".join(
        "0" if pd.isna(c) else str(int(c)) for c in counts)


def cost_table(costs: pd.DataFrame, ratios: pd.DataFrame, panel: pd.Series) -> Table:
    """Cost per training-set size and approach/method, then the e2e/pipeline ratios.

    Args:
        costs: rows of :func:`reports.analyse.cost_summary` for one panel.
        ratios: rows of :func:`reports.analyse.cost_ratios` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.

    Returns:
        ``cost_<panel name>``; one display row per size × approach/method with the
        ``COST_QUANTITIES`` as "mean ± half-width" (``n`` is the seeds behind fit time),
        followed at each size by an ``e2e/pipeline`` row per pair of methods holding the
        ratios of mean fit time and latency (``12.3×``). ``OPTIONAL_QUANTITIES`` get a
        column only when some run records them. A side whose feature time is exactly 0
        in every run has no feature stage: its cells read ``—``, not ``0.00``.
    """
    rows = []
    costs = sort_rows(costs)
    quantities = {q: h for q, h in COST_QUANTITIES.items()
                  if q not in OPTIONAL_QUANTITIES or costs.loc[costs["quantity"] == q, "n_runs"].sum() > 0}
    no_features = _sides_without_feature_stage(costs)
    # Name the methods in a ratio row only when there is more than one pair to tell apart.
    name_pairs = len(ratios[["e2e_method", "pipeline_method"]].drop_duplicates()) > 1
    for size in costs["train_size"].unique():
        sides = _at_size(costs, size).groupby(["approach", "method"], dropna=False, sort=False)
        for (approach, method), group in sides:
            by_quantity = group.set_index("quantity")
            row = {SIZE_HEADER: size_label(size), SIDE_HEADER: method_label(approach, method),
                   "n": str(int(by_quantity.loc["fit_time_s", "n_seeds"]))}
            for quantity, header in quantities.items():
                row[header] = format_estimate(by_quantity.loc[quantity, "mean"],
                                              by_quantity.loc[quantity, "half_width"],
                                              count=quantity in COUNT_QUANTITIES)
            if (approach, method) in no_features:
                row[COST_QUANTITIES["feature_time_s"]] = MISSING
            rows.append(row)
        rows.extend(_ratio_rows(_at_size(ratios, size), size, name_pairs, quantities))
    display = pd.DataFrame(rows, columns=[SIZE_HEADER, SIDE_HEADER, "n", *quantities.values()])
    data = pd.concat([costs, _ratio_data(ratios)], ignore_index=True)
    notes = [ci_note(costs.loc[costs["quantity"] == "fit_time_s", "n_seeds"]), FIT_TIME_NOTE]
    if no_features:
        notes.append(FEATURE_TIME_NOTE)
    if "train_examples_per_s" in quantities:
        notes.append(THROUGHPUT_NOTE)
    notes.append(RSS_NOTE + (f" ({BASELINE_NOTE})" if "baseline_rss_mb" in quantities else ""))
    notes.append("e2e/pipeline rows give the ratio of mean fit time and of mean latency (above 1: e2e costs more)")
    caption = f"{panel['label']}: training and inference cost by training-set size; {'; '.join(notes)}."
    return Table(f"cost_{panel['name']}", caption, display, data, label_columns=2)


def _sides_without_feature_stage(costs: pd.DataFrame) -> set[tuple]:
    """(approach, method) whose recorded feature time is exactly 0.0 in every run.

    A mean of exactly 0 over non-negative times means every run recorded 0.
    """
    feature = costs[(costs["quantity"] == "feature_time_s") & (costs["n_runs"] > 0)]
    return {side for side, group in feature.groupby(["approach", "method"], dropna=False)
            if (group["mean"] == 0.0).all()}


def _at_size(frame: pd.DataFrame, size: object) -> pd.DataFrame:
    if pd.isna(size):
        return frame[frame["train_size"].isna()]
    return frame[frame["train_size"].eq(size).fillna(False).astype(bool)]


def _ratio_rows(ratios: pd.DataFrame, size: object, name_pairs: bool, quantities: dict[str, str]) -> list[dict]:
    rows = []
    for (e2e, pipeline), pair in ratios.groupby(["e2e_method", "pipeline_method"], dropna=False, sort=True):
        by_quantity = pair.set_index("quantity")["ratio"]
        label = f"{RATIO_LABEL} ({e2e}/{pipeline})" if name_pairs else RATIO_LABEL
        row = {SIZE_HEADER: size_label(size), SIDE_HEADER: label, "n": ""}
        for quantity, header in quantities.items():
            row[header] = format_ratio(by_quantity.get(quantity)) if quantity in RATIO_QUANTITIES else ""
        rows.append(row)
    return rows


def _ratio_data(ratios: pd.DataFrame) -> pd.DataFrame:
    data = ratios.rename(columns={"ratio": "mean"}).assign(
        approach=RATIO_LABEL,
        method=ratios["e2e_method"].astype(str) + "/" + ratios["pipeline_method"].astype(str),
        quantity=ratios["quantity"] + "_ratio",
    )
    return data.drop(columns=["e2e_method", "pipeline_method"])


def _param_cell(value: float, ci: tuple[float, float]) -> str:
    """``0.311 [0.298, 0.353]``; values within 1e-9 of 0 (a bound reached) read ``0``."""
    def number(v: float) -> str:
        return "0" if abs(v) < 1e-9 else f"{v:.3g}"

    if not math.isfinite(value):
        return MISSING
    return number(value) + (f" [{number(ci[0])}, {number(ci[1])}]" if math.isfinite(ci[0]) else "")


def fit_table(analysis: PanelAnalysis, panel: pd.Series) -> Table:
    """Fitted learning-curve families per side: parameters with bootstrap CIs, fit and held-out error.

    Returns:
        ``fits_<panel name>``: one row per side and family (``pow3``, ``exp3``,
        ``logpower3``), the chosen family marked; parameter CIs for the families that
        were bootstrapped (``pow3`` and the chosen one) when there are two seeds or more.
    """
    rows, data = [], []
    scale = analysis.curves.scale
    for side in analysis.curves.sides:
        if side.selection is None:
            rows.append({SIDE_HEADER: side.label, "family": MISSING, "ε(n)": "fewer than 3 sizes: no fit",
                         "a": "", "b": "", "c": "", "RMSE": "", "held-out error": "", "chosen": ""})
            continue
        for family, fit in side.selection.fits.items():
            bootstrapped = family in {"pow3", side.selection.chosen}
            cis = side.param_ci(family) if bootstrapped else {}
            params = dict(zip(FAMILIES[family].params, fit.params, strict=True))
            held = side.selection.holdout_error.get(family, math.nan)
            rows.append({SIDE_HEADER: side.label, "family": family, "ε(n)": FAMILIES[family].formula,
                         **{p: _param_cell(v, cis.get(p, (math.nan, math.nan))) for p, v in params.items()},
                         "RMSE": f"{fit.rmse:.3g}", "held-out error": f"{held:.3g}" if math.isfinite(held) else MISSING,
                         "chosen": "yes" if family == side.selection.chosen else ""})
            data.append({"approach": side.approach, "method": side.method, "family": family, **params,
                         **{f"{p}_ci_low": cis.get(p, (math.nan, math.nan))[0] for p in params},
                         **{f"{p}_ci_high": cis.get(p, (math.nan, math.nan))[1] for p in params},
                         "rmse": fit.rmse, "holdout_error": held, "chosen": family == side.selection.chosen,
                         "n_seeds": side.n_seeds, "error": scale.label})
    display = pd.DataFrame(rows)
    caption = (f"{panel['label']}: learning-curve fits of the error ε = {scale.label} against training-set size n "
               "(examples), on the per-size means over seeds, with bounded parameters; [low, high] is the "
               f"{CONFIDENCE_LEVEL:.0%} percentile bootstrap CI over seeds (pow3 and the chosen family only; none "
               "with one seed); held-out error is |predicted − measured| ε at the largest size when fitted to the "
               "smaller ones; the chosen family has the lowest held-out error and is used for the crossover and "
               "samples to target.")
    return Table(f"fits_{panel['name']}", caption, display, pd.DataFrame(data), label_columns=3)


def requirements_table(analysis: PanelAnalysis, panel: pd.Series) -> Table:
    """Data requirements: per pair the crossover and crossing probabilities, per side the samples to target.

    Returns:
        ``data_<panel name>``: one row per (pipeline, e2e) pair with the crossover, and one
        row per side with the interpolated samples to 90/95/99% of the best score.
    """
    metric = panel["primary_metric"]
    fractions = [f"{f:.0%} of best" for f in FRACTIONS]
    rows, data = [], []
    for pair in analysis.pairs:
        cross = pair.crossover
        rows.append({"what": f"crossover {pair.label}", "value": cross.describe(),
                     "P(e2e starts worse)": _probability(cross.p_starts_worse),
                     "P(starts worse, finishes better)": _probability(cross.p_starts_worse_finishes_better),
                     "seeds": str(cross.n_seeds)})
        data.append({"what": "crossover", "pair": pair.label, "kind": cross.kind, "size": cross.size,
                     "ci_low": cross.ci[0], "ci_high": cross.ci[1], "p_starts_worse": cross.p_starts_worse,
                     "p_starts_worse_finishes_better": cross.p_starts_worse_finishes_better,
                     "n_seeds": cross.n_seeds})
    for side in analysis.curves.sides:
        targets = analysis.targets[side.label]
        value = "; ".join(f"{name}: {t.describe()}" for name, t in zip(fractions, targets, strict=True))
        rows.append({"what": f"samples to target, {side.label}", "value": value, "P(e2e starts worse)": "",
                     "P(starts worse, finishes better)": "", "seeds": str(side.n_seeds)})
        data += [{"what": "samples_to_target", "pair": side.label, "kind": f"{t.fraction:.2f}", "size": t.size,
                  "target": t.target, "at_most": t.at_most, "n_seeds": side.n_seeds} for t in targets]
    targets = ", ".join(f"{name} = {format_estimate(t.target)}"
                        for name, t in zip(fractions, next(iter(analysis.targets.values()), []), strict=False))
    direction = "higher" if panel["higher_is_better"] else "lower"
    caption = (f"{panel['label']}: data requirements. The crossover is the training-set size (examples) where the "
               f"e2e fitted curve drops below the pipeline's, with its {CONFIDENCE_LEVEL:.0%} bootstrap CI over seeds; "
               "P(e2e starts worse) and P(starts worse, finishes better) are the fractions of bootstrap replicates in "
               "which e2e's mean is worse at the smallest shared size (and better at the largest). Samples to target: "
               f"the size at which a side's mean {metric} ({direction} is better) first comes within 10%, 5% and 1% of "
               f"the best mean seen on the task ({format_estimate(analysis.best)}; targets {targets}), interpolated on "
               "the chosen fit; 'not reached' when no measured size reaches it.")
    return Table(f"data_{panel['name']}", caption, pd.DataFrame(rows), pd.DataFrame(data), label_columns=1,
                 wrap={"what": 0.2, "value": 0.38})


def paired_table(analysis: PanelAnalysis, panel: pd.Series) -> Table | None:
    """The paired difference e2e − pipeline at every size, over seeds and test units.

    Returns:
        ``paired_<panel name>``: one row per pair and size with the mean difference (signed:
        positive means e2e is better), the 95% two-level bootstrap CI (seeds and test units
        resampled together, Bouthillier et al. 2021), the test sample's share of the
        variance, and the seeds and units paired; ``None`` when no run kept its units.
    """
    rows, data = [], []
    for pair in analysis.pairs:
        for size, both in sorted(pair.paired.items()):
            rows.append({"pair": pair.label, SIZE_HEADER: size_label(size), "e2e − pipeline": f"{both.mean:+.3g}",
                         "95% CI": f"[{both.ci[0]:+.3g}, {both.ci[1]:+.3g}]",
                         "test share": f"{both.test_share:.0%}" if math.isfinite(both.test_share) else MISSING,
                         "seeds": str(both.n_seeds), "units": f"{both.n_units:,}"})
            data.append({"pair": pair.label, "train_size": size, "mean": both.mean, "ci_low": both.ci[0],
                         "ci_high": both.ci[1], "test_share": both.test_share, "n_seeds": both.n_seeds,
                         "n_units": both.n_units})
    if not rows:
        return None
    direction = "higher" if panel["higher_is_better"] else "lower"
    caption = (f"{panel['label']}: the paired difference of test {panel['primary_metric']} ({direction} is better; "
               "signed so that a positive difference means e2e is better) at each training-set size. The CI is a "
               "paired two-level bootstrap: each replicate draws the seeds and one set of test units for both "
               "sides (Bouthillier et al. 2021); for a corpus metric such as BLEU it resamples sentences and "
               "recomputes the corpus score, as sacrebleu's paired bootstrap does. Test share: the part of the "
               "difference's variance that comes from the test sample.")
    return Table(f"paired_{panel['name']}", caption, pd.DataFrame(rows), pd.DataFrame(data), label_columns=2)


#: record columns that give a run's training-set size in other units (translation: words per language)
SIZE_UNIT_PREFIX = "task_info.train_"


def size_units_table(rows: pd.DataFrame, panel: pd.Series) -> Table | None:
    """The training-set sizes in the other units the runs record (``task_info.train_words_en``, ...).

    Returns:
        ``sizes_<panel name>``: one row per training-set size, one column per unit (the mean
        over the runs of that size: subsets are nested, so seeds differ a little), or ``None``
        when the runs record no such unit.
    """
    columns = [c for c in rows.columns if c.startswith(SIZE_UNIT_PREFIX)
               and pd.to_numeric(rows[c], errors="coerce").notna().any()]
    if not columns:
        return None
    means = rows.assign(**{c: pd.to_numeric(rows[c], errors="coerce") for c in columns}) \
        .groupby("train_size", dropna=False)[columns].mean().sort_index()
    names = {c: c[len(SIZE_UNIT_PREFIX):].replace("_", " ") for c in columns}
    display = pd.DataFrame({SIZE_HEADER: [size_label(s) for s in means.index],
                            **{names[c]: [f"{v:,.0f}" for v in means[c]] for c in columns}})
    caption = (f"{panel['label']}: the training-set sizes in other units, as the runs recorded them "
               "(task_info; mean over the runs of each size).")
    return Table(f"sizes_{panel['name']}", caption, display, means.reset_index(), label_columns=1)


def _probability(p: float) -> str:
    return f"{p:.2f}" if math.isfinite(p) else MISSING


def verdict_table(analysis: PanelAnalysis, panel: pd.Series) -> Table:
    """The claim verdicts of one panel: claim, verdict, paired seeds and the evidence.

    Returns:
        ``verdicts_<panel name>``: one row per claim (and per pair of methods, named
        when there are several); no rows when the panel has only one approach.
    """
    name_pairs = len(analysis.pairs) > 1
    rows, data = [], []
    for pair in analysis.pairs:
        for claim in pair.claims:
            rows.append({"claim": (f"{pair.label}: " if name_pairs else "") + claim.claim, "verdict": claim.verdict,
                         "seeds": str(claim.n_seeds), "evidence": claim.evidence})
            effect = claim.effect
            data.append({"pair": pair.label, "claim": claim.key, "verdict": claim.verdict, "n_seeds": claim.n_seeds,
                         "size": effect.size if effect else math.nan,
                         "effect": effect.mean if effect else math.nan,
                         "ci_low": effect.ci[0] if effect else math.nan,
                         "ci_high": effect.ci[1] if effect else math.nan,
                         "test": effect.test if effect else "", "p_value": effect.p_value if effect else math.nan})
    display = pd.DataFrame(rows, columns=["claim", "verdict", "seeds", "evidence"])
    caption = (f"{panel['label']}: verdicts on the claims. Each verdict reads the {CONFIDENCE_LEVEL:.0%} Student-t CI "
               "over paired seeds of the effect in the evidence (the difference e2e − pipeline of the test "
               f"{panel['primary_metric']}, signed so that > 0 means e2e is better, or the log of the cost ratio): "
               "supported when it excludes no difference in the claimed direction, contradicted when it excludes it "
               "in the other, inconclusive otherwise and always with fewer than 2 seeds; for performance, "
               "practically equivalent when it lies inside the task's ROPE. The paired test is shown only where "
               "the seeds let it reach p < 0.05. Simplicity is read off both methods' simplicity vectors: supported when e2e has "
               "fewer components, no more optimisation problems and needs no more trials to reach 95% of its best "
               "(Dodge et al. 2019), contradicted when it needs more trials or tunes more hyperparameters, "
               "inconclusive otherwise.")
    return Table(f"verdicts_{panel['name']}", caption, display, pd.DataFrame(data), label_columns=2,
                 wrap={"claim": 0.22, "evidence": 0.5})


def breakdown_table(summary: pd.DataFrame, panel: pd.Series) -> Table:
    """Breakdown metrics (``<metric>@<factor>=<level>``) at the largest size, one column per side.

    Args:
        summary: rows of :func:`reports.breakdowns.at_largest_shared_size` for one panel (not empty).
        panel: the panel's row of :func:`reports.analyse.panels`.

    Returns:
        ``breakdown_<panel name>``: one row per metric and breakdown, sorted by name.
    """
    rows = sort_rows(summary, first=())
    rows["column"] = [method_label(a, m) for a, m in zip(rows["approach"], rows["method"], strict=True)]
    rows["cell"] = [format_estimate(m, h) for m, h in zip(rows["mean"], rows["half_width"], strict=True)]
    columns = list(dict.fromkeys(rows["column"]))
    wide = rows.pivot_table(index=["metric", "breakdown"], columns="column", values="cell", aggfunc="first")
    wide = wide.reindex(columns=columns).fillna(MISSING).reset_index()
    wide.columns.name = None
    seeds = rows.groupby(["metric", "breakdown"])["n_seeds"].agg(lambda s: "/".join(sorted({str(int(v)) for v in s})))
    wide["n seeds"] = [seeds[(m, b)] for m, b in zip(wide["metric"], wide["breakdown"], strict=True)]
    size = summary["train_size"].max()
    caption = (f"{panel['label']}: test metrics on slices of the test set (metric@factor=level) at training-set size "
               f"{size_label(size)}; {ci_note(rows['n_seeds'])}.")
    return Table(f"breakdown_{panel['name']}", caption, wide, rows.drop(columns=["column", "cell", "factors"]),
                 label_columns=2)
