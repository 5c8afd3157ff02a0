"""A PD steering controller whose two gains are fitted to the expert's steering."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import HuberRegressor


class PDController(RegressorMixin, BaseEstimator):
    """``steer = clip(kp * offset + kd * heading, -1, 1)``.

    The proportional term acts on the road's lateral offset in the near band;
    the derivative-like term on the heading (how the road's centre moves from
    the near to the far band, a spatial stand-in for the offset's rate of
    change: a single frame has no time derivative). The gains are fitted to the
    expert's steering on the training frames whose label is not saturated (the
    clip handles those) with the Huber loss (``sklearn.linear_model.HuberRegressor``;
    Huber 1964): frames where perception fails, such as recoveries from the
    grass, are outliers that pulled least-squares gains down by a quarter at 5k
    frames. The controller has exactly two learned numbers.

    Input ``X``: ``(n, 2)`` ``[offset, heading]`` (``pipelines.road_perception``).
    Output: ``(n,)`` float32 steering in [-1, 1] (positive: right).

    Args:
        saturation: labels with ``|steer|`` at or above this are left out of the fit.
        epsilon: the Huber loss's threshold (scikit-learn's default, 1.35).

    Attributes (after ``fit``): ``coef_`` ``(2,)`` float64, ``[kp, kd]``.

    Raises:
        ValueError: ``X`` is not ``(n, 2)``, or no training frame is unsaturated.
    """

    #: the gains are least squares on the training frames
    optimisation: str | None = "closed form"

    def __init__(self, saturation: float = 0.98, epsilon: float = 1.35) -> None:
        self.saturation = saturation
        self.epsilon = epsilon

    def fit(self, X: np.ndarray, y: np.ndarray) -> "PDController":
        X, y = self._check(X), np.asarray(y, dtype=np.float64)
        keep = np.abs(y) < self.saturation
        if not keep.any():
            raise ValueError("PDController: every training label is saturated; nothing to fit the gains on")
        self.coef_ = HuberRegressor(fit_intercept=False, epsilon=self.epsilon).fit(X[keep], y[keep]).coef_
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self._check(X) @ self.coef_, -1.0, 1.0).astype(np.float32)

    @staticmethod
    def _check(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"PDController expects (n, 2) [offset, heading] features, got shape {X.shape}")
        return X
