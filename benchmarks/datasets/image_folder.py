"""Any image classification dataset kept as image files in one folder per class.

The layout is torchvision's ``ImageFolder``
(https://pytorch.org/vision/stable/generated/torchvision.datasets.ImageFolder.html):
``root/<class>/<image files>``, or ``root/train/<class>/...`` with an optional
``root/test/<class>/...`` that is then the dataset's own test split. Images are
read with OpenCV. Config: ``conf/dataset/image_folder.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import check_params, positive_int, satisfies

__all__ = ["IMAGE_EXTENSIONS", "ImageFolder"]

#: File name endings read as images (lower-cased), as torchvision's ``IMG_EXTENSIONS``;
#: other files (``README``, ``.DS_Store``, ...) are skipped.
IMAGE_EXTENSIONS = (".bmp", ".jpeg", ".jpg", ".pgm", ".png", ".ppm", ".tif", ".tiff", ".webp")


@dataclass(frozen=True)
class ImageFolder(DatasetLoader):
    """Images in class folders: ``root/<class>/*``, or ``root/train/<class>/*`` and ``root/test/<class>/*``.

    Classes are the class folders' names in sorted order (those of ``train/``
    in the second layout; ``test/`` may lack some but not add any), and
    files are read in sorted order, so a load is deterministic. Hidden files
    and folders (names starting with ``.``) and files whose names do not end
    in one of :data:`IMAGE_EXTENSIONS` are skipped.

    Args:
        root: the dataset folder.
        image_size: ``[H, W]`` in pixels: every image is resized to it with
            ``cv2.resize(interpolation=cv2.INTER_AREA)``. ``None``: images are
            kept as they are and must all have the same size.
        grayscale: read images as grey (``cv2.IMREAD_GRAYSCALE``); otherwise as
            colour, converted from OpenCV's BGR to RGB.

    :meth:`load` returns a :class:`~benchmarks.datasets.base.Corpus`: ``X``
    ``(n, H, W)`` uint8 (grey) or ``(n, H, W, 3)`` uint8 (RGB, 8 bits per
    channel; deeper images are scaled down by OpenCV); ``y`` ``(n,)`` int64
    labels, ``classes[label]`` the class folder's name; ``test`` ``None`` in the
    one-folder layout (the task carves a test split); ``info`` the source,
    split sizes and image shape.

    Raises (from :meth:`load`):
        ConfigError: ``root``, ``image_size`` or ``grayscale`` has the wrong
            type or range.
        DataUnavailable: ``root`` does not exist, has no class folders or only
            one, a class folder has no images, an image file cannot be read,
            images differ in size without ``image_size``, ``test/`` has a class
            that ``train/`` lacks, or ``root`` holds folders besides ``train/``
            and ``test/`` in the second layout. Each message names the path.
    """

    root: str = "???"
    image_size: list[int] | tuple[int, int] | None = None
    grayscale: bool = True

    def load(self) -> Corpus:
        size = self._check()
        root = Path(os.path.expanduser(os.fspath(self.root)))
        if not root.is_dir():
            raise DataUnavailable(f"image folder {root} does not exist or is not a folder "
                                  "(dataset.loader.root)")
        if (root / "train").is_dir():
            extra = sorted(p.name for p in _folders(root) if p.name not in ("train", "test"))
            if extra:
                raise DataUnavailable(f"image folder {root} has {root / 'train'} and also {root / extra[0]}; "
                                      "with a train/ folder only train/ and test/ may be there")
            train_dir, test_dir = root / "train", root / "test"
        else:
            train_dir, test_dir = root, None
        classes = tuple(p.name for p in _folders(train_dir))
        if len(classes) < 2:
            raise DataUnavailable(f"image folder {train_dir} has {len(classes)} class folder(s) "
                                  f"{list(classes)}; classification needs two or more")
        splits = {"train": self._read_split(train_dir, classes, size)}
        if test_dir is not None and test_dir.is_dir():
            test_classes = [p.name for p in _folders(test_dir)]
            if not test_classes:
                raise DataUnavailable(f"test folder {test_dir} has no class folders")
            unknown = [name for name in test_classes if name not in classes]
            if unknown:
                raise DataUnavailable(f"{test_dir / unknown[0]} is a test class that {train_dir} does not "
                                      f"have; train classes: {', '.join(classes)}")
            splits["test"] = self._read_split(test_dir, classes, size, only=test_classes)
        if size is None:
            _check_same_size(list(splits.values()))
        train = _stack(*splits["train"][1:])
        test = _stack(*splits["test"][1:]) if "test" in splits else None
        return Corpus(
            train=train,
            test=test,
            classes=classes,
            info={"source": f"image folder {root}", "n_train": len(train),
                  "n_test": None if test is None else len(test), "image_shape": list(train.X.shape[1:])},
        )

    _parameter_constraints = {"grayscale": ["boolean"]}

    def _check(self) -> tuple[int, int] | None:
        """Check the parameters; return ``image_size`` as ``(H, W)`` or ``None``."""
        if not isinstance(self.root, (str, os.PathLike)) or os.fspath(self.root) in ("", "???"):
            raise ConfigError(f"dataset.loader.root={self.root!r} must be the dataset folder; "
                              "set dataset.loader.root=/path/to/images")
        check_params(self, self._parameter_constraints, "dataset.loader.")
        if self.image_size is None:
            return None
        try:
            size = tuple(self.image_size)
        except TypeError:
            size = ()
        if len(size) != 2 or not all(satisfies(d, positive_int()) for d in size):
            raise ConfigError(f"dataset.loader.image_size={self.image_size!r} must be [H, W] in positive "
                              "integers (pixels) or null")
        return int(size[0]), int(size[1])

    def _read_split(self, folder: Path, classes: tuple[str, ...], size: tuple[int, int] | None,
                    only: list[str] | None = None) -> tuple[list[Path], list[np.ndarray], list[int]]:
        """Paths, images and labels under ``folder/<class>/``, for the classes in ``only`` (default: all)."""
        paths, images, labels = [], [], []
        flag = cv2.IMREAD_GRAYSCALE if self.grayscale else cv2.IMREAD_COLOR
        for label, name in enumerate(classes):
            if only is not None and name not in only:
                continue
            files = sorted(p for p in (folder / name).iterdir()
                           if p.is_file() and not p.name.startswith(".")
                           and p.suffix.lower() in IMAGE_EXTENSIONS)
            if not files:
                raise DataUnavailable(f"class folder {folder / name} has no image files "
                                      f"({', '.join(IMAGE_EXTENSIONS)})")
            for path in files:
                image = cv2.imread(str(path), flag)
                if image is None:
                    raise DataUnavailable(f"cannot read image file {path}: OpenCV cannot decode it")
                if size is not None:
                    # cv2.resize takes (width, height); INTER_AREA averages, so shrinking does not alias
                    image = cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_AREA)
                paths.append(path)
                images.append(image if self.grayscale else cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
                labels.append(label)
        return paths, images, labels


def _check_same_size(splits: list[tuple[list[Path], list[np.ndarray], list[int]]]) -> None:
    """Raise unless every image of every split has the first one's size."""
    first_path, first = splits[0][0][0], splits[0][1][0]
    for paths, images, _ in splits:
        for path, image in zip(paths, images):
            if image.shape[:2] != first.shape[:2]:
                raise DataUnavailable(
                    f"images differ in size: {first_path} is {_size(first.shape)} and {path} is "
                    f"{_size(image.shape)} (H x W); set dataset.loader.image_size=[H,W] to resize them")


def _stack(images: list[np.ndarray], labels: list[int]) -> Split:
    return Split(np.stack(images), np.array(labels, dtype=np.int64))


def _folders(folder: Path) -> list[Path]:
    """The visible sub-folders of ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[0]}x{shape[1]}"
