"""Fashion-MNIST from the Debian package ``dataset-fashion-mnist`` (``dataset=fashion_mnist``).

Dataset: Han Xiao, Kashif Rasul and Roland Vollgraf, "Fashion-MNIST: a Novel
Image Dataset for Benchmarking Machine Learning Algorithms", 2017,
arXiv:1708.07747 (https://github.com/zalandoresearch/fashion-mnist).
Licence: MIT. 70,000 greyscale 28×28 images of Zalando articles in 10 balanced
classes: 60,000 training images (6,000 per class) and 10,000 test images
(1,000 per class).

:class:`FashionMNIST` reads the four original IDX ``.gz`` files that the Debian
package installs under ``/usr/share/datasets/fashion-mnist/`` (offline). The
OpenML copy (dataset "Fashion-MNIST" version 1, id 40996: the same rows, training
set first) is ``dataset=fashion_mnist_openml``, read by
:class:`benchmarks.datasets.openml_images.OpenMLImages`.
"""

from __future__ import annotations

import gzip
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split, apt_command
from benchmarks.errors import ConfigError, DataUnavailable

__all__ = [
    "CLASSES",
    "DEFAULT_ROOT",
    "FashionMNIST",
    "IDX_FILES",
    "N_TEST",
    "N_TRAIN",
    "load_fashion_mnist_idx",
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

DEBIAN_PACKAGE = "dataset-fashion-mnist"
DEFAULT_ROOT = Path("/usr/share/datasets/fashion-mnist")
#: The four IDX files of the original release, as named in the Debian package.
IDX_FILES = {
    "X_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "X_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


@dataclass(frozen=True)
class FashionMNIST(DatasetLoader):
    """Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747; MIT licence), offline.

    Reads the four original IDX ``.gz`` files of the Debian package
    ``dataset-fashion-mnist`` (``apt-get install dataset-fashion-mnist``).

    Args:
        root: folder holding the four files (:data:`IDX_FILES`).

    :meth:`load` returns a :class:`~benchmarks.datasets.base.Corpus` with the
    original split: ``train`` 60,000 and ``test`` 10,000 images, ``X``
    ``(n, 28, 28)`` uint8 pixel intensities 0..255 (0 = background), ``y``
    ``(n,)`` int64 labels 0..9, ``classes`` the 10 names of :data:`CLASSES`,
    ``info`` the source and split sizes. The arrays are writable and fresh on
    each load.

    Raises (from :meth:`load`):
        ConfigError: ``root`` is not a path.
        DataUnavailable: a file is missing (the message gives the apt-get
            command that installs it), truncated or corrupt (it names the file).
    """

    root: str = str(DEFAULT_ROOT)

    def load(self) -> Corpus:
        if not isinstance(self.root, (str, os.PathLike)) \
                or not os.fspath(self.root):
            raise ConfigError(f"dataset.loader.root={self.root!r} must be the folder of the Fashion-MNIST "
                              "IDX files")
        return load_fashion_mnist_idx(self.root)


def _apt_command(reinstall: bool = False) -> str:
    return apt_command(DEBIAN_PACKAGE, reinstall=reinstall)


def load_fashion_mnist_idx(root: str | os.PathLike = DEFAULT_ROOT) -> Corpus:
    """Read the four original IDX ``.gz`` files from ``root``: the corpus :class:`FashionMNIST` loads.

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
    return Corpus(
        train=Split(X_train, y_train.astype(np.int64)),
        test=Split(X_test, y_test.astype(np.int64)),
        classes=CLASSES,
        info={"source": f"Debian package {DEBIAN_PACKAGE} ({root})", "n_train": N_TRAIN, "n_test": N_TEST},
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
