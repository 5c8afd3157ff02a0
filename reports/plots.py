"""Figures: learning curves and cost curves against training-set size, as PNG and PDF.

Figures are built on :class:`matplotlib.figure.Figure` with an Agg canvas, never through
``pyplot``: no global backend switch, no GUI, and no figure registry to leak memory when
a report has many tasks.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

from reports.analyse import sort_rows
from reports.breakdowns import numeric_level, other_factors
from reports.crossover import MEASURED
from reports.panel_analysis import PanelAnalysis
from reports.formatting import compact_number, format_estimate, method_label
from reports.reference import Reference
from reports.robustness import linear_fit, shift_scores
from reports.stats import CI_METHOD, CONFIDENCE_LEVEL

#: One colour per approach, the same in every figure (Okabe–Ito, colour-blind safe).
APPROACH_COLOURS = {"pipeline": "#0072B2", "e2e": "#D55E00"}
OTHER_COLOUR = "#555555"
#: Methods within one approach share its colour and differ by marker and line style.
METHOD_MARKERS = ("o", "s", "^", "D", "v", "P")
METHOD_LINESTYLES = ("-", "--", "-.", ":")
#: Dash patterns of the crossover lines, one per (pipeline, e2e) pair of methods.
CROSSOVER_LINESTYLES = ("--", "-.", (0, (1, 1)))
FIGSIZE_IN = (6.4, 4.4)
PNG_DPI = 150
SIZE_AXIS_LABEL = "training-set size (examples, log scale)"
FIT_TIME_LABEL = "fit time incl. tuning (s), log scale"
#: Up to this many measured sizes get a tick each; beyond, an evenly spread subset of them.
MAX_SIZE_TICKS = 8
#: A CI band may reach at most this fraction of the means' spread beyond them (on a log
#: axis at most one decade); a band cut by the frame is wider than shown (the tables give
#: its numbers).
BAND_MARGIN = 0.5
TITLE_CHARS = 68


def _new_axes() -> tuple[Figure, Axes]:
    figure = Figure(figsize=FIGSIZE_IN, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _style_axes(axes)
    return figure, axes


def _style_axes(axes: Axes) -> None:
    axes.grid(True, which="major", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)


def _metric_axis_label(metric: str, panel: pd.Series) -> str:
    """``test wer``, with the direction when ``metric`` is the panel's primary one."""
    if metric != panel["primary_metric"]:
        return f"test {metric}"
    return f"test {metric} ({'higher' if panel['higher_is_better'] else 'lower'} is better)"


def _seeds_phrase(frame: pd.DataFrame) -> str:
    """Subtitle: what the line and band are, e.g. ``mean and 95% Student-t CI over 3 seeds``."""
    counts = frame.loc[frame["n_seeds"] > 0, "n_seeds"]
    if counts.empty:
        return "no seeds"
    low, high = int(counts.min()), int(counts.max())
    if high == 1:
        return "1 seed, no CI"
    seeds = f"{high} seeds" if low == high else f"{low}–{high} seeds"
    phrase = f"mean and {CONFIDENCE_LEVEL:.0%} {CI_METHOD} CI over {seeds}"
    return phrase + (" (no CI where 1 seed)" if low == 1 else "")


def _title(label: str, what: str, frame: pd.DataFrame, subtitle: str | None = None) -> str:
    """``<label>: <what>`` over the seeds phrase (or ``subtitle``); a long label gets its own line(s)."""
    first = f"{label}: {what}"
    lines = [first] if len(first) <= TITLE_CHARS else [*textwrap.wrap(f"{label}:", TITLE_CHARS), what]
    return "\n".join([*lines, _seeds_phrase(frame) if subtitle is None else subtitle])


