"""The base of feature steps that learn nothing from data (HOG, LBP, road perception)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


class StatelessTransformer(TransformerMixin, BaseEstimator):
    """A scikit-learn transformer whose output depends only on its parameters and input.

    ``fit`` learns nothing; it only runs the subclass's ``_check(X)``, so that a bad
    parameter or input fails at ``fit`` as scikit-learn expects. The transformer counts
    as fitted from the start, so ``transform`` works on an unfitted copy too.

    Raises:
        ValueError: from the subclass's ``_check``.
    """

    #: the training problem this stage solves (benchmarks/simplicity.py); None: a designed stage
    optimisation: str | None = None

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X: Any, y: np.ndarray | None = None) -> "StatelessTransformer":
        self._check(np.asarray(X))
        return self

    def _check(self, X: np.ndarray) -> Any:
        """Raise ``ValueError`` naming the problem when ``X`` or a parameter is unusable."""
        raise NotImplementedError
