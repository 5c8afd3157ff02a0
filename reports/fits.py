"""Learning-curve fits: error against training-set size, three parametric families, bounded.

The fitted quantity is an *error* (lower is better), derived from a panel's primary
metric with no per-task code (:func:`error_scale`):

- a lower-is-better metric (``wer``) is its own error;
- a higher-is-better metric whose values all lie in [0, 1] (``accuracy``) gives
  ``1 − metric``;
- any other higher-is-better metric (closed-loop ``reward``) gives ``−metric``. Its best
  possible value is unknown, so no honest "distance to perfect" exists; negating keeps
  the order and the units, and the families below then fit with an unbounded offset
  ``c`` (the asymptotic negated score) instead of ``c ≥ 0``.

Families (from the LCDB family of curves, Mohr & van Rijn, "Learning Curves for Decision
Making in Supervised Machine Learning: A Survey", and Viering & Loog, 2022), with n the
training-set size:

- ``pow3``: ε(n) = a·n^(−b) + c, a ≥ 0, 0 ≤ b ≤ 5 (the power law of Hestness et al., 2017);
- ``exp3``: ε(n) = a·exp(−b·n/n_max) + c, a ≥ 0, 0 ≤ b ≤ 100 (n_max: the largest measured size,
  so that b is scale-free);
- ``logpower3``: ε(n) = a / (1 + (n/e^b)^c), 0 ≤ c ≤ 5 (LCDB's ``logpower3``; error → 0).

Each is fitted by variable projection (for every value of its nonlinear parameters on
a grid, the linear ones by bounded least squares), then refined with
:func:`scipy.optimize.least_squares` under the same bounds, so that a fit never depends
on a lucky starting point. Points are the per-size means over seeds, equally weighted.
A family is chosen by how well it predicts the largest measured size when fitted to
the others (:func:`select_model`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import least_squares

#: Fewest distinct sizes for a 3-parameter fit, and for held-out model selection.
MIN_FIT_SIZES = 3
MIN_SELECT_SIZES = 4


@dataclass(frozen=True)
class ErrorScale:
    """How a panel's primary metric maps to the fitted error: ``error = offset + sign·metric``.

    Attributes:
        sign: −1 for higher-is-better metrics, +1 for lower-is-better ones.
        offset: 1 for metrics in [0, 1] where higher is better (``1 − accuracy``), else 0.
        nonnegative: the error cannot be negative, so the asymptote ``c`` is bounded below by 0.
        label: the error's name for tables and method notes, e.g. ``1 − accuracy``.
    """

    sign: float
    offset: float
    nonnegative: bool
    label: str

    def error(self, score: np.ndarray | float) -> np.ndarray:
        return self.offset + self.sign * np.asarray(score, dtype=float)

    def score(self, error: np.ndarray | float) -> np.ndarray:
        return (np.asarray(error, dtype=float) - self.offset) * self.sign


def error_scale(metric: str, higher_is_better: bool, scores: np.ndarray) -> ErrorScale:
    """The error transform of a panel (see the module docstring); ``scores`` are all its values."""
    scores = np.asarray(scores, dtype=float)
    scores = scores[np.isfinite(scores)]
    if not higher_is_better:
        return ErrorScale(1.0, 0.0, bool(scores.size and (scores >= 0).all()), metric)
    if scores.size and (scores >= 0).all() and (scores <= 1).all():
        return ErrorScale(-1.0, 1.0, True, f"1 − {metric}")
    return ErrorScale(-1.0, 0.0, False, f"−{metric}")


@dataclass(frozen=True)
class Family:
    """One parametric learning-curve family; ``curve(n, params, n_max)`` gives the error."""

    name: str
    formula: str
    params: tuple[str, ...]
    curve: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    #: Grids of the nonlinear parameters (their names), and their bounds.
    grid: dict[str, np.ndarray]
    bounds: dict[str, tuple[float, float]]


# Curves take ``p`` of shape (P,) or (G, P) (a grid of parameter vectors) and n of shape (k,).
def _pow3(n, p, n_max):
    a, b, c = (p[..., i, None] for i in range(3))
    return a * n ** (-b) + c


def _exp3(n, p, n_max):
    a, b, c = (p[..., i, None] for i in range(3))
    return a * np.exp(-b * n / n_max) + c


def _logpower3(n, p, n_max):
    a, b, c = (p[..., i, None] for i in range(3))
    with np.errstate(over="ignore"):
        return a / (1.0 + (n / np.exp(np.minimum(b, 700.0))) ** c)


FAMILIES = {
    "pow3": Family("pow3", "a·n^(−b) + c", ("a", "b", "c"), _pow3,
                   {"b": np.linspace(0.0, 2.0, 81)}, {"a": (0, np.inf), "b": (0, 5), "c": (-np.inf, np.inf)}),
    "exp3": Family("exp3", "a·exp(−b·n/n_max) + c", ("a", "b", "c"), _exp3,
                   {"b": np.geomspace(0.01, 100, 81)}, {"a": (0, np.inf), "b": (0, 100), "c": (-np.inf, np.inf)}),
    "logpower3": Family("logpower3", "a / (1 + (n/e^b)^c)", ("a", "b", "c"), _logpower3,
                        {"b": np.linspace(-5, 25, 31), "c": np.linspace(0.05, 3, 30)},
                        {"a": (-np.inf, np.inf), "b": (-50, 50), "c": (0, 5)}),
}
#: Order of preference among equally good families (the issue's power law first).
FAMILY_ORDER = ("pow3", "exp3", "logpower3")


@dataclass(frozen=True)
class Fit:
    """A fitted curve.

    Attributes:
        family: name in ``FAMILIES``.
        params: fitted values in the family's ``params`` order.
        n_max: the largest size of the data it was fitted to (``exp3``'s scale).
        rmse: root mean squared residual on the fitted points (error units).
    """

    family: str
    params: tuple[float, ...]
    n_max: float
    rmse: float

    def predict(self, n: np.ndarray | float) -> np.ndarray:
        """Fitted error at training-set size(s) ``n`` (examples)."""
        n = np.asarray(n, dtype=float)
        return FAMILIES[self.family].curve(n.ravel(), np.asarray(self.params), self.n_max).reshape(n.shape)


def _bounds(family: Family, nonnegative: bool) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([family.bounds[p][0] for p in family.params], dtype=float)
    high = np.array([family.bounds[p][1] for p in family.params], dtype=float)
    if nonnegative:
        if "c" in family.params and family.name != "logpower3":
            low[family.params.index("c")] = 0.0
        if family.name == "logpower3":
            low[0] = 0.0
    return low, high


def _bounded_least_squares(design: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Box-bounded least squares for a stack of problems with one or two unknowns.

    ``design`` has shape (G, k, m), m ≤ 2; returns (G, m). Exact: a convex quadratic on a
    box has its minimum inside (the unconstrained solution) or on an edge, where one
    unknown sits at a bound and the other is the clipped one-dimensional solution.
    """
    def one(d: np.ndarray, target: np.ndarray, j: int) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.einsum("gk,gk->g", d, target) / np.einsum("gk,gk->g", d, d)
        return np.clip(np.nan_to_num(x), low[j], high[j])

    if design.shape[2] == 1:
        return one(design[:, :, 0], np.broadcast_to(y, design.shape[:2]), 0)[:, None]
    candidates = []
    gram = np.einsum("gki,gkj->gij", design, design)
    rhs = np.einsum("gki,k->gi", design, y)
    det = gram[:, 0, 0] * gram[:, 1, 1] - gram[:, 0, 1] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        free = np.stack([gram[:, 1, 1] * rhs[:, 0] - gram[:, 0, 1] * rhs[:, 1],
                         gram[:, 0, 0] * rhs[:, 1] - gram[:, 0, 1] * rhs[:, 0]], axis=1) / det[:, None]
    inside = np.isfinite(free).all(axis=1) & (free >= low).all(axis=1) & (free <= high).all(axis=1)
    candidates.append(np.where(inside[:, None], free, np.nan))
    for j in (0, 1):
        other = 1 - j
        for bound in (low[j], high[j]):
            if not np.isfinite(bound):
                continue
            x = np.empty((design.shape[0], 2))
            x[:, j] = bound
            x[:, other] = one(design[:, :, other], y - bound * design[:, :, j], other)
            candidates.append(x)
    stacked = np.stack(candidates)  # (C, G, 2)
    sse = np.sum((np.einsum("gkl,cgl->cgk", design, np.nan_to_num(stacked)) - y) ** 2, axis=2)
    sse = np.where(np.isnan(stacked).any(axis=2), np.inf, sse)
    return stacked[np.argmin(sse, axis=0), np.arange(design.shape[0])]


def fit_family(name: str, sizes: np.ndarray, errors: np.ndarray, nonnegative: bool) -> Fit | None:
    """Fit one family to per-size mean errors.

    Args:
        name: a key of ``FAMILIES``.
        sizes: training-set sizes (examples), shape (k,), distinct and positive.
        errors: mean error at each size, shape (k,).
        nonnegative: bound the asymptote (``c``, or ``a`` for ``logpower3``) at 0.

    Returns:
        The fit, or ``None`` with fewer than ``MIN_FIT_SIZES`` finite points.
    """
    keep = np.isfinite(errors) & np.isfinite(sizes) & (sizes > 0)
    n, y = np.asarray(sizes, float)[keep], np.asarray(errors, float)[keep]
    if len(np.unique(n)) < MIN_FIT_SIZES:
        return None
    family = FAMILIES[name]
    n_max = float(n.max())
    low, high = _bounds(family, nonnegative)
    linear = [p for p in family.params if p not in family.grid]
    index = {p: family.params.index(p) for p in family.params}
    grids = [g.ravel() for g in np.meshgrid(*family.grid.values(), indexing="ij")]
    # theta for every grid point, shape (G, p); the curve is linear in the other
    # parameters, so its design columns are the curve at unit values of each.
    base = np.zeros((len(grids[0]), len(family.params)))
    for name_, values in zip(family.grid, grids, strict=True):
        base[:, index[name_]] = values
    columns = []
    for p in linear:
        theta = base.copy()
        theta[:, index[p]] = 1.0
        columns.append(family.curve(n, theta, n_max))
    design = np.stack(columns, axis=-1)  # (G, k, len(linear))
    usable = np.isfinite(design).all(axis=(1, 2))
    if not usable.any():
        return None
    lin = _bounded_least_squares(design[usable], y, low[[index[p] for p in linear]],
                                 high[[index[p] for p in linear]])
    sse = np.sum((np.einsum("gkl,gl->gk", design[usable], lin) - y) ** 2, axis=1)
    g = int(np.argmin(sse))
    best, best_sse = base[usable][g].copy(), float(sse[g])
    for j, p in enumerate(linear):
        best[index[p]] = lin[g, j]
    start = np.clip(best, low, high)

    def residuals(theta):
        r = family.curve(n, theta, n_max) - y
        return np.where(np.isfinite(r), r, 1e6)

    refined = least_squares(residuals, start, bounds=(low, high), method="trf", max_nfev=50)
    theta = refined.x if np.sum(refined.fun ** 2) <= best_sse else start
    rmse = float(np.sqrt(np.mean(residuals(theta) ** 2)))
    return Fit(name, tuple(float(v) for v in theta), n_max, rmse)


@dataclass(frozen=True)
class Selection:
    """Held-out model selection of one side.

    Attributes:
        chosen: the family used for crossover and samples to target.
        holdout_error: family -> |predicted − measured| mean error at the largest size when
            fitted to the smaller ones (error units); empty when there are too few sizes.
        fits: family -> fit on every size.
        reason: one phrase saying how the family was chosen.
    """

    chosen: str
    holdout_error: dict[str, float]
    fits: dict[str, Fit]
    reason: str


def select_model(sizes: np.ndarray, errors: np.ndarray, nonnegative: bool) -> Selection | None:
    """Fit every family and choose the one that best predicts the largest size from the others.

    With fewer than ``MIN_SELECT_SIZES`` sizes nothing can be held out, and ``pow3`` is
    used. Returns ``None`` when not even ``pow3`` can be fitted (fewer than 3 sizes).
    """
    order = np.argsort(sizes)
    n, y = np.asarray(sizes, float)[order], np.asarray(errors, float)[order]
    fits = {name: fit_family(name, n, y, nonnegative) for name in FAMILY_ORDER}
    fits = {name: fit for name, fit in fits.items() if fit is not None}
    if "pow3" not in fits:
        return None
    if len(n) < MIN_SELECT_SIZES:
        return Selection("pow3", {}, fits, f"pow3 (fewer than {MIN_SELECT_SIZES} sizes: no size to hold out)")
    held: dict[str, float] = {}
    for name in fits:
        partial = fit_family(name, n[:-1], y[:-1], nonnegative)
        if partial is not None:
            held[name] = float(abs(partial.predict(n[-1]) - y[-1]))
    chosen = min(held, key=lambda k: (round(held[k], 12), FAMILY_ORDER.index(k))) if held else "pow3"
    return Selection(chosen, held, fits, f"{chosen} (best prediction of the largest size from the others)")