def _value_limits(frame: pd.DataFrame, log: bool) -> tuple[float, float] | None:
    """Value-axis limits that hold every mean and the CI bands up to ``BAND_MARGIN``."""
    forward, back = (np.log10, lambda v: 10.0 ** v) if log else (lambda v: v, lambda v: v)
    means = frame["mean"].to_numpy(dtype=float)
    means = means[np.isfinite(means) & ((means > 0) if log else True)]
    if means.size == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = forward(means)
        lows = forward(frame["ci_low"].to_numpy(dtype=float))
        highs = forward(frame["ci_high"].to_numpy(dtype=float))
    lo, hi = centre.min(), centre.max()
    span = max(hi - lo, 0.3 if log else 0.05 * max(abs(lo), abs(hi), 1e-12))
    margin = min(BAND_MARGIN * span, 1.0) if log else BAND_MARGIN * span
    # A non-positive low bound on a log axis (log10 -> -inf or nan) reaches the margin.
    lows = np.where(np.isnan(lows) & ~np.isnan(highs), -np.inf, lows)
    low = max(np.nanmin(np.append(lows, lo)), lo - margin)
    high = min(np.nanmax(np.append(highs, hi)), hi + margin)
    pad = 0.05 * (high - low if high > low else span)
    return back(low - pad), back(high + pad)


def _plot_sides(axes: Axes, frame: pd.DataFrame, log: bool = False) -> None:
    """One line with markers and a shaded CI band per approach/method, pipeline first."""
    frame = sort_rows(frame[frame["train_size"].notna() & frame["mean"].notna()])
    limits = _value_limits(frame, log)
    method_index: dict[object, int] = {}
    for (approach, method), side in frame.groupby(["approach", "method"], dropna=False, sort=False):
        index = method_index[approach] = method_index.get(approach, -1) + 1
        colour = side_colour(approach)
        x = side["train_size"].to_numpy(dtype=float)
        axes.plot(x, side["mean"].to_numpy(dtype=float), color=colour, linewidth=2,
                  marker=METHOD_MARKERS[index % len(METHOD_MARKERS)], markersize=6,
                  linestyle=METHOD_LINESTYLES[index % len(METHOD_LINESTYLES)],
                  label=method_label(approach, method))
        low, high = side["ci_low"].to_numpy(dtype=float), side["ci_high"].to_numpy(dtype=float)
        if limits is not None:
            # Clipped to the frame, so that a wide band (few seeds) cannot squash the lines
            # and a negative low bound cannot vanish from a log axis.
            low, high = np.clip(low, *limits), np.clip(high, *limits)
        # NaN bounds (one seed) leave a gap in the band rather than a misleading sliver.
        axes.fill_between(x, low, high, color=colour, alpha=0.18, linewidth=0)
    if limits is not None:
        axes.set_ylim(*limits)


def _size_axis(axes: Axes, sizes: np.ndarray) -> None:
    """Log x axis with a tick at each measured size (a spread subset when there are many)."""
    axes.set_xscale("log")
    axes.set_xlabel(SIZE_AXIS_LABEL)
    sizes = np.unique(sizes[np.isfinite(sizes) & (sizes > 0)])
    if len(sizes) > MAX_SIZE_TICKS:
        sizes = sizes[np.unique(np.linspace(0, len(sizes) - 1, MAX_SIZE_TICKS).round().astype(int))]
    if len(sizes):
        axes.xaxis.set_major_locator(FixedLocator(sizes))
        axes.xaxis.set_minor_locator(NullLocator())
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value)))
    axes.xaxis.set_minor_formatter(NullFormatter())


def _log_value_axis(axes: Axes) -> None:
    """Log y axis whose labelled ticks are dense enough to read values across the range.

    Decades alone (1, 10) leave a range of a few decades with two or three labels; the
    steps get finer as the range narrows (1-3 per decade, 1-2-5, 1-2-3-5, every digit),
    so that there are always several labels across the plotted range.
    """
    axes.set_yscale("log")
    low, high = axes.get_ylim()
    decades = np.log10(high / low) if low > 0 and high > low else 1.0
    subs = (tuple(range(1, 10)) if decades < 0.6 else (1.0, 2.0, 3.0, 5.0) if decades < 1.5
            else (1.0, 2.0, 5.0) if decades < 4 else (1.0, 3.0) if decades < 7 else (1.0,))
    axes.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    axes.yaxis.set_minor_locator(LogLocator(base=10, subs=tuple(range(1, 10))))
    # Plain numbers (0.2, 5, 20, 1.5k, 2T) read faster than powers of ten.
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value) if value >= 1e4
                                                 else f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())


