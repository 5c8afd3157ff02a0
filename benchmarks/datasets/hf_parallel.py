"""Parallel corpora of the Hugging Face hub, through ``datasets`` (``dataset=hf_parallel``).

Two layouts load: a ``translation`` column of ``{language: sentence}`` dicts, as
the WMT and OPUS datasets have (e.g. ``wmt/wmt13`` config ``es-en``), or one column
per language (``source_column`` / ``target_column``). A local folder laid out like
a hub repository (``data/<split>-*.parquet``) loads the same way; the tests use one.
The splits the dataset has are used; the translation task carves the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.datasets.hf_text import load_hub_splits
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import check_params

__all__ = ["HFParallel"]


@dataclass(frozen=True)
class HFParallel(DatasetLoader):
    """Sentence pairs loaded with ``datasets.load_dataset``.

    Args:
        path: a hub dataset id or a local folder laid out like a hub repository.
        name: the hub config name (``es-en``), or ``None`` for the default.
        languages: the two language codes, ``[source, target]`` of the corpus (the
            task's ``direction`` picks the way round), e.g. ``[en, es]``.
        translation_column: the column of ``{language: sentence}`` dicts, or ``None``
            to read ``source_column`` and ``target_column`` instead.
        source_column, target_column: one column per language (with ``translation_column: null``).
        group_column: a column that groups sentences (a document or talk id), so that carved
            validation and test splits take whole groups; ``None``: each pair is its own group
            (neighbouring sentences of one document can then fall on both sides).
        train_split, validation_split, test_split: the hub's split names; ``None``: the
            dataset has no such split (the task carves it from the training split).
        data_dir: the dataset cache (``paths.data_dir``; downloads go to ``<data_dir>/huggingface``).

    ``load()`` returns a :class:`Corpus` of ``(n,)`` object arrays of ``str``: ``X`` in
    the first language, ``y`` in the second; ``info["languages"]``.

    Raises (from ``load``):
        ConfigError: ``path`` or the languages are not set, or a parameter has the wrong type.
        DataUnavailable: as :func:`benchmarks.datasets.hf_text.load_hub_splits`; a row
            lacks a language, or a sentence is not a string (the row is named).
    """

    path: str = "???"
    name: str | None = None
    languages: tuple[str, str] | list[str] = ("en", "es")
    translation_column: str | None = "translation"
    source_column: str | None = None
    target_column: str | None = None
    group_column: str | None = None
    train_split: str = "train"
    validation_split: str | None = "validation"
    test_split: str | None = "test"
    data_dir: str | None = None

    _parameter_constraints = {
        "name": [str, None],
        "translation_column": [str, None],
        "source_column": [str, None],
        "target_column": [str, None],
        "group_column": [str, None],
        "train_split": [str],
        "validation_split": [str, None],
        "test_split": [str, None],
        "data_dir": [str, None],
    }

    def load(self) -> Corpus:
        check_params(self, self._parameter_constraints, "dataset.loader.")
        languages = [str(code) for code in self.languages]
        if len(languages) != 2 or languages[0] == languages[1]:
            raise ConfigError(f"dataset.loader.languages={list(self.languages)} must name two languages, "
                              "e.g. [en, es]")
        if self.translation_column is None and None in (self.source_column, self.target_column):
            raise ConfigError("dataset.loader: set translation_column, or source_column and target_column")
        columns = ({"translation_column": self.translation_column} if self.translation_column is not None else
                   {"source_column": self.source_column, "target_column": self.target_column})
        columns["group_column"] = self.group_column
        splits = {"train_split": self.train_split, "validation_split": self.validation_split,
                  "test_split": self.test_split}
        dsd, shown = load_hub_splits(self, splits, columns)

        def read(split: str | None) -> Split | None:
            if split is None:
                return None
            where = f"Hugging Face dataset {shown}, {split} split"
            if self.translation_column is not None:
                rows = dsd[split][self.translation_column]
                pairs = []
                for i, row in enumerate(rows):
                    if not isinstance(row, dict) or not all(code in row for code in languages):
                        raise DataUnavailable(f"{where}, row {i + 1}: {self.translation_column!r} has no "
                                              f"{' and '.join(languages)} sentences: {str(row)[:80]!r}")
                    pairs.append((row[languages[0]], row[languages[1]]))
            else:
                pairs = list(zip(dsd[split][self.source_column], dsd[split][self.target_column]))
            for i, pair in enumerate(pairs):
                if not all(isinstance(s, str) for s in pair):
                    raise DataUnavailable(f"{where}, row {i + 1}: a sentence is not a string: {pair!r}")
            X = np.array([p[0] for p in pairs], dtype=object)
            y = np.array([p[1] for p in pairs], dtype=object)
            groups = None if self.group_column is None else \
                np.array([str(g) for g in dsd[split][self.group_column]], dtype=object)
            return Split(X, y, groups)

        return Corpus(train=read(self.train_split), val=read(self.validation_split), test=read(self.test_split),
                      info={"languages": languages, "source": f"Hugging Face dataset {shown}"})
