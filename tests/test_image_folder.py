"""ImageFolder: class folders of PNG files written with OpenCV into tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf.errors import MissingMandatoryValue

from benchmarks.datasets.image_folder import ImageFolder
from benchmarks.errors import ConfigError, DataUnavailable

CONF = Path(__file__).parents[1] / "conf"


def _grey(value: int, shape=(6, 8)) -> np.ndarray:
    """A grey image whose pixel (0, 0) is ``value``, so images can be told apart."""
    image = np.arange(np.prod(shape), dtype=np.int64).reshape(shape).astype(np.uint8)
    image[0, 0] = value
    return image


def _write(path: Path, image: np.ndarray) -> np.ndarray:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return image


@pytest.fixture
def flat(tmp_path) -> Path:
    """root/<class>/ with 2 cats and 1 dog, written out of sorted order, and files to skip."""
    root = tmp_path / "flat"
    _write(root / "dog" / "d1.png", _grey(30))
    _write(root / "cat" / "c2.png", _grey(20))
    _write(root / "cat" / "c1.png", _grey(10))
    _write(root / "cat" / ".hidden.png", _grey(99))
    (root / "cat" / "README.txt").write_text("not an image")
    (root / ".cache").mkdir()
    return root


def test_flat_layout_reads_sorted_classes_and_files(flat):
    corpus = ImageFolder(root=str(flat)).load()
    assert corpus.classes == ("cat", "dog")
    assert corpus.train.X.shape == (3, 6, 8) and corpus.train.X.dtype == np.uint8
    assert corpus.train.y.dtype == np.int64 and corpus.train.y.tolist() == [0, 0, 1]
    assert corpus.train.X[:, 0, 0].tolist() == [10, 20, 30]  # c1, c2, d1
    np.testing.assert_array_equal(corpus.train.X[2], _grey(30))  # PNG is lossless
    assert corpus.test is None and corpus.val is None
    assert json.loads(json.dumps(corpus.info)) == {
        "source": f"image folder {flat}", "n_train": 3, "n_test": None, "image_shape": [6, 8]}


def test_train_and_test_folders(tmp_path):
    root = tmp_path / "split"
    for name, value in (("a", 1), ("b", 2), ("c", 3)):
        _write(root / "train" / name / "x.png", _grey(value))
    _write(root / "test" / "c" / "y.png", _grey(33))
    _write(root / "test" / "a" / "y.png", _grey(11))
    corpus = ImageFolder(root=str(root)).load()
    assert corpus.classes == ("a", "b", "c")
    assert corpus.train.y.tolist() == [0, 1, 2] and corpus.train.X[:, 0, 0].tolist() == [1, 2, 3]
    # the test folder lacks class b: labels are still the training classes' indices
    assert corpus.test.y.tolist() == [0, 2] and corpus.test.X[:, 0, 0].tolist() == [11, 33]
    assert (corpus.info["n_train"], corpus.info["n_test"]) == (3, 2)


def test_resize_to_image_size(tmp_path):
    big, small = _grey(7, (8, 12)), _grey(9, (4, 4))
    _write(tmp_path / "a" / "big.png", big)
    _write(tmp_path / "b" / "small.png", small)
    corpus = ImageFolder(root=str(tmp_path), image_size=[4, 6]).load()
    assert corpus.train.X.shape == (2, 4, 6)
    np.testing.assert_array_equal(corpus.train.X[0], cv2.resize(big, (6, 4), interpolation=cv2.INTER_AREA))
    np.testing.assert_array_equal(corpus.train.X[1], cv2.resize(small, (6, 4), interpolation=cv2.INTER_AREA))


def test_colour_images_are_rgb(tmp_path):
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 200, 100, 50  # R, G, B
    _write(tmp_path / "warm" / "x.png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))  # OpenCV writes BGR
    _write(tmp_path / "cold" / "x.png", cv2.cvtColor(rgb[..., ::-1].copy(), cv2.COLOR_RGB2BGR))
    corpus = ImageFolder(root=str(tmp_path), grayscale=False).load()
    assert corpus.classes == ("cold", "warm")
    assert corpus.train.X.shape == (2, 4, 4, 3) and corpus.train.X.dtype == np.uint8
    np.testing.assert_array_equal(corpus.train.X[1], rgb)
    np.testing.assert_array_equal(corpus.train.X[0], rgb[..., ::-1])
    grey = ImageFolder(root=str(tmp_path)).load().train.X
    assert grey.shape == (2, 4, 4)
    assert grey[1, 0, 0] == round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)


def _errors(tmp_path: Path) -> dict:
    """For each broken layout: the root and a fragment its error names."""
    cases = {}
    cases["missing root"] = (tmp_path / "nope", f"image folder {tmp_path / 'nope'} does not exist")
    (tmp_path / "empty").mkdir()
    cases["no class folders"] = (tmp_path / "empty", f"{tmp_path / 'empty'} has 0 class folder(s)")
    _write(tmp_path / "one" / "cat" / "x.png", _grey(1))
    cases["one class"] = (tmp_path / "one", "has 1 class folder(s) ['cat']; classification needs two")
    _write(tmp_path / "hollow" / "cat" / "x.png", _grey(1))
    (tmp_path / "hollow" / "dog").mkdir()
    (tmp_path / "hollow" / "dog" / "notes.txt").write_text("no images here")
    cases["class without images"] = (tmp_path / "hollow", f"class folder {tmp_path / 'hollow' / 'dog'} has no "
                                                           "image files")
    _write(tmp_path / "corrupt" / "cat" / "x.png", _grey(1))
    (tmp_path / "corrupt" / "dog").mkdir()
    (tmp_path / "corrupt" / "dog" / "y.png").write_bytes(b"not a png")
    cases["unreadable image"] = (tmp_path / "corrupt", f"cannot read image file "
                                                       f"{tmp_path / 'corrupt' / 'dog' / 'y.png'}")
    for name in ("a", "b"):
        _write(tmp_path / "stray" / "train" / name / "x.png", _grey(1))
    _write(tmp_path / "stray" / "test" / "z" / "x.png", _grey(1))
    cases["unknown test class"] = (tmp_path / "stray", f"{tmp_path / 'stray' / 'test' / 'z'} is a test class "
                                                       "that")
    _write(tmp_path / "sizes" / "a" / "x.png", _grey(1, (6, 8)))
    _write(tmp_path / "sizes" / "b" / "y.png", _grey(1, (5, 8)))
    cases["sizes differ"] = (tmp_path / "sizes", f"images differ in size: {tmp_path / 'sizes' / 'a' / 'x.png'} "
                                                 f"is 6x8 and {tmp_path / 'sizes' / 'b' / 'y.png'} is 5x8")
    for name in ("a", "b"):
        _write(tmp_path / "extra" / "train" / name / "x.png", _grey(1))
    _write(tmp_path / "extra" / "val" / "a" / "x.png", _grey(1))
    cases["folder beside train"] = (tmp_path / "extra", f"and also {tmp_path / 'extra' / 'val'}")
    return cases


@pytest.mark.parametrize("case", ["missing root", "no class folders", "one class", "class without images",
                                  "unreadable image", "unknown test class", "sizes differ",
                                  "folder beside train"])
def test_broken_folders_are_one_line_data_errors(tmp_path, case):
    root, fragment = _errors(tmp_path)[case]
    with pytest.raises(DataUnavailable) as info:
        ImageFolder(root=str(root)).load()
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("params, message", [
    ({}, "dataset.loader.root='???' must be the dataset folder"),
    ({"root": "x", "image_size": [0, 4]}, "dataset.loader.image_size=[0, 4] must be [H, W]"),
    ({"root": "x", "image_size": 28}, "dataset.loader.image_size=28 must be [H, W]"),
    ({"root": "x", "grayscale": "yes"}, "dataset.loader.grayscale='yes' must be true or false"),
])
def test_bad_parameters_are_config_errors(params, message):
    with pytest.raises(ConfigError) as info:
        ImageFolder(**params).load()
    assert message in str(info.value)


def _dataset_config(*overrides: str):
    with initialize_config_dir(config_dir=str(CONF), version_base=None):
        return compose(config_name=None, overrides=["+dataset=image_folder", *overrides]).dataset


def test_config_instantiates_the_loader(flat):
    cfg = _dataset_config(f"dataset.loader.root={flat}", "dataset.loader.image_size=[3,4]")
    assert cfg.name == "image_folder" and list(cfg.tasks) == ["image"]
    corpus = instantiate(cfg.loader).load()
    assert corpus.classes == ("cat", "dog") and corpus.train.X.shape == (3, 3, 4)
    with pytest.raises(MissingMandatoryValue, match="root"):  # the root must be given
        instantiate(_dataset_config().loader)
