"""The estimator contract: what the runner needs of every method, pipeline or network.

A method's config names an estimator (``method.estimator._target_``); the runner
instantiates it, calls :meth:`Estimator.fit` on the run's training subset with the
validation split beside it, then :meth:`Estimator.predict` on the validation and
test splits, and writes the fitted attributes into the run record. Both approaches
implement it once: ``pipelines.tuned.TunedPipeline`` and
``e2e_models.estimator.LightningEstimator``; both tune with the one search loop,
:func:`benchmarks.tuning.search`. A method may wrap its estimator in another that
honours the same contract (``method.wrapper``: DAgger around PilotNet).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["Estimator", "FITTED_ATTRIBUTES"]

#: The fitted attributes the run record reads (README: The run record).
FITTED_ATTRIBUTES = ("best_params_", "search_results_", "feature_time_s_", "train_flops_", "n_params_")


@runtime_checkable
class Estimator(Protocol):
    """A method of either approach, tuned on the validation split within ``tuning.budget``.

    Attributes (after ``fit``):
        best_params_: the chosen candidate's parameters (``{}`` with no grid).
        search_results_: one dict per candidate tried, ``{"params", "val_score", ...}``.
        feature_time_s_: seconds of ``fit`` spent in handcrafted feature steps (0.0 for networks).
        train_flops_: forward + backward FLOPs of all training steps, or ``None`` where
            they are not counted (classical learners).
        n_params_: learned numbers of the fitted model.

    Optional: ``search_metric_`` and ``search_higher_is_better_``, the validation score
    the trials are ranked by and its direction (the report's tuning-effort curve needs it);
    ``seeded_``: ``False`` when a component cannot be seeded (eflomal's sampler), so a rerun
    with the same seed gives other numbers (recorded as ``env.seeded``; ``True`` if absent).
    """

    best_params_: dict[str, Any]
    search_results_: list[dict[str, Any]]
    feature_time_s_: float
    train_flops_: int | None
    n_params_: int

    def fit(self, X: Any, y: Any, X_val: Any, y_val: Any) -> "Estimator":
        """Tune on ``(X_val, y_val)``, train on ``(X, y)`` only; return ``self``.

        ``X`` is what the task gives (``Split.X``: images, strings, waveforms,
        frames), ``y`` the ``(n,)`` targets.
        """

    def predict(self, X: Any) -> Any:
        """Predictions for ``X``, ``(n,)`` or a list of ``n`` items, in the task's target format.

        Raises:
            sklearn.exceptions.NotFittedError: ``fit`` has not run.
        """
