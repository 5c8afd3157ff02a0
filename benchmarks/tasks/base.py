"""The task interface: what every task of e2ebench provides.

A task is one small self-describing unit (after torchbench and DeepOBS): it loads
its fixed training pool, validation split and test split, and it scores
predictions. The runner only talks to this interface, so it never branches on a
task's name. A task is registered by its config, ``conf/task/<name>.yaml``, which
names its class, its default dataset (``conf/dataset/``) and its ``pair``: the
default method of each approach (``conf/method/``). See ``benchmarks/tasks/ADDING.md``.
"""

from __future__ import annotations

import importlib
import numbers
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, Sequence

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from benchmarks.datasets.base import DatasetLoader, Split
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.splits import training_subset


@dataclass(frozen=True)
class TaskData:
    """A task's three fixed splits. ``train`` is the pool that subsets are drawn from."""

    train: Split
    val: Split
    test: Split
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitScores:
    """The primary metric on the test split, unit by unit.

    A unit is what the test split samples: an image, a gloss, an utterance, a
    track, a sentence. Both sides share the test split, so units pair across them, and a
    report can resample units as well as seeds (Bouthillier et al. 2021, MLSys:
    the test sample is a source of variance of its own). Written beside each
    record as ``units.npz``.

    Two forms. A ratio metric gives ``num`` and ``den`` per unit, and the metric is
    ``num.sum() / den.sum()`` (accuracy: correct and 1; WER: word errors and reference
    words; reward: the episode's reward and 1). A corpus metric that is no ratio (BLEU)
    gives each unit's sufficient statistics ``stats`` and a ``reducer``, a
    ``"module:function"`` path to a function from summed statistics ``(..., m)`` to the
    metric ``(...)``; the metric is ``reducer(stats.sum(0))``.

    Attributes:
        unit: ``(k,)`` unit ids: int64 indices into the test split, or track seeds.
        num, den: ``(k,)`` float64 parts of a ratio metric, or ``None``.
        group: ``(k,)`` the group of each unit (speaker, track), or ``None``.
        stats: ``(k, m)`` float64 sufficient statistics of a corpus metric, or ``None``.
        reducer: the ``"module:function"`` that turns summed ``stats`` into the metric.

    Raises:
        ValueError: neither or both forms are given.
    """

    unit: np.ndarray
    num: np.ndarray | None = None
    den: np.ndarray | None = None
    group: np.ndarray | None = None
    stats: np.ndarray | None = None
    reducer: str | None = None

    def __post_init__(self) -> None:
        ratio, corpus = self.num is not None and self.den is not None, self.stats is not None and bool(self.reducer)
        if ratio == corpus:
            raise ValueError("UnitScores needs either num and den, or stats and a reducer")

    @property
    def value(self) -> float:
        """The metric the units add up to."""
        return float(self.resampled(np.arange(len(self.unit))[None, :])[0])

    def resampled(self, index: np.ndarray) -> np.ndarray:
        """The metric over each row of unit positions ``index`` ``(r, k')`` (a bootstrap's draws): ``(r,)``."""
        if self.stats is None:
            return np.asarray(self.num)[index].sum(axis=1) / np.asarray(self.den)[index].sum(axis=1)
        module, _, name = str(self.reducer).partition(":")
        return np.asarray(getattr(importlib.import_module(module), name)(np.asarray(self.stats)[index].sum(axis=1)),
                          dtype=np.float64)

    def save(self, path: Path) -> None:
        """Write a compressed ``.npz``: ``unit``, then ``num`` and ``den`` or ``stats`` and ``reducer``, and ``group``."""
        arrays: dict[str, Any] = {"unit": self.unit}
        if self.stats is None:
            arrays |= {"num": self.num, "den": self.den}
        else:
            arrays |= {"stats": self.stats, "reducer": np.array(self.reducer)}
        if self.group is not None:
            group = np.asarray(self.group)
            # object arrays need pickle to load; the reader refuses pickles
            arrays["group"] = group.astype(str) if group.dtype == object else group
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "UnitScores":
        """Read a ``units.npz`` written by :meth:`save`.

        Raises:
            OSError, ValueError, KeyError: the file is missing or not a units file.
        """
        with np.load(path, allow_pickle=False) as data:
            group = data["group"] if "group" in data else None
            if "stats" in data:
                return cls(data["unit"], group=group, stats=data["stats"].astype(float), reducer=str(data["reducer"]))
            return cls(data["unit"], data["num"].astype(float), data["den"].astype(float), group)


