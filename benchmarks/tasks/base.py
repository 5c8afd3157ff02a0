"""The task interface: what every task of e2ebench provides.

A task is one small self-describing unit (after torchbench and DeepOBS): it loads
its fixed training pool, validation split and test split, and it scores
predictions. The runner only talks to this interface, so it never branches on a
task's name; each task's default methods for the two approaches live beside its
Hydra config (``conf/method/<task>_<approach>.yaml``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.splits import training_subset


@dataclass(frozen=True)
class Split:
    """Inputs and targets of one split.

    Attributes:
        X: inputs, indexable by an integer array along the first axis (an
            ``np.ndarray`` for images, a sequence of strings for text, ...).
        y: targets, shape ``(n,)``.
        groups: optional group label per example (voice, track, ...), ``(n,)``.
    """

    X: Any
    y: np.ndarray
    groups: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.y)

    def take(self, indices: np.ndarray) -> "Split":
        """The examples at ``indices``, in that order."""
        indices = np.asarray(indices, dtype=np.int64)
        X = self.X[indices] if isinstance(self.X, np.ndarray) else [self.X[i] for i in indices]
        groups = None if self.groups is None else self.groups[indices]
        return Split(X, self.y[indices], groups)


@dataclass(frozen=True)
class TaskData:
    """A task's three fixed splits. ``train`` is the pool that subsets are drawn from."""

    train: Split
    val: Split
    test: Split
    info: dict[str, Any] = field(default_factory=dict)


class Task(ABC):
    """One benchmark task: data, splits and metrics, shared by both approaches.

    Subclasses set the class attributes and implement :meth:`load` and
    :meth:`evaluate`. Splits must not depend on the run's seed: only the
    training subset does (see :meth:`training_indices`).
    """

    #: short name used in configs and records, e.g. ``"image"``
    name: str = ""
    #: dataset name for the record, e.g. ``"fashion_mnist"``
    dataset: str = ""
    #: the metric that tables and learning curves show
    primary_metric: str = "accuracy"
    higher_is_better: bool = True

    @abstractmethod
    def load(self) -> TaskData:
        """Load (or build and cache) the training pool, validation and test splits.

        Raises:
            benchmarks.errors.DataUnavailable: the data source is missing.
        """

    @abstractmethod
    def evaluate(self, y_true: Any, y_pred: Any) -> dict[str, float]:
        """Score predictions; keys are metric names, including ``primary_metric``."""

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """Test metrics that need more than predictions on the test split.

        Called once per run, after :meth:`evaluate` on the test split, and not
        timed as prediction cost. Examples: closed-loop driving with the fitted
        estimator, or a metric broken down by condition. A breakdown is named
        ``<metric>@<factor>=<level>[,<factor>=<level>...]``, e.g. ``wer@snr=10``
        or ``wer@voices=heldout,snr=0``; the report plots a metric against a
        factor whose levels are numbers (``clean`` is allowed for SNR).

        Args:
            estimator: the fitted estimator of the run.
            data: the task's splits.
            test_pred: what ``estimator.predict(data.test.X)`` returned.
            artifacts_dir: a folder (not yet created) for files worth keeping,
                such as figures; every file written there is listed in the
                record's ``artifacts`` and shown by the report.

        Returns:
            Extra metric names and values, merged into the record's ``metrics``.
        """
        return {}

    def cache_key(self) -> str:
        """A string that identifies the loaded data (used to reuse it across jobs)."""
        return repr(sorted(vars(self).items()))

    def training_indices(self, pool: Split, train_size: int | None, seed: int) -> np.ndarray:
        """Indices of the run's training subset: nested and stratified by label."""
        return training_subset(pool.y, train_size, seed)


class ClassificationTask(Task, ABC):
    """A task whose targets are class labels; scored by accuracy and macro-F1."""

    def evaluate(self, y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
        """Accuracy and macro-F1 (sklearn), both in [0, 1]."""
        from sklearn.metrics import accuracy_score, f1_score

        return {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro")),
        }