def learning_curve_figure(summary: pd.DataFrame, panel: pd.Series, analysis: PanelAnalysis | None = None,
                          reference: Reference | None = None) -> Figure:
    """Main test metric against training-set size (log x), mean and CI band per side.

    With ``analysis``, each side's chosen fit is drawn as a thin dotted line of the same
    colour over the measured range, and a measured crossover as a vertical grey line.
    A reference score (driving's expert) is a dashed grey horizontal line, kept in view.

    Args:
        summary: rows of :func:`reports.analyse.metric_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
        analysis: the panel's :class:`~reports.panel_analysis.PanelAnalysis`, if any.
        reference: the panel's reference scores (:func:`reports.reference.panel_reference`), if any.
    """
    figure, axes = _new_axes()
    _plot_sides(axes, summary)
    if analysis is not None:
        _plot_fits(axes, analysis)
    if reference is not None and np.isfinite(reference.primary):
        _plot_reference(axes, reference.primary, reference.label)
    _size_axis(axes, summary["train_size"].to_numpy(dtype=float, na_value=np.nan))
    axes.set_ylabel(_metric_axis_label(panel["primary_metric"], panel))
    fitted = analysis is not None and any(side.chosen_fit() is not None for side in analysis.curves.sides)
    what = "learning curve" + (", dotted: chosen fit" if fitted else "")
    axes.set_title(_title(panel["label"], what, summary), fontsize=11)
    axes.legend(title="approach (method)", frameon=False)
    return figure


def _plot_reference(axes: Axes, value: float, label: str) -> None:
    low, high = axes.get_ylim()
    axes.axhline(value, color=OTHER_COLOUR, linewidth=1.2, linestyle="--",
                 label=f"{label}: {format_estimate(value)}")
    if not low <= value <= high:
        # Padded on both ends, so the curves don't sit on the frame's edge.
        low, high = min(low, value), max(high, value)
        pad = 0.05 * (high - low)
        axes.set_ylim(low - pad, high + pad)


def _plot_fits(axes: Axes, analysis: PanelAnalysis) -> None:
    limits = axes.get_ylim()
    for side in analysis.curves.sides:
        fit = side.chosen_fit()
        if fit is None:
            continue
        grid = np.geomspace(side.sizes.min(), side.sizes.max(), 200)
        axes.plot(grid, analysis.curves.scale.score(fit.predict(grid)), color=side_colour(side.approach),
                  linewidth=1.2, linestyle=":", alpha=0.9)
    measured = [pair for pair in analysis.pairs if pair.crossover.kind == MEASURED]
    # With several pairs, each line names its pair and takes its own dash pattern.
    named = len(analysis.pairs) > 1
    for index, pair in enumerate(measured):
        which = f" {pair.label}" if named else ""
        axes.axvline(pair.crossover.size, color=OTHER_COLOUR, linewidth=1,
                     linestyle=CROSSOVER_LINESTYLES[index % len(CROSSOVER_LINESTYLES)],
                     label=f"crossover{which} ≈ {compact_number(pair.crossover.size)}")
    axes.set_ylim(*limits)


def side_colour(approach: object) -> str:
    """The colour of an approach in every figure (``OTHER_COLOUR`` for an unknown one)."""
    return APPROACH_COLOURS.get(approach, OTHER_COLOUR)