class Task(ABC):
    """One benchmark task: data, splits and metrics, shared by both approaches.

    Subclasses set the class attributes and implement :meth:`load` and
    :meth:`evaluate`. Splits must not depend on the run's seed: only the
    training subset does (see :meth:`training_indices`).
    """

    #: short name used in configs and records, e.g. ``"image"``
    name: str = ""
    #: the loader of the run's dataset (set by the subclass's ``__init__``)
    dataset: DatasetLoader
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

    def unit_scores(self, data: TaskData, test_pred: Any) -> UnitScores | None:
        """The primary metric per test unit (:class:`UnitScores`), or ``None`` if it does not decompose.

        Called after :meth:`extra_metrics`, with the same predictions.
        """
        return None

    def task_info(self, data: TaskData, train: Split) -> dict[str, Any]:
        """Facts about the run beyond its metrics, for the record's ``task_info``; ``{}`` for none.

        Examples: the metric's signature (sacrebleu), the training subset's size in
        words. Called once per run with the task's splits and the run's training subset.
        """
        return {}

    def cache_key(self) -> str:
        """A string that identifies the loaded data (used to reuse it across jobs)."""
        params = {k: v.cache_key() if isinstance(v, DatasetLoader) else v for k, v in vars(self).items()
                  if not k.startswith("_")}
        return repr(sorted(params.items()))

    def training_indices(self, pool: Split, train_size: int | None, seed: int) -> np.ndarray:
        """Indices of the run's training subset: nested and stratified by label."""
        return training_subset(pool.y, train_size, seed)

    def trivial_score(self, data: TaskData) -> tuple[str, float, bool]:
        """What predicting the training pool's most common target for every test example scores.

        The floor a method must clear to count as learning (``tests/test_contract.py``):
        the majority class for a classifier, the most common transcript for speech.

        Returns:
            ``(metric, score, higher_is_better)`` of the primary metric.
        """
        values, counts = np.unique(np.asarray(data.train.y), return_counts=True)
        guess = values[np.argmax(counts)]
        predictions = np.array([guess] * len(data.test), dtype=np.asarray(data.train.y).dtype)
        return self.primary_metric, self.evaluate(data.test.y, predictions)[self.primary_metric], self.higher_is_better


