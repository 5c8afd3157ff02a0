"""Figures: learning curves and cost curves against training-set size, as PNG and PDF.

Figures are built on :class:`matplotlib.figure.Figure` with an Agg canvas, never through
``pyplot``: no global backend switch, no GUI, and no figure registry to leak memory when
a report has many tasks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from reports.analyse import sort_rows
from reports.formatting import method_label

#: One colour per approach, the same in every figure (Okabe–Ito, colour-blind safe).
APPROACH_COLOURS = {"pipeline": "#0072B2", "e2e": "#D55E00"}
OTHER_COLOUR = "#555555"
#: Methods within one approach share its colour and differ by marker and line style.
METHOD_MARKERS = ("o", "s", "^", "D", "v", "P")
METHOD_LINESTYLES = ("-", "--", "-.", ":")
FIGSIZE_IN = (6.4, 4.4)
PNG_DPI = 150
SIZE_AXIS_LABEL = "training-set size (examples)"
#: Up to this many distinct sizes, each gets its own labelled tick.
MAX_SIZE_TICKS = 8


def _new_axes() -> tuple[Figure, Axes]:
    figure = Figure(figsize=FIGSIZE_IN, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.grid(True, which="major", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _seeds_phrase(frame: pd.DataFrame) -> str:
    counts = frame.loc[frame["n_seeds"] > 0, "n_seeds"]
    if counts.empty:
        return "no seeds"
    low, high = int(counts.min()), int(counts.max())
    return f"{high} seed{'s' if high > 1 else ''}" if low == high else f"{low}–{high} seeds"


def _plot_sides(axes: Axes, frame: pd.DataFrame) -> None:
    """One line with markers and a shaded CI band per approach/method, pipeline first."""
    frame = sort_rows(frame[frame["train_size"].notna() & frame["mean"].notna()])
    method_index: dict[object, int] = {}
    for (approach, method), side in frame.groupby(["approach", "method"], dropna=False, sort=False):
        index = method_index[approach] = method_index.get(approach, -1) + 1
        colour = APPROACH_COLOURS.get(approach, OTHER_COLOUR)
        x = side["train_size"].to_numpy(dtype=float)
        axes.plot(x, side["mean"].to_numpy(dtype=float), color=colour, linewidth=2,
                  marker=METHOD_MARKERS[index % len(METHOD_MARKERS)], markersize=6,
                  linestyle=METHOD_LINESTYLES[index % len(METHOD_LINESTYLES)],
                  label=method_label(approach, method))
        # NaN bounds (one seed) leave a gap in the band rather than a misleading sliver.
        axes.fill_between(x, side["ci_low"].to_numpy(dtype=float), side["ci_high"].to_numpy(dtype=float),
                          color=colour, alpha=0.18, linewidth=0)


def _size_axis(axes: Axes, sizes: np.ndarray) -> None:
    axes.set_xscale("log")
    axes.set_xlabel(SIZE_AXIS_LABEL)
    plain = FuncFormatter(lambda value, _: f"{value:,.0f}")
    sizes = np.unique(sizes[np.isfinite(sizes)])
    if 0 < len(sizes) <= MAX_SIZE_TICKS:
        # Ticks at the sizes actually run are easier to read than decades (10², 10³).
        axes.xaxis.set_major_locator(FixedLocator(sizes))
        axes.xaxis.set_minor_locator(NullLocator())
    axes.xaxis.set_major_formatter(plain)
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))


def learning_curve_figure(summary: pd.DataFrame, panel: pd.Series) -> Figure:
    """Main test metric against training-set size (log x), mean and 95% CI band per side.

    Args:
        summary: rows of :func:`reports.analyse.metric_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
    """
    figure, axes = _new_axes()
    _plot_sides(axes, summary)
    _size_axis(axes, summary["train_size"].to_numpy(dtype=float, na_value=np.nan))
    direction = "higher" if panel["higher_is_better"] else "lower"
    axes.set_ylabel(f"test {panel['primary_metric']} ({direction} is better)")
    axes.set_title(f"{panel['label']}: learning curve\n"
                   f"mean and 95% bootstrap CI over {_seeds_phrase(summary)}", fontsize=11)
    axes.legend(title="approach (method)", frameon=False)
    return figure


def cost_figure(costs: pd.DataFrame, panel: pd.Series, quantity: str = "fit_time_s",
                ylabel: str = "fit time (s)") -> Figure:
    """One cost quantity against training-set size, log–log, mean and 95% CI band per side.

    Args:
        costs: rows of :func:`reports.analyse.cost_summary` for one panel.
        panel: the panel's row of :func:`reports.analyse.panels`.
    """
    frame = costs[(costs["quantity"] == quantity) & (costs["mean"] > 0)]
    figure, axes = _new_axes()
    _plot_sides(axes, frame)
    _size_axis(axes, frame["train_size"].to_numpy(dtype=float, na_value=np.nan))
    axes.set_yscale("log")
    # Plain numbers (0.1, 1, 10) read faster than powers of ten for times.
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.set_ylabel(ylabel)
    axes.set_title(f"{panel['label']}: {ylabel.split(' (')[0]} vs training-set size\n"
                   f"mean and 95% bootstrap CI over {_seeds_phrase(frame)}", fontsize=11)
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
