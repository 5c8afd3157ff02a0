"""AG News through Hugging Face ``datasets``: the text task's online source (``data.source=hf``).

Dataset: the AG's corpus of news articles as prepared by Xiang Zhang, Junbo Zhao
and Yann LeCun, "Character-level Convolutional Networks for Text
Classification", NeurIPS 2015. Dataset card: https://huggingface.co/datasets/fancyzhx/ag_news
(the 4 largest classes of AG's corpus; 30,000 training and 1,900 test articles
per class, i.e. 120,000 / 7,600). Each example is a ``text`` string (title and
description) and a ``label``, a ``ClassLabel`` with names World, Sports,
Business, Sci/Tech. The hub repository holds two parquet files,
``data/train-00000-of-00001.parquet`` and ``data/test-00000-of-00001.parquet``;
a local folder with the same layout loads the same way (the tests use one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.errors import DataUnavailable

__all__ = ["HF_PATH", "TextDataset", "load_ag_news"]

HF_PATH = "fancyzhx/ag_news"


@dataclass(frozen=True, eq=False)
class TextDataset:
    """A labelled text dataset with its own training and test splits.

    Attributes:
        X_train, X_test: ``(n,)`` object arrays of ``str``.
        y_train, y_test: ``(n,)`` int64 labels in ``0..len(classes)-1``.
        classes: class names, ``classes[label]`` names a label.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]


def load_ag_news(data_dir: str | os.PathLike | None = None, path: str = HF_PATH) -> TextDataset:
    """Load AG News with ``datasets.load_dataset`` into numpy arrays.

    Args:
        data_dir: dataset cache (``paths.data_dir``); ``datasets`` keeps its
            download and Arrow cache in ``<data_dir>/huggingface``. ``None``:
            the library's default (``~/.cache/huggingface/datasets``).
        path: a hub dataset id (default ``fancyzhx/ag_news``) or a local folder
            laid out like the hub repository (``data/{train,test}-*.parquet``).

    Returns:
        :class:`TextDataset`: 120,000 training and 7,600 test articles in 4
        classes for the real dataset.

    Raises:
        DataUnavailable: ``datasets`` is not installed, the hub cannot be reached
            and nothing is cached, the dataset or a split is missing, or the
            columns are not ``text`` (strings) and ``label`` (integers).
    """
    try:
        import datasets
    except ImportError as exc:
        raise DataUnavailable(
            "data.source=hf needs Hugging Face datasets: pip install datasets "
            "(data.source=embedded works offline with the Debian package wordnet-base)"
        ) from exc

    cache_dir = None if data_dir is None else str(Path(os.path.expanduser(os.fspath(data_dir))) / "huggingface")
    try:
        dsd = datasets.load_dataset(path, cache_dir=cache_dir)
    except (OSError, datasets.exceptions.DatasetsError) as exc:
        # OSError covers the hub client's HTTP and connection errors and missing files
        raise DataUnavailable(
            f"Cannot load Hugging Face dataset {path!r}: {type(exc).__name__}: {exc}. "
            "data.source=embedded works offline (Debian package wordnet-base)."
        ) from exc

    missing = {"train", "test"} - set(dsd)
    if missing:
        raise DataUnavailable(f"Hugging Face dataset {path!r} has no {', '.join(sorted(missing))} split")
    label_feature = dsd["train"].features.get("label")
    if label_feature is None or "text" not in dsd["train"].features:
        raise DataUnavailable(
            f"Hugging Face dataset {path!r} has columns {list(dsd['train'].features)}; expected text and label"
        )
    classes = tuple(getattr(label_feature, "names", None) or ())
    arrays = {}
    for split in ("train", "test"):
        table = dsd[split].with_format("numpy")
        texts = np.array([str(t) for t in dsd[split]["text"]], dtype=object)
        labels = np.asarray(table["label"])
        if labels.dtype.kind not in "iu" or labels.size and labels.min() < 0:
            raise DataUnavailable(f"Hugging Face dataset {path!r}: {split} labels are not class indices")
        arrays[split] = (texts, labels.astype(np.int64))
    if not classes:
        n = int(max(arrays["train"][1].max(), arrays["test"][1].max())) + 1
        classes = tuple(str(i) for i in range(n))
    if max(int(a[1].max()) for a in arrays.values()) >= len(classes):
        raise DataUnavailable(f"Hugging Face dataset {path!r}: a label is outside 0..{len(classes) - 1}")
    return TextDataset(*arrays["train"], *arrays["test"], classes=classes)
