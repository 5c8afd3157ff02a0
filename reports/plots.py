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
from reports.formatting import compact_number, method_label
from reports.stats import CI_METHOD, CONFIDENCE_LEVEL

#: One colour per approach, the same in every figure (Okabe–Ito, colour-blind safe).
APPROACH_COLOURS = {"pipeline": "#0072B2", "e2e": "#D55E00"}
OTHER_COLOUR = "#555555"
#: Methods within one approach share its colour and differ by marker and line style.
METHOD_MARKERS = ("o", "s", "^", "D", "v", "P")
METHOD_LINESTYLES = ("-", "--", "-.", ":")
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
    axes.grid(True, which="major", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


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


def _title(label: str, what: str, frame: pd.DataFrame) -> str:
    """``<label>: <what>`` over the seeds phrase; a long label gets its own line(s)."""
    first = f"{label}: {what}"
    lines = [first] if len(first) <= TITLE_CHARS else [*textwrap.wrap(f"{label}:", TITLE_CHARS), what]
    return "\n".join([*lines, _seeds_phrase(frame)])


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
        colour = APPROACH_COLOURS.get(approach, OTHER_COLOUR)
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
    # Plain numbers (0.2, 5, 20) read faster than powers of ten for times.
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1e4 else f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())


def learning_curve_figure(summary: pd.DataFrame, panel: pd.Series) -> Figure:
    """Main test metric against training-set size (log x), mean and CI band per side.

    Args:
        summary: rows of :func:`reports.analyse.metric_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
    """
    figure, axes = _new_axes()
    _plot_sides(axes, summary)
    _size_axis(axes, summary["train_size"].to_numpy(dtype=float, na_value=np.nan))
    direction = "higher" if panel["higher_is_better"] else "lower"
    axes.set_ylabel(f"test {panel['primary_metric']} ({direction} is better)")
    axes.set_title(_title(panel["label"], "learning curve", summary), fontsize=11)
    axes.legend(title="approach (method)", frameon=False)
    return figure


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