def pareto_figure(metrics: pd.DataFrame, costs: pd.DataFrame, panel: pd.Series) -> Figure:
    """Main test metric against fit time (log x): one point per side and training-set size.

    Points are means over seeds, labelled with their size; sides are joined in size
    order. The Pareto front (no other point is both faster and better) is drawn as a
    black step line with ringed points.

    Args:
        metrics: rows of :func:`reports.analyse.metric_summary` for one panel.
        costs: rows of :func:`reports.analyse.cost_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
    """
    keys = ["approach", "method", "train_size"]
    times = costs[costs["quantity"] == "fit_time_s"][[*keys, "mean"]].rename(columns={"mean": "time"})
    points = metrics[[*keys, "mean", "n_seeds"]].merge(times, on=keys, how="inner")
    points = sort_rows(points[(points["time"] > 0) & points["mean"].notna()])
    figure, axes = _new_axes()
    method_index: dict[object, int] = {}
    for (approach, method), side in points.groupby(["approach", "method"], dropna=False, sort=False):
        index = method_index[approach] = method_index.get(approach, -1) + 1
        axes.plot(side["time"], side["mean"], color=side_colour(approach), linewidth=1.5, alpha=0.8,
                  marker=METHOD_MARKERS[index % len(METHOD_MARKERS)],
                  linestyle=METHOD_LINESTYLES[index % len(METHOD_LINESTYLES)], label=method_label(approach, method))
        for time, value, size in zip(side["time"], side["mean"], side["train_size"], strict=True):
            if pd.notna(size):
                axes.annotate(compact_number(size), (time, value), textcoords="offset points", xytext=(4, 4),
                              fontsize=7, color=side_colour(approach))
    front = pareto_front(points["time"].to_numpy(float), points["mean"].to_numpy(float),
                         bool(panel["higher_is_better"]))
    if front.size:
        order = np.argsort(points["time"].to_numpy(float)[front])
        fx, fy = points["time"].to_numpy(float)[front][order], points["mean"].to_numpy(float)[front][order]
        axes.step(fx, fy, where="post", color="black", linewidth=1, label="Pareto front")
        axes.scatter(fx, fy, s=110, facecolors="none", edgecolors="black", linewidths=1.2, zorder=3)
    axes.set_xscale("log")
    axes.set_xlabel(FIT_TIME_LABEL)
    axes.set_ylabel(_metric_axis_label(panel["primary_metric"], panel))
    seeds = int(points["n_seeds"].max()) if len(points) else 0
    axes.set_title(_title(panel["label"], f"{panel['primary_metric']} vs training time", points,
                          f"means over {seeds} seed{'s' if seeds != 1 else ''}; labels: training-set size"),
                   fontsize=11)
    axes.legend(title="approach (method)", frameon=False)
    return figure


