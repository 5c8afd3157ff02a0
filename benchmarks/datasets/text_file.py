"""Labelled texts from a local CSV, TSV or JSON-lines file (``dataset=text_file``).

One row per example: a text column and a label column (names configurable);
other columns are ignored. Labels are strings (the sorted distinct training
labels become the classes) or non-negative integers (class indices, named
``"0"`` .. ``"K-1"``). The file is the training split; an optional second file
with the same columns is the dataset's own test split (without one, the text
task holds out a stratified test split).

CSV and TSV are read by pandas with a header row and without its NA guessing
(a text ``NA`` stays a text); JSON lines are one object per line. Error messages
count rows from 1, the first row after the CSV/TSV header.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import StrOptions, check_params

__all__ = ["FORMATS", "TextFile", "encode_labels", "text_array"]

#: file formats, by the name ``dataset.loader.format`` takes and the suffix that implies it
FORMATS = {"csv": ".csv", "tsv": ".tsv", "jsonl": ".jsonl"}


@dataclass(frozen=True)
class TextFile(DatasetLoader):
    """A text classification dataset in one or two local files.

    Args:
        path: the training file.
        test_path: the test file, or ``None`` (the dataset has no own test split).
        text_column: the column holding the texts (non-empty strings).
        label_column: the column holding the labels (all strings or all
            non-negative integers).
        format: ``"csv"``, ``"tsv"`` or ``"jsonl"``; ``None``: from each file's
            suffix (``.csv``, ``.tsv``, ``.jsonl``).
    """

    path: str = "???"
    test_path: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    format: str | None = None

    _parameter_constraints = {
        "test_path": [str, None],
        "text_column": [str],
        "label_column": [str],
        "format": [StrOptions(set(FORMATS)), None],
    }

    def load(self) -> Corpus:
        """Read the file(s).

        Returns:
            :class:`~benchmarks.datasets.base.Corpus`: ``train`` (and ``test``
            when ``test_path`` is set) with ``X`` an ``(n,)`` object array of
            ``str`` and ``y`` ``(n,)`` int64 labels in ``0..K-1``; ``classes``
            the K class names; ``info`` empty.

        Raises:
            ConfigError: ``path`` is not set, a parameter has the wrong type,
                ``format`` is unknown, or ``format`` is ``None`` and a suffix does not tell it.
            DataUnavailable: a file is missing, unreadable or empty, lacks a
                column (the message lists its columns), a row has an empty or
                missing text or label (the message gives the row), the labels
                hold fewer than 2 classes or mix types, or a test label is not
                among the training labels.
        """
        if not isinstance(self.path, str) or self.path in ("", "???"):
            raise ConfigError("dataset.loader.path is required: a csv, tsv or jsonl file, "
                              "e.g. dataset.loader.path=data/train.csv")
        check_params(self, self._parameter_constraints, "dataset.loader.")
        train = self._read(Path(self.path), "path")
        test = None if self.test_path is None else self._read(Path(self.test_path), "test_path")
        y_train, y_test, classes = encode_labels(train[1], None if test is None else test[1],
                                                 str(self.path), str(self.test_path))
        return Corpus(train=Split(train[0], y_train),
                      test=None if test is None else Split(test[0], y_test), classes=classes)

    def _read(self, path: Path, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(texts, raw labels)`` of one file; ``key`` names its parameter in messages."""
        if not path.is_file():
            raise DataUnavailable(f"{path}: no such file (dataset.loader.{key})")
        fmt = self.format or next((f for f, suffix in FORMATS.items() if path.suffix.lower() == suffix), None)
        if fmt is None:
            raise ConfigError(f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
                              f"set dataset.loader.format to one of {', '.join(FORMATS)}")
        try:
            if fmt == "jsonl":
                # dtype=False: a label "7" stays a string, as it is in the file
                table = pd.read_json(path, lines=True, dtype=False)
            else:
                table = pd.read_csv(path, sep="," if fmt == "csv" else "\t", keep_default_na=False,
                                    dtype={self.text_column: str})
        except pd.errors.EmptyDataError:
            table = pd.DataFrame()
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            # ParserError and json's errors are ValueErrors; their text locates the problem
            raise DataUnavailable(f"{path} is not a valid {fmt} file: "
                                  f"{' '.join(str(exc).split())}") from None
        if table.empty:
            raise DataUnavailable(f"{path} is empty: no {fmt} rows")
        for key, column in (("text_column", self.text_column), ("label_column", self.label_column)):
            if column not in table.columns:
                raise DataUnavailable(f"{path} has no column {column!r} (dataset.loader.{key}); "
                                      f"its columns: {', '.join(map(str, table.columns))}")
        return (text_array(table[self.text_column].to_numpy(dtype=object), str(path)),
                table[self.label_column].to_numpy(dtype=object))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def text_array(values: Sequence[Any], where: str, allow_empty: bool = False) -> np.ndarray:
    """Texts as an ``(n,)`` object array of ``str``, each checked.

    Args:
        values: the texts of one split.
        where: what the messages name (a file, a dataset and split).
        allow_empty: accept ``""`` and white space (a published dataset can't be fixed).

    Raises:
        DataUnavailable: a text is missing, not a string, or empty (unless
            ``allow_empty``); the message gives the row (from 1).
    """
    texts = np.empty(len(values), dtype=object)
    for i, text in enumerate(values):
        if _is_missing(text):
            raise DataUnavailable(f"{where}, row {i + 1}: missing text")
        if not isinstance(text, str):
            raise DataUnavailable(f"{where}, row {i + 1}: the text {text!r} is {type(text).__name__}, not a string")
        if not allow_empty and not text.strip():
            raise DataUnavailable(f"{where}, row {i + 1}: empty text")
        texts[i] = text
    return texts


