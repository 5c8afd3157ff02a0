"""Text classification datasets of the Hugging Face hub, through ``datasets`` (``dataset=hf_text``).

Any hub dataset with a text column and a label column loads this way, e.g.
AG News (``dataset=ag_news``, see ``conf/dataset/ag_news.yaml``); so does a local
folder laid out like a hub repository (``data/<split>-*.parquet``; the tests use
one). The hub's ``train`` split is the training split and its ``test`` split, when
the dataset has one, the test split; the text task carves the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.datasets.text_file import encode_labels, text_array
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import check_params

__all__ = ["HFText", "load_hub_splits"]


def load_hub_splits(loader: DatasetLoader, splits: dict[str, str | None], columns: dict[str, str | None]):
    """``(DatasetDict, shown name)`` of a hub dataset, its splits and columns checked.

    ``loader`` gives ``path``, ``name`` and ``data_dir`` (see :class:`HFText`); ``splits``
    and ``columns`` map the loader's keys (``train_split``, ``text_column``) to what it
    names (``None``: not used), so that an error names the key to fix.

    Raises:
        ConfigError: ``path`` is not set.
        DataUnavailable: ``datasets`` is missing; the hub cannot be reached and nothing
            is cached; the dataset, its config, a split or a column is missing (the
            message lists what there is).
    """
    if not isinstance(loader.path, str) or loader.path in ("", "???"):
        raise ConfigError("dataset.loader.path is required: a Hugging Face hub dataset id "
                          "(e.g. fancyzhx/ag_news) or a local folder laid out like one")
    try:
        import datasets
    except ImportError as exc:
        raise DataUnavailable(f"dataset {loader.path}: Hugging Face datasets is not installed: "
                              "pip install datasets") from exc
    local = loader.path.startswith(("/", ".", "~"))
    if local and not Path(os.path.expanduser(loader.path)).is_dir():
        raise DataUnavailable(f"dataset.loader.path={loader.path!r}: no such folder (a local dataset is a folder "
                              "laid out like a hub repository: data/<split>-*.parquet)")
    shown = repr(loader.path) + ("" if loader.name is None else f" (config {loader.name!r})")
    cache_dir = None if loader.data_dir is None else str(Path(os.path.expanduser(loader.data_dir)) / "huggingface")
    try:
        dsd = datasets.load_dataset(loader.path, loader.name, cache_dir=cache_dir)
    except (OSError, ValueError, datasets.exceptions.DatasetsError) as exc:
        # OSError: the hub client's HTTP and connection errors and missing
        # files; ValueError: an unknown config name
        raise DataUnavailable(f"Cannot load Hugging Face dataset {shown}: {type(exc).__name__}: "
                              f"{' '.join(str(exc).split())} (the default datasets work offline)") from exc
    for key, split in splits.items():
        if split is None:
            continue
        if split not in dsd:
            hint = "" if key == "train_split" else f"; dataset.loader.{key}=null if it has none"
            raise DataUnavailable(f"Hugging Face dataset {shown} has no split {split!r} "
                                  f"(dataset.loader.{key}); its splits: {', '.join(dsd)}{hint}")
        for column_key, column in columns.items():
            if column is not None and column not in dsd[split].column_names:
                raise DataUnavailable(f"Hugging Face dataset {shown}, {split} split, has no column "
                                      f"{column!r} (dataset.loader.{column_key}); "
                                      f"its columns: {', '.join(dsd[split].column_names)}")
    return dsd, shown


@dataclass(frozen=True)
class HFText(DatasetLoader):
    """A labelled text dataset loaded with ``datasets.load_dataset``.

    Args:
        path: a hub dataset id (``fancyzhx/ag_news``) or a local folder laid out
            like a hub repository.
        name: the hub config name, or ``None`` for the dataset's default.
        text_column: the column of texts (strings).
        label_column: the column of labels: a ``ClassLabel`` (its names are the
            classes), non-negative integers (classes ``"0"`` .. ``"K-1"``) or
            strings (the sorted distinct training labels are the classes).
        train_split: the hub split that is the training split.
        test_split: the hub split that is the test split; ``None``: the dataset
            has no own test split (the task holds one out).
        data_dir: the dataset cache (``paths.data_dir``); ``datasets`` keeps
            its downloads and Arrow files in ``<data_dir>/huggingface``.
            ``None``: the library's default (``~/.cache/huggingface/datasets``).
    """

    path: str = "???"
    name: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    train_split: str = "train"
    test_split: str | None = "test"
    data_dir: str | None = None

    _parameter_constraints = {
        "name": [str, None],
        "text_column": [str],
        "label_column": [str],
        "train_split": [str],
        "test_split": [str, None],
        "data_dir": [str, None],
    }

    def load(self) -> Corpus:
        """Download (once, into the cache) and read the dataset.

        Returns:
            :class:`~benchmarks.datasets.base.Corpus`: ``train`` and ``test``
            (``None`` without ``test_split``) with ``X`` an ``(n,)`` object
            array of ``str`` and ``y`` ``(n,)`` int64 labels in ``0..K-1``;
            ``classes`` the K class names; ``info`` empty. For AG News: 120,000
            training and 7,600 test articles in 4 classes.

        Raises:
            ConfigError: ``path`` is not set, or a parameter has the wrong type.
            DataUnavailable: ``datasets`` is not installed; the hub cannot be
                reached and nothing is cached; the dataset, its config or a
                split is missing (the message lists the splits); a column is
                missing (it lists the columns); a text is not a string; a label
                is not a class index, string or integer, or a test label is not
                among the training labels.
        """
        check_params(self, self._parameter_constraints, "dataset.loader.")
        splits = [self.train_split] + ([] if self.test_split is None else [self.test_split])
        dsd, shown = load_hub_splits(self, {"train_split": self.train_split, "test_split": self.test_split},
                                     {"text_column": self.text_column, "label_column": self.label_column})
        import datasets  # installed: load_hub_splits said so otherwise

        where = {split: f"Hugging Face dataset {shown}, {split} split" for split in splits}
        texts = {split: text_array(list(dsd[split][self.text_column]), where[split], allow_empty=True)
                 for split in splits}
        labels = {split: list(dsd[split][self.label_column]) for split in splits}

        feature = dsd[self.train_split].features[self.label_column]
        if isinstance(feature, datasets.ClassLabel):
            classes = tuple(feature.names)
            y = {split: _class_indices(labels[split], len(classes), where[split]) for split in splits}
        else:
            y_train, y_test, classes = encode_labels(labels[self.train_split], labels.get(self.test_split),
                                                     where[self.train_split], where.get(self.test_split, ""))
            y = {self.train_split: y_train, self.test_split: y_test}
        test = None if self.test_split is None else Split(texts[self.test_split], y[self.test_split])
        return Corpus(train=Split(texts[self.train_split], y[self.train_split]), test=test, classes=classes)


def _class_indices(labels: list, n_classes: int, where: str) -> np.ndarray:
    y = np.asarray(labels, dtype=np.int64)
    bad = np.flatnonzero((y < 0) | (y >= n_classes))
    if bad.size:
        # -1 is how the hub marks an unlabelled example (GLUE's test splits, say)
        raise DataUnavailable(f"{where}, row {bad[0] + 1}: label {y[bad[0]]} is not a class index "
                              f"0..{n_classes - 1} of its ClassLabel (an unlabelled split?)")
    return y