class ClassificationTask(Task, ABC):
    """A task whose targets are class labels; scored by accuracy and macro-F1.

    The protocol (README: The protocol): the dataset's own test split is the test
    split; a dataset without one gets a stratified ``test_size`` carved first. A
    stratified ``val_size`` is then carved from the rest, and what remains is the
    training pool. Carving uses ``split_seed``, never the run's seed, so both
    approaches and every seed see the same three splits. When the dataset gives
    groups (a writer, a speaker), splits are carved by group instead, so no group
    is in two splits.

    Robustness (:meth:`extra_metrics`): the fitted model also classifies a fixed
    stratified subset of ``corruption_size`` test examples under each of
    ``corruptions`` (the subclass's :attr:`corrupt_inputs`, e.g. MNIST-C-style image
    corruptions) at severities 1..5, recorded as
    ``accuracy@corruption=<name>,severity=<s>``, the mean over corruptions as
    ``accuracy@severity=<s>``, and the subset's clean accuracy as
    ``accuracy@severity=0``. The same corrupted inputs go to both sides.

    Args:
        dataset: the loader of the ``dataset`` config (``conf/dataset/<name>.yaml``).
        val_size: validation examples carved from the dataset's training split.
        test_size: test examples carved first when the dataset has no test split
            (ignored when it has one).
        split_seed: seed of the carving.
        corruptions: names from :attr:`CORRUPTIONS` to evaluate, ``None`` or ``[]`` for none.
        corruption_size: test examples corrupted (a fixed subset; all if fewer).
        corruption_seed: seeds the subset and the corruptions (never the run's seed).

    Raises (from :meth:`load`):
        ConfigError: a size is not a positive integer smaller than what it is carved from.
        DataUnavailable: from the loader; or the dataset has fewer than two classes, or
            a class too rare to be stratified.
    """

    #: the corruptions this task's inputs can take (none by default) ...
    CORRUPTIONS: tuple[str, ...] = ()
    #: ... and ``f(inputs, name, severity, seed) -> corrupted inputs`` applying one
    corrupt_inputs: Callable[[Any, str, int, int], Any] | None = None

    _parameter_constraints = {
        "val_size": positive_int(),
        "test_size": positive_int(allow_none=True),
        "split_seed": [Interval(numbers.Integral, 0, None, closed="left")],
        "corruptions": [list, tuple, None],
        "corruption_size": positive_int(),
        "corruption_seed": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, dataset: DatasetLoader, val_size: int = 5000, test_size: int | None = None,
                 split_seed: int = 0, corruptions: Sequence[str] | None = None, corruption_size: int = 1000,
                 corruption_seed: int = 0) -> None:
        self.dataset = dataset
        self.val_size = val_size
        self.test_size = test_size
        self.split_seed = split_seed
        self.corruptions = None if corruptions is None else list(corruptions)
        self.corruption_size = corruption_size
        self.corruption_seed = corruption_seed

    def load(self) -> TaskData:
        check_params(self, self._parameter_constraints, "task.")
        unknown = sorted(set(self.corruptions or ()) - set(self.CORRUPTIONS))
        if unknown:
            raise ConfigError(f"task.corruptions: unknown corruption {', '.join(unknown)}; the {self.name} task "
                              f"has {', '.join(self.CORRUPTIONS) or 'none'}")
        corpus = self.dataset.load()
        classes = corpus.classes or tuple(str(c) for c in range(int(np.max(corpus.train.y)) + 1))
        if len(np.unique(corpus.train.y)) < 2:
            raise DataUnavailable(f"the dataset has {len(np.unique(corpus.train.y))} class in its training "
                                  f"split; classification needs at least 2")
        rest, test = corpus.train, corpus.test
        if test is None:
            if self.test_size is None:
                raise ConfigError("the dataset has no test split of its own: set task.test_size to carve one")
            rest, test = self._carve(rest, self.test_size, "task.test_size")
        pool, val = (rest, corpus.val) if corpus.val is not None else self._carve(rest, self.val_size, "task.val_size")
        return TaskData(train=pool, val=val, test=test, info={"classes": list(classes), **corpus.info})

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """Accuracy under each corruption and severity on a fixed test subset (see the class docstring)."""
        if not self.corruptions:
            return {}
        subset = np.sort(training_subset(data.test.y, min(self.corruption_size, len(data.test)),
                                         self.corruption_seed))
        X = data.test.take(subset).X
        y = np.asarray(data.test.y)[subset]
        out = {"accuracy@severity=0": float(np.mean(np.asarray(test_pred)[subset] == y))}
        for severity in range(1, 6):
            for name in self.corruptions:
                pred = np.asarray(estimator.predict(self.corrupt_inputs(X, name, severity, self.corruption_seed)))
                out[f"accuracy@corruption={name},severity={severity}"] = float(np.mean(pred == y))
            out[f"accuracy@severity={severity}"] = float(np.mean(
                [out[f"accuracy@corruption={name},severity={severity}"] for name in self.corruptions]))
        return out

    def unit_scores(self, data: TaskData, test_pred: Any) -> UnitScores:
        """One unit per test example: 1.0 if it was classified right, else 0.0 (accuracy's parts)."""
        correct = (np.asarray(test_pred) == np.asarray(data.test.y)).astype(np.float64)
        return UnitScores(np.arange(len(correct)), correct, np.ones_like(correct), data.test.groups)

    def _carve(self, split: Split, size: int, key: str) -> tuple[Split, Split]:
        """``(the rest, size examples)`` of ``split``: stratified by label, or by group when it has groups."""
        if not size < len(split):
            raise ConfigError(f"{key}={size} must be smaller than the {len(split)} examples it is carved from")
        index = np.arange(len(split))
        if split.groups is not None:
            splitter = GroupShuffleSplit(n_splits=1, test_size=size / len(split), random_state=self.split_seed)
            rest_idx, part_idx = next(splitter.split(index, groups=split.groups))
        else:
            try:
                rest_idx, part_idx = train_test_split(index, test_size=size, stratify=split.y,
                                                      random_state=self.split_seed)
            except ValueError as exc:  # a class with one example, or fewer examples than classes
                raise DataUnavailable(f"cannot carve {key}={size} stratified by class: {exc}") from exc
        return split.take(rest_idx), split.take(part_idx)


    def evaluate(self, y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
        """Accuracy and macro-F1 (sklearn), both in [0, 1]."""
        from sklearn.metrics import accuracy_score, f1_score

        return {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro")),
        }
