"""The dataset contract: a loader reads one dataset into splits; a task applies its protocol.

A dataset is a config of the ``dataset`` group (``conf/dataset/<name>.yaml``): its
``loader`` is a :class:`DatasetLoader` that the runner instantiates and hands to the
task (``task=image dataset=mnist``). The loader returns the dataset's *own* splits
(:class:`Corpus`); the task then carves what the dataset lacks, always with a fixed
seed that never depends on the run's seed (README: The protocol).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Corpus", "DatasetLoader", "Split", "apt_command"]


@dataclass(frozen=True)
class Split:
    """Inputs and targets of one split.

    Attributes:
        X: inputs, indexable by an integer array along the first axis (an
            ``np.ndarray`` of images ``(n, H, W)`` or ``(n, H, W, C)`` uint8, an
            ``(n,)`` object array of strings or of waveforms, ...).
        y: targets, shape ``(n,)``.
        groups: optional group label per example (speaker, track, ...), ``(n,)``;
            splits carved from a split with groups keep each group on one side.
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
class Corpus:
    """A dataset's own splits, as its loader read them.

    Attributes:
        train: the dataset's training split (the task carves its validation split,
            and its test split when ``test`` is ``None``, from it).
        test: the dataset's own test split, or ``None`` when it has none.
        val: the dataset's own validation split, or ``None`` (the usual case).
        classes: class names, ``classes[label]`` names a label (classification), or ``None``.
        info: anything else the task reads (noise recordings, held-out voices, ...)
            or the record's data info shows (sizes, statistics).
    """

    train: Split
    test: Split | None = None
    val: Split | None = None
    classes: tuple[str, ...] | None = None
    info: dict[str, Any] = field(default_factory=dict)


class DatasetLoader(ABC):
    """Reads one dataset into a :class:`Corpus`. Subclasses are frozen dataclasses.

    Being dataclasses, loaders compare and print by their parameters, so the
    runner can tell when two jobs load the same data and load it once per process.
    Parameters are checked in :meth:`load`, not in ``__init__``: Hydra's
    ``instantiate`` would wrap an error raised there in its own traceback.
    """

    @abstractmethod
    def load(self) -> Corpus:
        """Read (or build once into the data cache) the dataset.

        Raises:
            benchmarks.errors.ConfigError: a parameter is invalid (named in the message).
            benchmarks.errors.DataUnavailable: the data is missing or malformed; the
                message names the path, column or package, and how to fix it.
        """

    def cache_key(self) -> str:
        """A string that identifies the loaded data: the loader's class and parameters."""
        params = dataclasses.asdict(self) if dataclasses.is_dataclass(self) else vars(self)
        return f"{type(self).__qualname__}{sorted(params.items())!r}"


def apt_command(*packages: str, reinstall: bool = False) -> str:
    """The ``apt-get install`` line for Debian ``packages``, with ``sudo`` unless running as root."""
    import os

    geteuid = getattr(os, "geteuid", None)  # not on Windows
    sudo = "" if geteuid is not None and geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install {'--reinstall ' if reinstall else ''}{' '.join(packages)}"
