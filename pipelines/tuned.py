"""A scikit-learn Pipeline tuned on the validation split: the estimator of every ``pipeline`` method."""

from __future__ import annotations

import logging
import numbers
import time
from typing import Any, Mapping

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from benchmarks.errors import ConfigError, UserError
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.tuning import check_fixed_settings, search

log = logging.getLogger(__name__)

#: training examples the feature steps are tried on with each grid value before tuning
N_CHECK = 8


class TunedPipeline(ClassifierMixin, BaseEstimator):
    """Fit ``pipeline`` for each candidate of ``param_grid``; keep the best on validation.

    The steps before the last are the handcrafted features; the last step is the
    learner. Features are computed once per distinct feature configuration and
    reused across learner settings, so ``feature_time_s_`` is the honest cost of
    the feature stage. The chosen model is trained on the training subset only:
    the validation split is used for selection, never for fitting. Implements
    :class:`benchmarks.estimator.Estimator`; the search is :func:`benchmarks.tuning.search`.

    Args:
        pipeline: an unfitted ``sklearn.pipeline.Pipeline`` of feature steps and a final learner.
        param_grid: ``{"<step>__<param>": [values]}`` to search.
        budget: at most this many configurations (shared with the e2e side).
        seed: seeds the learner (``random_state`` when it has one) and the grid sample.
        scoring: the validation score that selects the candidate, a scikit-learn
            scorer name (higher is better): ``"accuracy"`` for classifiers,
            ``"neg_mean_absolute_error"`` for a regressor such as a steering controller;
            ``None``: the learner's own ``score`` (higher is better), named by its
            ``score_name`` (a translation system's BLEU).

    Attributes (after ``fit``):
        best_params_ (dict), best_score_ (float, validation ``scoring``),
        search_results_ (list of ``{"params", "val_score", "fit_time_s"}``), search_metric_
        (``"val_<scoring>"``) and search_higher_is_better_ (True),
        feature_time_s_ (float, seconds in feature steps during fit),
        n_params_ (int, learned numbers in all fitted steps), seeded_ (False when a step
        declares ``seeded = False``: it cannot be seeded), train_flops_ (None:
        not counted for classical learners), features_ (the fitted feature
        Pipeline), learner_ (the fitted final step).
    """

    _parameter_constraints = {
        "budget": positive_int(),
        # numpy's SeedSequence takes no negative seed, Lightning's seed_everything none of 2**32 or more
        "seed": [Interval(numbers.Integral, 0, 2**32 - 1, closed="both")],
        "scoring": [str, None],
    }

    def __init__(self, pipeline: Pipeline, param_grid: Mapping[str, list] | None = None,
                 budget: int = 4, seed: int = 0, scoring: str | None = "accuracy", logger: Any = None) -> None:
        self.pipeline = pipeline
        self.param_grid = param_grid
        self.budget = budget
        self.seed = seed
        self.scoring = scoring
        self.logger = logger

    def warm_up(self) -> None:
        """Let each step with a ``warm_up()`` pay its one-off process costs (JIT compilation) before timing."""
        for _, step in self.pipeline.steps:
            if hasattr(step, "warm_up"):
                step.warm_up()

    def fit(self, X: Any, y: np.ndarray, X_val: Any, y_val: np.ndarray) -> "TunedPipeline":
        """Fit each candidate on ``(X, y)`` and score it on ``(X_val, y_val)``; keep the best.

        ``X``/``X_val`` are what the feature steps take (images ``(n, H, W)`` uint8,
        strings, waveforms), ``y``/``y_val`` the ``(n,)`` labels. Returns ``self``.
        """
        check_params(self, self._parameter_constraints, "method.estimator.")
        scorer = get_scorer(self.scoring) if self.scoring is not None else \
            (lambda fitted, F, y_true: fitted.score(F, y_true))
        learner_name = self.pipeline.steps[-1][0]
        prefix = learner_name + "__"
        check_fixed_settings(self.pipeline.get_params(deep=True), self.param_grid)
        self._check_feature_grid(X, y, prefix)
        feature_cache: dict[str, tuple[Pipeline, Any, Any]] = {}
        self.feature_time_s_ = 0.0

        def fit_candidate(trial: int, params: dict[str, Any]):
            feature_params = {k: v for k, v in params.items() if not k.startswith(prefix)}
            learner_params = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}
            # repr, not the items: list values (an n-gram range from YAML) are unhashable
            key = repr(sorted(feature_params.items()))
            if key not in feature_cache:
                start = time.perf_counter()
                features = clone(self.pipeline[:-1]).set_params(**feature_params)
                F_train = features.fit_transform(X, y)
                F_val = features.transform(X_val)
                self.feature_time_s_ += time.perf_counter() - start
                feature_cache[key] = (features, F_train, F_val)
            features, F_train, F_val = feature_cache[key]
            start = time.perf_counter()
            learner = clone(self.pipeline[-1]).set_params(**learner_params)
            if "random_state" in learner.get_params():
                learner.set_params(random_state=self.seed)
            learner.fit(F_train, y)
            score = scorer(learner, F_val, np.asarray(y_val))
            return score, (features, learner), {"fit_time_s": time.perf_counter() - start}

        # scikit-learn scorers are higher-is-better (errors are negated: neg_mean_absolute_error)
        name = self.scoring or getattr(self.pipeline[-1], "score_name", "score")
        self.search_metric_, self.search_higher_is_better_ = f"val_{name}", True
        self.best_score_, self.best_params_, (features, learner), self.search_results_ = search(
            self.param_grid, self.budget, self.seed, fit_candidate, metric=self.search_metric_, logger=self.logger)
        # Kept as two fitted parts: a Pipeline assembled from fitted steps is
        # "not fitted" to scikit-learn, since its own fit never ran.
        self.features_, self.learner_ = features, learner
        self.classes_ = learner.classes_ if hasattr(learner, "classes_") else np.unique(y)
        self.n_params_ = sum(_count_learned_numbers(step) for _, step in features.steps) \
            + _count_learned_numbers(learner)
        self.train_flops_ = None
        self.seeded_ = all(getattr(step, "seeded", True) for _, step in features.steps) and \
            getattr(learner, "seeded", True)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The learner's predictions ``(n,)`` on the features of ``X`` (raises ``NotFittedError`` before ``fit``)."""
        check_is_fitted(self, "learner_")
        return self.learner_.predict(self.features_.transform(X))

    def _check_feature_grid(self, X: Any, y: np.ndarray, learner_prefix: str) -> None:
        """Run the feature steps with every grid value on a few training examples.

        The budget samples the grid, so without this a bad value would fail only
        the seeds whose sample draws it.

        Raises:
            ConfigError: a feature setting fails; names the setting and the step's error.
        """
        grid = {key: list(values) for key, values in dict(self.param_grid or {}).items()
                if not key.startswith(learner_prefix)}
        # the steps as tuning first builds them, then one grid value changed at a time
        first = {key: values[0] for key, values in grid.items()}
        for key, value in [(None, None)] + [(key, value) for key, values in grid.items() for value in values]:
            try:
                features = clone(self.pipeline[:-1]).set_params(**(first | ({} if key is None else {key: value})))
                features.fit_transform(X[:N_CHECK], np.asarray(y)[:N_CHECK])
            except (ValueError, TypeError, UserError) as exc:  # UserError: a step's declared constraints
                where = "the method's feature steps fail" if key is None else f"param_grid.{key}={value!r} fails"
                raise ConfigError(f"{where} on the training data: {exc}") from exc


def _count_learned_numbers(estimator: BaseEstimator) -> int:
    """Numbers a fitted estimator learned: sizes of its numeric array attributes ending in ``_``."""
    return sum(
        value.size for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("_") and name != "classes_"
        and isinstance(value, np.ndarray) and value.dtype.kind in "fiu"
    )
