"""The text task: the supersense of a WordNet noun gloss (24 classes), or AG News (4 classes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from benchmarks.datasets.ag_news import HF_PATH, load_ag_news
from benchmarks.datasets.wordnet import DEFAULT_PATH, load_wordnet_glosses
from benchmarks.errors import ConfigError
from benchmarks.tasks.base import ClassificationTask, Split, TaskData

SOURCES = ("embedded", "hf")


class TextTask(ClassificationTask):
    """Classify a short English text; inputs are raw strings.

    ``embedded`` (default, offline): WordNet 3.0 noun glosses labelled by their
    lexicographer file (supersense), from the Debian package ``wordnet-base``
    (see :mod:`benchmarks.datasets.wordnet`): 81,411 distinct glosses in 24
    classes; the majority class, ``noun.artifact``, is 14%. WordNet has no
    official split, so a stratified ``test_size`` is held out first, then a
    stratified ``val_size`` from the rest; both are drawn with ``split_seed``,
    never the run's seed, and the test split does not move when ``val_size``
    changes. With the defaults: 10,000 test, 5,000 validation, 66,411 pool.
    Duplicate glosses are removed before splitting, so no test gloss appears
    verbatim in the pool. Glosses of sibling synsets can still share phrasing
    ("a genus of ..."); the splits are stratified by class, not grouped.

    ``hf``: AG News (Zhang, Zhao & LeCun 2015) through Hugging Face ``datasets``
    (:mod:`benchmarks.datasets.ag_news`): its own 7,600-article test split is
    the test split (``test_size`` is not used) and a stratified ``val_size`` of
    its 120,000 training articles is the validation split.

    Inputs ``X`` are ``(n,)`` numpy object arrays of Python ``str`` (so
    :meth:`Split.take` indexes them like any array); targets ``(n,)`` int64
    class indices. Each side turns strings into numbers itself: the pipeline
    with TF-IDF, the e2e model with its own byte encoding.

    Args:
        source: ``"embedded"`` or ``"hf"``.
        data_dir: dataset cache for ``hf`` (``<data_dir>/huggingface``).
        val_size: validation examples, taken from what is left after the test split.
        test_size: test examples held out from WordNet (``embedded`` only).
        split_seed: seed of the fixed splits.
        path: ``data.noun`` for ``embedded``; the hub id or a local copy of the
            hub repository for ``hf``. ``None``: the source's default.

    Raises (from :meth:`load`):
        ConfigError: unknown ``source``, or the split sizes do not fit the data.
        DataUnavailable: the data is missing or malformed (the message says how to fix it).
    """

    name = "text"
    primary_metric = "accuracy"

    def __init__(self, source: str = "embedded", data_dir: str | Path | None = None, val_size: int = 5000,
                 test_size: int = 10000, split_seed: int = 0, path: str | Path | None = None) -> None:
        self.source = source
        self.data_dir = data_dir
        self.val_size = val_size
        self.test_size = test_size
        self.split_seed = split_seed
        self.path = path

    @property
    def dataset(self) -> str:  # type: ignore[override]  # the record names the source's dataset
        return "wordnet_supersense" if self.source == "embedded" else "ag_news"

    def load(self) -> TaskData:
        # checked here, not in __init__: Hydra's instantiate would wrap the error
        if self.source not in SOURCES:
            raise ConfigError(f"unknown data.source {self.source!r} for task=text; "
                              f"valid sources: {', '.join(SOURCES)}")
        if self.source == "hf":
            data = load_ag_news(self.data_dir, str(self.path or HF_PATH))
            pool_X, pool_y, test = data.X_train, data.y_train, Split(data.X_test, data.y_test)
            classes, stats = data.classes, {}
        else:
            glosses = load_wordnet_glosses(self.path or DEFAULT_PATH)
            _check_size("task.test_size", self.test_size, len(glosses.y))
            rest, test_idx = train_test_split(np.arange(len(glosses.y)), test_size=self.test_size,
                                              stratify=glosses.y, random_state=self.split_seed)
            full = Split(glosses.texts, glosses.y)
            test = full.take(test_idx)
            pool_X, pool_y = glosses.texts[rest], glosses.y[rest]
            classes, stats = glosses.classes, glosses.stats
        _check_size("task.val_size", self.val_size, len(pool_y))
        pool_idx, val_idx = train_test_split(np.arange(len(pool_y)), test_size=self.val_size,
                                             stratify=pool_y, random_state=self.split_seed)
        pool = Split(pool_X, pool_y)
        return TaskData(train=pool.take(pool_idx), val=pool.take(val_idx), test=test,
                        info={"classes": list(classes), "stats": stats})


def _check_size(key: str, size: object, n: int) -> None:
    # train_test_split also takes fractions; the config promises counts, so a
    # float here is a typo and is refused
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 0 < size < n:
        raise ConfigError(f"{key}={size!r} must be an integer between 1 and {n - 1}")
