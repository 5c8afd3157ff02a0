"""Tuning effort and the simplicity vector of a run, for the claim "e2e is simpler".

Tuning effort after Dodge, Gururangan, Card, Schwartz & Smith 2019 ("Show Your Work:
Improved Reporting of Experimental Results", EMNLP): the expected best validation
score after ``k`` trials drawn at random from the ``N`` a run tried,

    E[max_k] = sum_i v_(i) [(i / N)^k - ((i - 1) / N)^k],   v_(1) <= ... <= v_(N),

and the trials a method needs to get 95% of the way from one trial's expected score
(``E[max_1]``, the mean) to its best: a scale-free reading that works for accuracies
and for losses alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["QUOTED_SHARE", "expected_max", "run_simplicity", "trials_to_reach"]

#: the share of the way from one trial's expected score to the best that "reached" means
QUOTED_SHARE = 0.95


def expected_max(scores: Sequence[float], k: int, higher_is_better: bool = True) -> float:
    """The expected best of ``k`` scores drawn with replacement from ``scores`` (Dodge et al. 2019).

    Raises:
        ValueError: no scores, or ``k`` < 1.
    """
    v = np.sort(np.asarray(scores, dtype=float))
    if v.size == 0 or k < 1:
        raise ValueError(f"expected_max needs scores and k >= 1, got {v.size} scores and k={k}")
    if not higher_is_better:
        return -expected_max(-v, k)
    n = v.size
    i = np.arange(1, n + 1)
    return float(np.sum(v * ((i / n) ** k - ((i - 1) / n) ** k)))


def trials_to_reach(scores: Sequence[float], higher_is_better: bool = True, share: float = QUOTED_SHARE) -> int:
    """The fewest trials whose expected best gets ``share`` of the way from one trial's to the best score."""
    n = len(scores)
    one = expected_max(scores, 1, higher_is_better)
    best = expected_max(scores, n, higher_is_better)  # the best trial itself
    goal = one + share * (best - one)
    for k in range(1, n + 1):
        reached = expected_max(scores, k, higher_is_better)
        if (reached >= goal - 1e-12) if higher_is_better else (reached <= goal + 1e-12):
            return k
    return n


def run_simplicity(record: dict[str, Any]) -> dict[str, Any] | None:
    """A record's simplicity vector with its tuning effort (``trials_to_95``), or ``None``.

    Records made before the runner wrote ``simplicity`` get it computed from their
    resolved method config (:func:`benchmarks.simplicity.simplicity`, today's code).
    """
    vector = record.get("simplicity")
    if not isinstance(vector, dict):
        method = (record.get("config") or {}).get("method") if isinstance(record.get("config"), dict) else None
        if not isinstance(method, dict):
            return None
        try:
            from benchmarks.simplicity import simplicity

            vector = simplicity(method)
        except (ImportError, AttributeError, KeyError, TypeError, ValueError):  # a foreign or partial config
            return None
    vector = {k: v for k, v in vector.items() if k != "stages"}  # a list: the table names them instead
    tuning = record.get("tuning") if isinstance(record.get("tuning"), dict) else {}
    scores = [t.get("val_score") for t in tuning.get("trials") or [] if isinstance(t, dict)]
    scores = [s for s in scores if isinstance(s, (int, float)) and math.isfinite(s)]
    if scores and isinstance(tuning.get("higher_is_better"), bool):
        vector["trials_to_95"] = trials_to_reach(scores, tuning["higher_is_better"])
        vector["trials"] = len(scores)
    return vector
