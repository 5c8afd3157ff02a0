"""The image task: Fashion-MNIST classification (10 classes, 28×28 grey images)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from benchmarks.datasets.fashion_mnist import load_fashion_mnist
from benchmarks.errors import ConfigError
from benchmarks.tasks.base import ClassificationTask, Split, TaskData


class ImageTask(ClassificationTask):
    """Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747).

    Splits: the original 10,000 test images are the test split; a fixed
    stratified ``val_size`` of the 60,000 training images (drawn with
    ``split_seed``, never the run's seed) is the validation split, and the rest
    is the training pool (55,000 by default). Inputs are ``(n, 28, 28)`` uint8
    pixels, targets ``(n,)`` int64 class indices in ``0..9``.

    Args:
        source: ``"embedded"`` (Debian package ``dataset-fashion-mnist``) or ``"openml"``.
        data_dir: cache folder for online sources.
        val_size: number of validation images taken from the original training set.
        split_seed: seed of the fixed validation split.
    """

    name = "image"
    dataset = "fashion_mnist"
    primary_metric = "accuracy"

    def __init__(self, source: str = "embedded", data_dir: str | Path | None = None,
                 val_size: int = 5000, split_seed: int = 0) -> None:
        self.source = source
        self.data_dir = data_dir
        self.val_size = val_size
        self.split_seed = split_seed

    def load(self) -> TaskData:
        data = load_fashion_mnist(self.source, self.data_dir)
        n_classes, n = len(np.unique(data.y_train)), len(data.y_train)
        if isinstance(self.val_size, bool) or not isinstance(self.val_size, int) \
                or not n_classes <= self.val_size <= n - n_classes:
            raise ConfigError(f"task.val_size={self.val_size!r} must be an integer between {n_classes} "
                              f"and {n - n_classes} (one image per class in each split)")
        pool_idx, val_idx = train_test_split(
            range(len(data.y_train)), test_size=self.val_size,
            stratify=data.y_train, random_state=self.split_seed,
        )
        full = Split(data.X_train, data.y_train)
        return TaskData(
            train=full.take(pool_idx),
            val=full.take(val_idx),
            test=Split(data.X_test, data.y_test),
            info={"classes": list(data.classes)},
        )