def pareto_front(costs: np.ndarray, values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Indices of the points no other point dominates (no more costly and at least as good, one strictly)."""
    good = values if higher_is_better else -values
    front = []
    for i in range(len(costs)):
        dominated = ((costs <= costs[i]) & (good >= good[i]) & ((costs < costs[i]) | (good > good[i]))).any()
        if not dominated:
            front.append(i)
    return np.array(front, dtype=int)


def cost_figure(costs: pd.DataFrame, panel: pd.Series, quantity: str = "fit_time_s",
                ylabel: str = FIT_TIME_LABEL) -> Figure:
    """One cost quantity against training-set size, log–log, mean and CI band per side.

    Args:
        costs: rows of :func:`reports.analyse.cost_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
    """
    frame = costs[(costs["quantity"] == quantity) & (costs["mean"] > 0)]
    figure, axes = _new_axes()
    _plot_sides(axes, frame, log=True)
    _size_axis(axes, frame["train_size"].to_numpy(dtype=float, na_value=np.nan))
    _log_value_axis(axes)
    axes.set_ylabel(ylabel)
    what = ylabel.split(" (")[0]
    axes.set_title(_title(panel["label"], f"{what} vs training-set size", frame), fontsize=11)
    axes.legend(title="approach (method)", frameon=False)
    return figure


def save_figure(figure: Figure, directory: Path, stem: str) -> dict[str, Path]:
    """Write ``<stem>.png`` and ``<stem>.pdf`` into ``directory`` (created).

    Returns:
        Suffix (``"png"``, ``"pdf"``) -> written path.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"png": directory / f"{stem}.png", "pdf": directory / f"{stem}.pdf"}
    figure.savefig(paths["png"], dpi=PNG_DPI)
    # No creation date, so the same records give byte-identical PDFs.
    figure.savefig(paths["pdf"], metadata={"CreationDate": None})
    return paths


def breakdown_figure(summary: pd.DataFrame, panel: pd.Series, metric: str, axis_factor: str) -> Figure:
    """A breakdown metric against one factor, one line per side with its CI band, one subplot
    per combination of the other factors.

    Numeric levels are placed at their value; other levels (``clean``) to the right of
    them, each with a tick of its own name.

    Args:
        summary: rows of :func:`reports.breakdowns.at_largest_shared_size` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
        metric: the base metric (``wer``); axis_factor: the factor on the x axis (``snr``).
    """
    rows = summary[(summary["metric"] == metric) & summary["factors"].map(lambda f: axis_factor in f)].copy()
    names = sorted({name for factors in rows["factors"] for name in factors})
    rows["level"] = rows["factors"].map(lambda f: f[axis_factor])
    rows["combo"] = rows["factors"].map(lambda f: other_factors(f, axis_factor, names))
    levels = sorted(set(rows["level"]), key=lambda v: (numeric_level(v) is None, numeric_level(v) or 0.0, v))
    numeric = [numeric_level(v) for v in levels if numeric_level(v) is not None]
    step = float(np.median(np.diff(numeric))) if len(numeric) > 1 else 1.0
    position, rank = {}, 0
    for level in levels:
        value = numeric_level(level)
        if value is None:
            rank += 1
            value = max(numeric, default=0.0) + rank * step
        position[level] = value
    rows["x"] = rows["level"].map(position)
    combos = sorted(set(rows["combo"]))
    others = [n for n in names if n != axis_factor]
    figure = Figure(figsize=(FIGSIZE_IN[0] * min(len(combos), 3) * 0.8 + 1.5, FIGSIZE_IN[1]), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(1, len(combos), sharey=True, squeeze=False)[0]
    for axes, combo in zip(grid, combos, strict=True):
        frame = rows[rows["combo"] == combo].sort_values("x")
        method_index: dict[object, int] = {}
        for (approach, method), side in sort_rows(frame, first=()).groupby(["approach", "method"], dropna=False,
                                                                           sort=False):
            side = side.sort_values("x")
            index = method_index[approach] = method_index.get(approach, -1) + 1
            colour = side_colour(approach)
            marker = METHOD_MARKERS[index % len(METHOD_MARKERS)]
            # Numeric levels form a line with a CI band; a named level (clean) is a point
            # with a CI bar, not joined: it is not a value on the same scale.
            numeric_rows = side["level"].map(numeric_level).notna()
            line, named = side[numeric_rows], side[~numeric_rows]
            axes.plot(line["x"], line["mean"], color=colour, linewidth=2, marker=marker,
                      linestyle=METHOD_LINESTYLES[index % len(METHOD_LINESTYLES)], label=method_label(approach, method))
            axes.fill_between(line["x"].to_numpy(float), line["ci_low"].to_numpy(float),
                              line["ci_high"].to_numpy(float), color=colour, alpha=0.18, linewidth=0)
            if not named.empty:
                spread = np.vstack([named["mean"] - named["ci_low"], named["ci_high"] - named["mean"]])
                axes.errorbar(named["x"], named["mean"], yerr=np.nan_to_num(spread.astype(float)), color=colour,
                              marker=marker, linestyle="none", capsize=3)
        axes.xaxis.set_major_locator(FixedLocator([position[v] for v in levels]))
        axes.xaxis.set_major_formatter(FuncFormatter(
            lambda value, _: next((v for v in levels if position[v] == value), f"{value:g}")))
        axes.set_xlabel(axis_factor)
        _style_axes(axes)
        if others:
            axes.set_title(", ".join(f"{n}={lv}" for n, lv in zip(others, combo, strict=True)), fontsize=9)
    grid[0].set_ylabel(_metric_axis_label(metric, panel))
    grid[0].legend(title="approach (method)", frameon=False)
    size = rows["train_size"].max()
    figure.suptitle(_title(panel["label"], f"{metric} by {axis_factor} at training-set size "
                           f"{compact_number(size) if pd.notna(size) else 'all'}", rows), fontsize=11)
    return figure


def breakdown_curves_figure(summary: pd.DataFrame, panel: pd.Series, metric: str, factor: str,
                            levels: list[str]) -> Figure:
    """Learning curves of a breakdown metric, one subplot per level of ``factor`` (``wer@snr=10``
    at every training-set size), both sides with their CI bands.

    Each subplot has its own value axis: the gap between the sides is what is read, and
    a metric at 0 dB and clean can be far apart.

    Args:
        summary: rows of :func:`reports.breakdowns.breakdown_summary` (every size).
        panel: the panel's row of :func:`reports.analyse.panels`.
        metric: the base metric (``wer``); factor: the factor whose levels get a subplot each.
        levels: the levels in subplot order (:func:`reports.breakdowns.single_factor_levels`).
    """
    columns = min(len(levels), 3)
    grid_rows = -(-len(levels) // columns)
    figure = Figure(figsize=(FIGSIZE_IN[0] * columns * 0.7 + 0.5, FIGSIZE_IN[1] * grid_rows * 0.75 + 0.6),
                    layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(grid_rows, columns, squeeze=False).ravel()
    frame = summary[summary["metric"] == metric]
    for axes, level in zip(grid, levels, strict=False):
        rows = frame[frame["factors"].map(lambda f: f == {factor: level})]
        _plot_sides(axes, rows)
        _size_axis(axes, rows["train_size"].to_numpy(dtype=float, na_value=np.nan))
        axes.set_xlabel("training-set size (log)")
        axes.set_title(f"{factor}={level}", fontsize=10)
        _style_axes(axes)
    for axes in grid[len(levels):]:
        axes.set_visible(False)
    for axes in grid[::columns]:
        axes.set_ylabel(_metric_axis_label(metric, panel))
    grid[0].legend(title="approach (method)", frameon=False, fontsize=8)
    figure.suptitle(_title(panel["label"], f"learning curves of {metric} by {factor}", frame), fontsize=11)
    return figure


def robustness_figure(rows: pd.DataFrame, panel: pd.Series) -> Figure | None:
    """Shifted against clean score, one point per run (colour: side; size: training-set size), with the
    pooled least-squares line that effective robustness is measured from (:mod:`reports.robustness`).

    Returns ``None`` when fewer than 3 runs record shifted conditions.
    """
    metric = panel["primary_metric"]
    scores = shift_scores(rows, metric)
    if len(scores) < 3:
        return None
    figure, axes = _new_axes()
    sizes = np.log10(rows.loc[scores.index, "train_size"].astype(float).to_numpy())
    marker_sizes = 12 + 60 * (sizes - sizes.min()) / max(np.ptp(sizes), 1e-9)
    for approach in dict.fromkeys(rows.loc[scores.index, "approach"]):
        mine = (rows.loc[scores.index, "approach"] == approach).to_numpy()
        axes.scatter(scores["clean"][mine], scores["shifted"][mine], s=marker_sizes[mine], alpha=0.7,
                     color=side_colour(approach), label=str(approach), edgecolors="white", linewidths=0.5)
    intercept, slope = linear_fit(scores)
    if np.isfinite(slope):
        x = np.linspace(scores["clean"].min(), scores["clean"].max(), 50)
        axes.plot(x, intercept + slope * x, color="black", linestyle="--", linewidth=1,
                  label=f"fit: {intercept:.3g} + {slope:.3g} × clean")
    axes.set_xlabel(f"clean {metric} on the shifted subset ({metric}@severity=0)")
    axes.set_ylabel(f"shifted {metric} (mean of severities 1–5)")
    axes.legend(frameon=False, fontsize="small")
    axes.set_title(f"{panel['label']}: {metric} under shift against clean\n"
                   f"{len(scores)} runs (larger: more data); above the line: more robust than predicted",
                   fontsize="small")
    return figure