def _label_kind(labels: Sequence[Any], where: str) -> type:
    """``str`` or ``int``: the one type of every label."""
    # missing labels first: pandas turns an integer column with a gap into floats
    for i, label in enumerate(labels):
        if _is_missing(label) or (isinstance(label, str) and not label.strip()):
            raise DataUnavailable(f"{where}, row {i + 1}: empty or missing label")
    kind = None
    for i, label in enumerate(labels):
        if isinstance(label, str):
            this: type = str
        elif isinstance(label, (int, np.integer)) and not isinstance(label, (bool, np.bool_)):
            if label < 0:
                raise DataUnavailable(f"{where}, row {i + 1}: label {label} is negative; "
                                      "integer labels are class indices 0..K-1")
            this = int
        else:
            raise DataUnavailable(f"{where}, row {i + 1}: label {label!r} is {type(label).__name__}; "
                                  "labels must be strings or integers")
        if kind is not None and this is not kind:
            raise DataUnavailable(f"{where}, row {i + 1}: label {label!r} is {this.__name__} but the labels "
                                  f"before it are {kind.__name__}; labels must be all strings or all integers")
        kind = this
    return kind or str


def encode_labels(train: Sequence[Any], test: Sequence[Any] | None, train_where: str,
                  test_where: str) -> tuple[np.ndarray, np.ndarray | None, tuple[str, ...]]:
    """Class indices and names for labels that are all strings or all integers.

    The sorted distinct training labels are the classes, numbered from 0 (integers
    in numeric order, named by their digits: labels 1, 2, 3 become classes 0, 1, 2
    named "1", "2", "3", so no empty class appears).

    Args:
        train: the training split's labels.
        test: the test split's labels, or ``None``.
        train_where, test_where: what the messages name for each split.

    Returns:
        ``(y_train, y_test, classes)``: ``(n,)`` int64 arrays (``y_test`` is
        ``None`` without ``test``) and the class names.

    Raises:
        DataUnavailable: a label is missing, empty, negative or neither string
            nor integer, the types are mixed, the training labels hold fewer
            than 2 classes, or a test label is not among the training labels
            (the message gives the row, from 1).
    """
    kind = _label_kind(train, train_where)
    if kind is int:
        train = [int(label) for label in train]  # numpy integers print as np.int64(3) in messages
    seen = sorted(set(train))
    if len(seen) < 2:
        raise DataUnavailable(f"{train_where}: the labels hold {len(seen)} class{'es' * (len(seen) != 1)} "
                              f"({', '.join(map(repr, seen))}); classification needs at least 2")
    classes = tuple(str(c) for c in seen)
    index = {c: i for i, c in enumerate(seen)}
    y_test = None
    if test is not None:
        if len(test) and _label_kind(test, test_where) is int:
            test = [int(label) for label in test]
        for i, label in enumerate(test):
            if label not in index:
                raise DataUnavailable(f"{test_where}, row {i + 1}: label {label!r} is not among the "
                                      f"training labels ({', '.join(map(repr, seen))})")
        y_test = np.array([index[label] for label in test], dtype=np.int64)
    return np.array([index[label] for label in train], dtype=np.int64), y_test, classes
