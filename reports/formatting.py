"""Text of table cells and labels: "mean ± half-width", counts, seed ranges, escaping for LaTeX and Markdown."""

from __future__ import annotations

import math
import re

import pandas as pd

MISSING = "—"
#: Unicode in the display tables -> LaTeX that compiles with any font encoding.
LATEX_SYMBOLS = {
    "±": r"$\pm$", "×": r"$\times$", "—": "---", "–": "--", "≤": r"$\le$", "≥": r"$\ge$", "≈": r"$\approx$",
    "−": r"$-$", "·": r"$\cdot$", "Δ": r"$\Delta$", "ε": r"$\varepsilon$", "…": r"\ldots{}", "∞": r"$\infty$",
    "→": r"$\to$",
}
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_SI_PREFIXES = ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def _decimals(value: float, significant: int) -> int:
    """Decimals that show ``value`` to ``significant`` significant digits (never negative)."""
    if value == 0 or not math.isfinite(value):
        return significant - 1
    return max(0, significant - 1 - math.floor(math.log10(abs(value))))


def format_estimate(mean: float, half_width: float = math.nan, *, count: bool = False, significant: int = 3) -> str:
    """Format a mean and the half-width of its CI as one cell.

    The mean gets ``significant`` digits and the half-width the same number of
    decimals, so both read at one precision: ``0.801 ± 0.012``, ``3.23 ± 0.50``.
    Counts (FLOPs, parameters) are scaled by an SI prefix: ``1.23 ± 0.01 M``.

    Returns:
        The mean alone when the half-width is NaN (one seed) or rounds to zero at the
        mean's precision (the seeds agree to the digits shown);
        ``MISSING`` when the mean is NaN.
    """
    if mean is None or not math.isfinite(mean):
        return MISSING
    suffix = ""
    if count:
        for scale, prefix in _SI_PREFIXES:
            if abs(mean) >= scale:
                mean, half_width, suffix = mean / scale, half_width / scale, f" {prefix}"
                break
        else:
            if float(mean).is_integer() and not (half_width > 0):
                return f"{mean:.0f}"
    reference = mean if mean != 0 or not half_width > 0 else half_width
    decimals = _decimals(reference, significant)
    if abs(mean) >= 1000:
        text = f"{mean:,.0f}"
        decimals = 0
    else:
        text = f"{mean:.{decimals}f}"
    if half_width is not None and math.isfinite(half_width) and round(half_width, decimals) > 0:
        text += f" ± {half_width:,.{decimals}f}"
    return text + suffix


def format_ratio(ratio: float) -> str:
    """``12.3×`` for a dimensionless ratio (3 significant digits); ``MISSING`` for NaN."""
    if ratio is None or not math.isfinite(ratio):
        return MISSING
    return f"{ratio:,.{_decimals(ratio, 3) if abs(ratio) < 1000 else 0}f}×"


def format_seeds(seeds: list[int]) -> str:
    """Seeds as compact ranges: ``[0, 1, 2, 5]`` -> ``0–2, 5``; empty -> ``MISSING``."""
    if not seeds:
        return MISSING
    seeds = sorted(seeds)
    runs, start = [], seeds[0]
    for previous, current in zip(seeds, [*seeds[1:], None], strict=True):
        if current is None or current != previous + 1:
            runs.append(str(start) if start == previous else f"{start}–{previous}")
            start = current
    return ", ".join(runs)


def latex_escape(text: str) -> str:
    """Escape LaTeX specials (``_``, ``%``, ``&``...) and map table symbols to LaTeX."""
    text = "".join(_LATEX_SPECIALS.get(ch, ch) for ch in str(text))
    return latex_symbols(text)


def latex_symbols(text: str) -> str:
    """Replace the Unicode symbols the tables use (``±``, ``×``, ``—``) by LaTeX equivalents."""
    for symbol, latex in LATEX_SYMBOLS.items():
        text = text.replace(symbol, latex)
    return text


def markdown_cell(text: object) -> str:
    """Make ``text`` safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", r"\|")


def method_label(approach: object, method: object) -> str:
    """Column label of one side: ``pipeline (hog_svm)``, or the approach alone without a method."""
    return f"{approach} ({method})" if pd.notna(method) else str(approach)


def compact_number(value: float) -> str:
    """A tick label: ``100``, ``1k``, ``2.5k``, ``55k``, ``1.2M`` (3 significant digits)."""
    for scale, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{prefix}"
    return f"{value:.3g}"


def size_label(size: object) -> str:
    """``1000``; a missing size (the whole pool) reads ``all``."""
    return "all" if pd.isna(size) else str(int(size))


def file_stem(text: str) -> str:
    """``text`` as a file name: each run of characters other than letters, digits, ``.``, ``_``
    and ``-`` becomes one ``-`` (so that Markdown links and every file system take it)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text)
