"""Fashion-MNIST: the image task's dataset.

Dataset: Han Xiao, Kashif Rasul and Roland Vollgraf, "Fashion-MNIST: a Novel
Image Dataset for Benchmarking Machine Learning Algorithms", 2017,
arXiv:1708.07747 (https://github.com/zalandoresearch/fashion-mnist).
Licence: MIT. 70,000 greyscale 28×28 images of Zalando articles in 10 balanced
classes: 60,000 training images (6,000 per class) and 10,000 test images
(1,000 per class).

Sources (``data.source``):

- ``embedded`` (default, offline): the four original IDX ``.gz`` files from the
  Debian package ``dataset-fashion-mnist``, under
  ``/usr/share/datasets/fashion-mnist/``.
- ``openml``: OpenML dataset "Fashion-MNIST" version 1 (id 40996) through
  :func:`sklearn.datasets.fetch_openml`, cached under ``<data_dir>/openml``.
  Its rows 0..59,999 are the original training set and rows 60,000..69,999 the
  test set, both in the original order, so both sources give the same arrays.
"""

from __future__ import annotations

import gzip
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.datasets.openml import fetch_openml_arrays
from benchmarks.errors import ConfigError, DataUnavailable

__all__ = [
    "CLASSES",
    "DEFAULT_ROOT",
    "FashionMNIST",
    "IDX_FILES",
    "N_TEST",
    "N_TRAIN",
    "OPENML_ID",
    "OPENML_NAME",
    "OPENML_VERSION",
    "SOURCES",
    "load_fashion_mnist",
    "load_fashion_mnist_idx",
    "load_fashion_mnist_openml",
]

#: Class names from the dataset card, indexed by label.
CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
N_TRAIN = 60_000
N_TEST = 10_000
HEIGHT = WIDTH = 28

