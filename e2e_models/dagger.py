"""DAgger for the driving task: the expert relabels the frames the trained model visits."""

from __future__ import annotations

import logging
import numbers
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from benchmarks.driving_sim import drive
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.experts.pure_pursuit import PurePursuit
from e2e_models.estimator import LightningEstimator

log = logging.getLogger(__name__)


class DAgger(BaseEstimator):
    """Dataset Aggregation (Ross, Gordon & Bagnell 2011, "A Reduction of Imitation
    Learning and Structured Prediction to No-Regret Online Learning", AISTATS).

    Round 0 is behaviour cloning on the first part of the training frames. Each
    later round drives the current model (β = 0: the model alone steers, with
    the shared speed rule) on training tracks, lets the pure-pursuit expert label
    every frame it visits, adds those frames to the data, and trains again from
    scratch on the aggregate (``base.fit``, with its full candidate search).

    Expert labels are the data cost, so they count in ``train_size``: of the
    ``n`` training frames given to :meth:`fit`, only the first
    ``n - round(relabel_fraction * n)`` are used (a prefix of the task's nested
    order); the rest of the budget goes to relabelled frames, split evenly over
    the rounds. A run with ``train_size=n`` therefore uses exactly ``n`` expert
    labels, like behaviour cloning.

    Args:
        base: the ``LightningEstimator`` trained in every round (a PilotNet).
        rounds: relabelling rounds after the first fit.
        relabel_fraction: share of the label budget spent on relabelled frames, in [0, 1).
        train_seed, n_tracks: the training tracks the rollouts may use, seeds
            ``train_seed .. train_seed + n_tracks - 1`` (the dataset's, from its
            config), visited in an order seeded by ``seed``.
        seed: seeds the track order (the base has its own seed).

    Attributes (after ``fit``): those of ``base`` (``best_params_``,
    ``search_results_`` of the last round, ``n_params_``), ``train_flops_``
    summed over rounds, ``feature_time_s_`` (0.0), ``n_relabelled_`` (int).

    Raises:
        ConfigError: ``rounds`` < 1, ``relabel_fraction`` outside [0, 1), or bad track seeds.
    """

    #: every round retrains the base network from scratch (benchmarks/simplicity.py)
    solves_base = "rounds"

    _parameter_constraints = {
        "rounds": positive_int(),
        "relabel_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "train_seed": [Interval(numbers.Integral, 0, None, closed="left")],
        "n_tracks": positive_int(),
    }

    def __init__(self, base: LightningEstimator, rounds: int = 2, relabel_fraction: float = 0.4,
                 train_seed: int = 1000, n_tracks: int = 60, seed: int = 0) -> None:
        self.base = base
        self.rounds = rounds
        self.relabel_fraction = relabel_fraction
        self.train_seed = train_seed
        self.n_tracks = n_tracks
        self.seed = seed

    def fit(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray) -> "DAgger":
        """Behaviour cloning on a prefix of ``X`` ``(n, 96, 96, 3)`` uint8 with steering ``y``
        ``(n,)`` float32 in [-1, 1], then ``rounds`` of expert relabelling; returns ``self``."""
        check_params(self, self._parameter_constraints, "method.wrapper.")
        n_extra = int(round(self.relabel_fraction * len(y)))
        X, y = X[:len(y) - n_extra], np.asarray(y[:len(y) - n_extra], dtype=np.float32)
        per_round = np.diff(np.linspace(0, n_extra, self.rounds + 1).round().astype(int))
        tracks = iter(self.train_seed + np.random.default_rng(self.seed).permutation(self.n_tracks))
        expert = PurePursuit()
        flops = 0
        self.base.fit(X, y, X_val, y_val)
        flops += self.base.train_flops_
        for r, want in enumerate(per_round):
            if want == 0:  # a label budget too small to share out over the rounds
                continue
            frames, labels = [], []
            while len(labels) < want:
                track = int(next(tracks, self.train_seed))
                ep = drive(self._steer, track, max_steps=50 + want - len(labels), label_fn=expert, record=True)
                frames += ep.frames
                labels += ep.labels
                log.info("DAgger round %d: track %d, %d frames relabelled, %d off-track steps",
                         r + 1, track, len(ep.labels), ep.offtrack_steps)
            X = np.concatenate([X, np.stack(frames)])
            y = np.concatenate([y, np.asarray(labels, dtype=np.float32)])
            self.base.fit(X, y, X_val, y_val)
            flops += self.base.train_flops_
        self.n_relabelled_ = n_extra
        self.train_flops_ = flops
        for name in ("best_params_", "best_score_", "search_results_", "search_metric_", "search_higher_is_better_",
                     "n_params_"):
            setattr(self, name, getattr(self.base, name))
        self.feature_time_s_ = 0.0
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Steering ``(n,)`` float32 for ``(n, 96, 96, 3)`` uint8 frames (``NotFittedError`` before ``fit``)."""
        check_is_fitted(self, "n_relabelled_")
        return self.base.predict(X)

    def _steer(self, frame: np.ndarray, env: Any) -> float:
        return float(self.base.predict(frame[None])[0])
