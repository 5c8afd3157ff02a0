"""Image classification datasets stored on OpenML as one row of pixels per image.

OpenML (Vanschoren et al. 2013, "OpenML: networked science in machine learning",
SIGKDD Explorations; https://www.openml.org) keeps an image dataset as a table:
one numeric column per pixel (channel planes one after the other for some colour
datasets, e.g. CIFAR-10) and a nominal target. :class:`OpenMLImages` fetches such a
table with :func:`~benchmarks.datasets.openml.fetch_openml_arrays` (cached under
``<data_dir>/openml``) and reshapes it to images. Configs: ``conf/dataset/``
``openml_image.yaml`` (any dataset), ``mnist.yaml``, ``fashion_mnist_openml.yaml``,
``kmnist.yaml``, ``cifar10.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.datasets.openml import describe_openml_dataset, fetch_openml_arrays, openml_cache_dir
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import check_params, positive_int, satisfies

__all__ = ["OpenMLImages"]


@dataclass(frozen=True)
class OpenMLImages(DatasetLoader):
    """An OpenML image dataset, by name and version or by id, as uint8 images.

    Args:
        name: OpenML dataset name (case-insensitive), e.g. ``"mnist_784"``.
        data_id: OpenML dataset id, e.g. ``554``; set exactly one of ``name``
            and ``data_id``.
        version: dataset version, used with ``name`` (an id names one version
            already); ``None`` takes the newest active version, which can change.
        image_shape: one image's shape in pixels: ``(H, W)`` grey or ``(H, W, C)``
            with ``C`` 1 (grey) or 3 (RGB); ``H * W * C`` must be the table's
            number of features.
        channels_first: the features are whole channel planes one after the other
            (CIFAR-10 on OpenML: 1024 red, then 1024 green, then 1024 blue values),
            not interleaved pixel by pixel.
        n_train: the first ``n_train`` rows are the dataset's training set and
            the rest its test set (MNIST on OpenML: 60,000 then 10,000). ``None``:
            all rows are training data and the dataset has no test split of its
            own (the task carves one).
        data_dir: data cache (``paths.data_dir``); OpenML files are kept under
            ``<data_dir>/openml``. ``None``: scikit-learn's default data home.

    :meth:`load` returns a :class:`~benchmarks.datasets.base.Corpus`: ``X``
    ``(n, H, W)`` uint8 (grey) or ``(n, H, W, 3)`` uint8 (RGB), pixel values as
    stored (0..255); ``y`` ``(n,)`` int64 labels 0..K-1, the target's distinct
    values in sorted order (numeric order when they are all digit strings, so
    ``"0".."9"`` are 0..9, ``"10"`` after ``"9"``); ``classes`` those values as
    strings, ``classes[label]`` names a label; ``info`` the source, split sizes
    and image shape.

    Raises (from :meth:`load`):
        ConfigError: neither or both of ``name`` and ``data_id`` are set, a
            parameter has the wrong type or range, ``image_shape`` does not
            match the table's feature count, or ``n_train`` leaves no test rows.
        DataUnavailable: openml.org is unreachable and the dataset is not cached,
            OpenML has no such dataset, pixel values are not integers in 0..255,
            or labels are missing or of a single class.
    """

    name: str | None = None
    data_id: int | None = None
    version: int | None = 1
    image_shape: tuple[int, ...] | list[int] = (28, 28)
    channels_first: bool = False
    n_train: int | None = None
    data_dir: str | None = None

    def load(self) -> Corpus:
        shape = self._check()
        data_id = None if self.data_id is None else int(self.data_id)
        where = describe_openml_dataset(self.name, self.version, data_id)
        X, y = fetch_openml_arrays(
            self.name, self.version, data_id=data_id,
            data_dir=self.data_dir,
            offline_hint=f"Fetch it once with network access (it is then cached under "
            f"{openml_cache_dir(self.data_dir)}), or use an offline dataset: "
            "dataset=fashion_mnist or dataset=image_folder.",
        )
        n_pixels = int(np.prod(shape))
        if X.ndim != 2 or X.shape[1] != n_pixels:
            raise ConfigError(f"dataset.loader.image_shape={list(shape)} holds {n_pixels} values per image, "
                              f"but {where} has {X.shape[1] if X.ndim == 2 else X.shape} features")
        if y.shape != (len(X),):
            raise DataUnavailable(f"{where} has targets of shape {y.shape} for {len(X)} rows; expected one "
                                  "class label per row")
        if self.n_train is not None and self.n_train >= len(X):
            raise ConfigError(f"dataset.loader.n_train={self.n_train} must be below the {len(X)} rows of "
                              f"{where} (the rows after it are the test split)")
        images = _images(_pixels(X, where), shape, self.channels_first)
        labels, classes = _labels(y, where)
        n_train = len(images) if self.n_train is None else int(self.n_train)
        test = None if self.n_train is None else Split(images[n_train:], labels[n_train:])
        return Corpus(
            train=Split(images[:n_train], labels[:n_train]),
            test=test,
            classes=classes,
            info={"source": where, "n_train": n_train, "n_test": None if test is None else len(test),
                  "image_shape": list(images.shape[1:])},
        )

    _parameter_constraints = {
        "name": [str, None],
        "data_id": positive_int(allow_none=True),
        "version": positive_int(allow_none=True),
        "channels_first": ["boolean"],
        "n_train": positive_int(allow_none=True),
        "data_dir": [str, os.PathLike, None],
    }

    def _check(self) -> tuple[int, ...]:
        """Check the parameters; return ``image_shape`` as a tuple of ints."""
        if (self.name is None) == (self.data_id is None):
            given = "both are set" if self.name is not None else "neither is set"
            raise ConfigError(f"set exactly one of dataset.loader.name (an OpenML dataset name) and "
                              f"dataset.loader.data_id (an OpenML dataset id); {given}")
        check_params(self, self._parameter_constraints, "dataset.loader.")
        if self.name is not None and not self.name.strip():
            raise ConfigError(f"dataset.loader.name={self.name!r} must be an OpenML dataset name")
        try:
            shape = tuple(self.image_shape)
        except TypeError:
            shape = ()
        if (len(shape) not in (2, 3) or not all(satisfies(d, positive_int()) for d in shape)
                or (len(shape) == 3 and shape[2] not in (1, 3))):
            raise ConfigError(f"dataset.loader.image_shape={self.image_shape!r} must be [H, W] (grey) or "
                              "[H, W, C] with C 1 (grey) or 3 (RGB), in positive integers")
        return tuple(int(d) for d in shape)


def _pixels(X: np.ndarray, where: str) -> np.ndarray:
    """``X`` as uint8, once every value is checked to be an integer in 0..255."""
    # float64 from liac-arff, integers from the pandas parser
    pixels = X.astype(np.uint8, order="C") if np.all((X >= 0) & (X <= 255)) else None  # NaN fails it
    if pixels is None or not np.array_equal(pixels, X):
        low, high = np.nanmin(X), np.nanmax(X)
        missing = int(np.isnan(X).sum()) if X.dtype.kind == "f" else 0
        raise DataUnavailable(f"{where}: pixel values must be integers in 0..255, found values in "
                              f"[{low:g}, {high:g}]" + (f" and {missing} missing" if missing else ""))
    return pixels


def _images(pixels: np.ndarray, shape: tuple[int, ...], channels_first: bool) -> np.ndarray:
    """Rows of pixels as ``(n, H, W)`` or ``(n, H, W, 3)`` images, channels last."""
    n = len(pixels)
    if len(shape) == 2:
        return pixels.reshape(n, *shape)
    height, width, channels = shape
    if channels_first:
        images = np.ascontiguousarray(pixels.reshape(n, channels, height, width).transpose(0, 2, 3, 1))
    else:
        images = pixels.reshape(n, height, width, channels)
    return images[..., 0] if channels == 1 else images


def _labels(y: np.ndarray, where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels 0..K-1 for the targets' distinct values in sorted order, and those values as names."""
    if y.dtype.kind in "biuf":  # a numeric target
        if y.dtype.kind == "f" and np.isnan(y).any():
            raise DataUnavailable(f"{where}: {int(np.isnan(y).sum())} rows have no class label")
        values, labels = np.unique(y, return_inverse=True)
        names = tuple(f"{v:g}" if isinstance(v, float) else str(v) for v in values.tolist())
    else:  # nominal values, as strings
        raw = y.tolist()
        n_missing = sum(not isinstance(v, str) for v in raw)
        if n_missing:
            raise DataUnavailable(f"{where}: {n_missing} rows have no class label")
        distinct = set(raw)
        numeric = all(v.isascii() and v.isdigit() for v in distinct)
        names = tuple(sorted(distinct, key=int if numeric else None))
        index = {name: i for i, name in enumerate(names)}
        labels = np.array([index[v] for v in raw], dtype=np.int64)
    if len(names) < 2:
        raise DataUnavailable(f"{where} has {len(names)} distinct class label(s) {list(names)}; "
                              "classification needs two or more")
    return labels.astype(np.int64, copy=False).reshape(-1), names