SOURCES: tuple[str, ...] = ("embedded", "openml")
DEBIAN_PACKAGE = "dataset-fashion-mnist"
DEFAULT_ROOT = Path("/usr/share/datasets/fashion-mnist")
#: The four IDX files of the original release, as named in the Debian package.
IDX_FILES = {
    "X_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "X_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
OPENML_NAME = "Fashion-MNIST"
OPENML_VERSION = 1
OPENML_ID = 40996
#: Parser for ``fetch_openml``. ``"liac-arff"`` is pure Python: parsing the
#: 70,000 × 785 ARFF takes about a minute and 1-2 GB of memory, on every load
#: (only the download is cached). ``"pandas"`` would be faster, but with
#: scikit-learn 1.9.1 and pandas 3.1 it fails on the numeric class labels
#: (scikit-learn issue #34892, fixed by PR #34902) and then deletes the cached
#: ARFF and tries to download it again.
OPENML_PARSER = "liac-arff"


@dataclass(frozen=True, eq=False)
class FashionMNIST:
    """Fashion-MNIST as NumPy arrays, split as in the original release.

    Attributes:
        X_train: ``(60000, 28, 28)`` uint8, pixel intensity 0..255 (0 = background).
        y_train: ``(60000,)`` int64 labels in 0..9.
        X_test: ``(10000, 28, 28)`` uint8.
        y_test: ``(10000,)`` int64.
        classes: the 10 class names, ``classes[label]`` names a label.

    The dataclass is frozen; the arrays are ordinary writable arrays owned by
    the caller (each load returns fresh ones).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...] = CLASSES


def load_fashion_mnist(
    source: str = "embedded",
    data_dir: str | os.PathLike | None = None,
    root: str | os.PathLike = DEFAULT_ROOT,
) -> FashionMNIST:
    """Load Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747; MIT licence).

    Args:
        source: ``"embedded"`` reads the IDX files of the Debian package
            ``dataset-fashion-mnist`` (offline); ``"openml"`` fetches OpenML
            dataset "Fashion-MNIST" version 1 (id 40996) with
            ``sklearn.datasets.fetch_openml``, downloading it on first use.
        data_dir: dataset cache (``paths.data_dir``), used by ``openml`` only:
            passed to ``fetch_openml`` as ``data_home``, so the cache is
            ``<data_dir>/openml``. ``None`` means scikit-learn's default.
        root: folder holding the four IDX ``.gz`` files, used by ``embedded``
            only.

    Returns:
        :class:`FashionMNIST` with ``X_train`` ``(60000, 28, 28)`` uint8,
        ``y_train`` ``(60000,)`` int64, ``X_test`` ``(10000, 28, 28)`` uint8,
        ``y_test`` ``(10000,)`` int64 and the 10 class names. Both sources
        give identical arrays.

    Raises:
        ConfigError: ``source`` is not one of :data:`SOURCES`.
        DataUnavailable: ``embedded``: a file is missing (the message gives the
            ``apt-get install dataset-fashion-mnist`` command), truncated or
            corrupt (the message names the file). ``openml``: openml.org cannot
            be reached and the data is not cached, or the fetched data does not
            have the expected shape or values.
    """
    if source == "embedded":
        return load_fashion_mnist_idx(root)
    if source == "openml":
        return load_fashion_mnist_openml(data_dir)
    raise ConfigError(
        f"unknown data.source {source!r} for Fashion-MNIST; valid sources: {', '.join(SOURCES)}"
    )


# --------------------------------------------------------------------------- embedded


def _apt_command(reinstall: bool = False) -> str:
    """``apt-get install dataset-fashion-mnist``, with ``sudo`` unless running as root."""
    geteuid = getattr(os, "geteuid", None)
    sudo = "" if geteuid is not None and geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install {'--reinstall ' if reinstall else ''}{DEBIAN_PACKAGE}"


def load_fashion_mnist_idx(root: str | os.PathLike = DEFAULT_ROOT) -> FashionMNIST:
    """Read the four original IDX ``.gz`` files from ``root``.

    Raises:
        DataUnavailable: a file is missing (the message gives the apt-get
            command that installs it), or is truncated or corrupt, or does not
            hold the expected shape (the message names the file).
    """
    root = Path(root)
    missing = [str(root / name) for name in IDX_FILES.values() if not (root / name).is_file()]
    if missing:
        raise DataUnavailable(
            f"Fashion-MNIST is not installed: missing {', '.join(missing)}. "
            f"Fix: {_apt_command()}"
            + ("" if root == DEFAULT_ROOT else f" (it installs into {DEFAULT_ROOT})")
        )
    images = (HEIGHT, WIDTH)
    X_train = _read_idx(root / IDX_FILES["X_train"], (N_TRAIN, *images))
    y_train = _read_idx(root / IDX_FILES["y_train"], (N_TRAIN,))
    X_test = _read_idx(root / IDX_FILES["X_test"], (N_TEST, *images))
    y_test = _read_idx(root / IDX_FILES["y_test"], (N_TEST,))
    for key, labels in (("y_train", y_train), ("y_test", y_test)):
        if labels.max() >= len(CLASSES):
            raise DataUnavailable(
                f"{root / IDX_FILES[key]} is corrupt: label {int(labels.max())} is out of "
                f"range 0..{len(CLASSES) - 1}. Reinstall: {_apt_command(reinstall=True)}"
            )
    return FashionMNIST(
        X_train=X_train,
        y_train=y_train.astype(np.int64),
        X_test=X_test,
        y_test=y_test.astype(np.int64),
    )


_IDX_UBYTE = 0x08  # IDX type code for unsigned byte


def _read_idx(path: Path, shape: tuple[int, ...]) -> np.ndarray:
    """Parse a gzipped IDX file of unsigned bytes and check it has ``shape``.

    IDX: two zero bytes, a type code, the number of dimensions, then each
    dimension as a big-endian uint32, then the data in C order.
    """
    reinstall = _apt_command(reinstall=True)

    def corrupt(why: str) -> DataUnavailable:
        return DataUnavailable(f"{path} is truncated or corrupt: {why}. Reinstall: {reinstall}")

    try:
        with gzip.open(path, "rb") as f:
            raw = bytearray(f.read())  # bytearray: the array below is writable
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise corrupt(f"{type(exc).__name__}: {exc}") from exc

    ndim = len(shape)
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise corrupt(f"{len(raw)} bytes, too short for an IDX header")
    magic = bytes(raw[:4])
    expected_magic = bytes((0, 0, _IDX_UBYTE, ndim))
    if magic != expected_magic:
        raise corrupt(f"IDX magic {magic.hex()}, expected {expected_magic.hex()}")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if dims != shape:
        raise corrupt(f"IDX dimensions {dims}, expected {shape}")
    n_data = int(np.prod(shape))
    if len(raw) != header_size + n_data:
        raise corrupt(f"{len(raw) - header_size} data bytes, expected {n_data}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


# --------------------------------------------------------------------------- openml


def load_fashion_mnist_openml(
    data_dir: str | os.PathLike | None = None,
    *,
    n_train: int = N_TRAIN,
    n_test: int = N_TEST,
) -> FashionMNIST:
    """Fetch OpenML dataset "Fashion-MNIST" version 1 (id 40996) and split it.

    OpenML stores the 70,000 images as one table: rows ``0..n_train-1`` are
    the original training set and the next ``n_test`` rows the test set, in
    the original order. Pixels (784 columns ``pixel1..pixel784``) become uint8
    ``(n, 28, 28)`` and the nominal ``class`` labels ``"0".."9"`` int64.

    ``n_train`` and ``n_test`` are the expected split, 60,000 and 10,000 for the
    real dataset; the table must have exactly ``n_train + n_test`` rows. Only
    tests change them, to read a small cache fixture with the same layout.

    Raises:
        DataUnavailable: openml.org cannot be reached and the dataset is not
            cached under ``<data_dir>/openml``, or the fetched table does not
            have ``n_train + n_test`` rows of 784 integer pixels in 0..255 and
            labels in 0..9.
    """
    X, y = fetch_openml_arrays(
        OPENML_NAME,
        OPENML_VERSION,
        data_dir=data_dir,
        parser=OPENML_PARSER,
        offline_hint="data.source=embedded works offline "
        f"(Debian package {DEBIAN_PACKAGE}).",
    )
    where = f"OpenML dataset {OPENML_NAME!r} version {OPENML_VERSION}"
    n_pixels = HEIGHT * WIDTH
    if X.ndim != 2 or X.shape != (n_train + n_test, n_pixels) or y.shape != (X.shape[0],):
        raise DataUnavailable(
            f"{where} has X {X.shape} and y {y.shape}; expected "
            f"({n_train + n_test}, {n_pixels}) and ({n_train + n_test},)"
        )

    # float64 from liac-arff (integers from the pandas parser): check, then cast
    in_range = np.all((X >= 0) & (X <= 255))  # False for NaN (a missing pixel)
    pixels = X.astype(np.uint8) if in_range else None
    if pixels is None or not np.array_equal(pixels, X):
        raise DataUnavailable(f"{where}: pixel values are not integers in 0..255")
    try:
        labels = y.astype(np.int64)  # the nominal values are the strings "0".."9"
    except (TypeError, ValueError) as exc:
        raise DataUnavailable(f"{where}: labels are not integers: {exc}") from exc
    if labels.size and (labels.min() < 0 or labels.max() >= len(CLASSES)):
        raise DataUnavailable(f"{where}: labels outside 0..{len(CLASSES) - 1}")

    images = pixels.reshape(-1, HEIGHT, WIDTH)
    return FashionMNIST(
        X_train=images[:n_train],
        y_train=labels[:n_train],
        X_test=images[n_train:],
        y_test=labels[n_train:],
    )
