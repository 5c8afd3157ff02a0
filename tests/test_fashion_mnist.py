"""Fashion-MNIST: the Debian package loader, and its OpenML copy (dataset=fashion_mnist_openml) offline."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from benchmarks.datasets import fashion_mnist as fm
from benchmarks.datasets.base import Corpus
from benchmarks.datasets.fashion_mnist import CLASSES, IDX_FILES, FashionMNIST
from benchmarks.errors import ConfigError, DataUnavailable

CONF = Path(__file__).parents[1] / "conf"
FIXTURES = Path(__file__).parent / "fixtures" / "openml"
CACHE_FIXTURE = FIXTURES / "fashion-mnist"  # a sklearn data home, see make_fashion_mnist_cache.py

# Checked by hand: train image 0 is an ankle boot (label 9); as ASCII art it is a
# boot facing left, and these are its row 3 pixels and its pixel sum.
IMAGE0_ROW3 = [0] * 12 + [1, 0, 0, 13, 73, 0, 0, 1, 4] + [0] * 4 + [1, 1, 0]
IMAGE0_SUM = 76247
FIRST_TRAIN_LABELS = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9]
FIRST_TEST_LABELS = [9, 2, 1, 1]


def _load_fixture_maker():
    spec = importlib.util.spec_from_file_location(
        "make_fashion_mnist_cache", FIXTURES / "make_fashion_mnist_cache.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dataset_config(name: str, *overrides: str):
    with initialize_config_dir(config_dir=str(CONF), version_base=None):
        return compose(config_name=None, overrides=[f"+dataset={name}", "+paths.data_dir=/data", *overrides])


@pytest.fixture(scope="module")
def embedded() -> Corpus:
    return FashionMNIST().load()


# --------------------------------------------------------------------------- Debian package


def test_embedded_shapes_and_dtypes(embedded):
    train, test = embedded.train, embedded.test
    assert train.X.shape == (60000, 28, 28)
    assert train.X.dtype == np.uint8
    assert train.y.shape == (60000,)
    assert train.y.dtype == np.int64
    assert test.X.shape == (10000, 28, 28)
    assert test.X.dtype == np.uint8
    assert test.y.shape == (10000,)
    assert test.y.dtype == np.int64
    assert train.X.flags.writeable  # torch.from_numpy warns on read-only arrays
    assert embedded.val is None and train.groups is None
    assert json.loads(json.dumps(embedded.info)) == {
        "source": "Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)",
        "n_train": 60000, "n_test": 10000}


def test_embedded_classes_are_balanced(embedded):
    assert embedded.classes == CLASSES
    assert embedded.classes == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    )  # fmt: skip
    assert np.bincount(embedded.train.y).tolist() == [6000] * 10
    assert np.bincount(embedded.test.y).tolist() == [1000] * 10


def test_embedded_first_image_is_known(embedded):
    image = embedded.train.X[0]
    assert embedded.train.y[0] == 9 and embedded.classes[9] == "Ankle boot"
    assert image[3].tolist() == IMAGE0_ROW3
    assert int(image.sum(dtype=np.int64)) == IMAGE0_SUM
    assert embedded.train.y[:12].tolist() == FIRST_TRAIN_LABELS
    assert embedded.test.y[:4].tolist() == FIRST_TEST_LABELS


def test_config_is_the_debian_loader():
    cfg = _dataset_config("fashion_mnist").dataset
    assert cfg.name == "fashion_mnist" and list(cfg.tasks) == ["image"]
    assert instantiate(cfg.loader) == FashionMNIST()
    assert FashionMNIST().root == str(fm.DEFAULT_ROOT)


def test_missing_files_name_the_apt_get_fix(tmp_path, monkeypatch):
    with pytest.raises(DataUnavailable) as info:
        FashionMNIST(root=str(tmp_path)).load()
    message = str(info.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert str(tmp_path / "train-images-idx3-ubyte.gz") in message

    monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
    with pytest.raises(DataUnavailable, match=r"sudo apt-get install dataset-fashion-mnist"):
        FashionMNIST(root=str(tmp_path)).load()
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    with pytest.raises(DataUnavailable) as info:
        FashionMNIST(root=str(tmp_path)).load()
    assert "sudo" not in str(info.value)


@pytest.mark.parametrize("root", [None, 3, ""])
def test_root_must_be_a_path(root):
    with pytest.raises(ConfigError, match=rf"dataset.loader.root={root!r} must be the folder"):
        FashionMNIST(root=root).load()


def _root_with_bad_train_images(tmp_path: Path, content: bytes) -> Path:
    """A root with the three real files linked in and ``content`` as the training images."""
    for name in IDX_FILES.values():
        (tmp_path / name).symlink_to(fm.DEFAULT_ROOT / name)
    bad = tmp_path / IDX_FILES["X_train"]
    bad.unlink()
    bad.write_bytes(content)
    return tmp_path


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


IDX_HEADER = bytes((0, 0, 8, 3)) + np.array([60000, 28, 28], ">u4").tobytes()


@pytest.mark.parametrize(
    "make_content, why",
    [
        (lambda: (fm.DEFAULT_ROOT / IDX_FILES["X_train"]).read_bytes()[:20_000], "EOFError"),
        (lambda: b"not a gzip file", "BadGzipFile"),
        (lambda: _gz(IDX_HEADER + bytes(1000)), "data bytes, expected 47040000"),
        (lambda: _gz(bytes((0, 0, 8, 1)) + bytes(100)), "IDX magic"),
        (lambda: _gz(bytes(5)), "too short"),
    ],
    ids=["truncated-gz", "not-gzip", "short-data", "wrong-magic", "no-header"],
)
def test_corrupt_file_names_the_file(tmp_path, make_content, why):
    root = _root_with_bad_train_images(tmp_path, make_content())
    with pytest.raises(DataUnavailable) as info:
        FashionMNIST(root=str(root)).load()
    message = str(info.value)
    assert str(root / IDX_FILES["X_train"]) in message
    assert why in message
    assert "apt-get install --reinstall dataset-fashion-mnist" in message


# --------------------------------------------------------------------------- OpenML copy


@pytest.fixture
def openml_home(tmp_path) -> Path:
    """A copy of the cache fixture: fetch_openml deletes cache files it cannot read."""
    home = tmp_path / "data"
    shutil.copytree(CACHE_FIXTURE, home)
    return home


def _files(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def _openml_loader(data_home: Path, *overrides: str):
    """The loader of dataset=fashion_mnist_openml, with the cache at ``data_home``."""
    return instantiate(_dataset_config("fashion_mnist_openml", *overrides).dataset.loader,
                       data_dir=str(data_home))


def test_openml_reads_the_cache_without_network(openml_home, no_network, embedded):
    before = _files(openml_home)
    data = _openml_loader(openml_home, "dataset.loader.n_train=12").load()

    assert no_network == []
    assert _files(openml_home) == before  # nothing downloaded, nothing rewritten
    assert data.train.X.shape == (12, 28, 28) and data.train.X.dtype == np.uint8
    assert data.test.X.shape == (4, 28, 28) and data.test.X.dtype == np.uint8
    assert data.train.y.dtype == np.int64 and data.test.y.dtype == np.int64
    # OpenML's labels are the strings "0".."9"; the 16 rows hold 7 of them, numbered 0..6 in order
    assert data.classes == ("0", "1", "2", "3", "5", "7", "9")
    assert [int(data.classes[k]) for k in data.train.y] == FIRST_TRAIN_LABELS
    assert [int(data.classes[k]) for k in data.test.y] == FIRST_TEST_LABELS
    assert data.train.X[0, 3].tolist() == IMAGE0_ROW3
    assert int(data.train.X[0].sum(dtype=np.int64)) == IMAGE0_SUM
    # the same images as the Debian package, row for row
    np.testing.assert_array_equal(data.train.X, embedded.train.X[:12])
    np.testing.assert_array_equal(data.test.X, embedded.test.X[:4])


def test_openml_config_expects_the_real_row_count(openml_home, no_network):
    # The config's n_train=60000 fits the real 70,000 rows; the 16-row cache is
    # read offline and then rejected rather than split wrongly.
    with pytest.raises(ConfigError, match=r"dataset.loader.n_train=60000 must be below the 16 rows"):
        _openml_loader(openml_home).load()
    assert no_network == []


@pytest.mark.filterwarnings("ignore:A network error occurred")
def test_openml_offline_without_cache(tmp_path, no_network):
    with pytest.raises(DataUnavailable) as info:
        _openml_loader(tmp_path).load()
    message = str(info.value)
    assert "OpenML dataset 'Fashion-MNIST' version 1: openml.org is unreachable" in message
    assert "dataset=fashion_mnist" in message  # the offline alternative
    assert str(tmp_path / "openml") in message
    assert no_network  # it did try, and was refused


@pytest.mark.filterwarnings("ignore:A network error occurred", "ignore:Invalid cache")
def test_openml_corrupt_cache_is_not_silently_used(openml_home, no_network):
    arff = next((openml_home / "openml" / "openml.org" / "data").rglob("*.arff.gz"))
    arff.write_bytes(gzip.compress(b"@RELATION broken\n", mtime=0))  # md5 no longer matches
    with pytest.raises(DataUnavailable, match="unreachable"):
        _openml_loader(openml_home, "dataset.loader.n_train=12").load()


def test_cache_fixture_is_what_the_generator_writes(tmp_path):
    maker = _load_fixture_maker()
    X, y = maker.fixture_rows()
    maker.write_cache(tmp_path, X, y)
    committed, regenerated = _files(CACHE_FIXTURE), _files(tmp_path)
    assert committed.keys() == regenerated.keys()
    for name in committed:
        assert gzip.decompress(committed[name]) == gzip.decompress(regenerated[name]), name
    assert sum(map(len, committed.values())) < 200_000


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("E2EBENCH_ONLINE_TESTS") != "1",
    reason="downloads about 30 MB from openml.org; set E2EBENCH_ONLINE_TESTS=1",
)
def test_openml_matches_embedded_online(tmp_path, embedded):  # pragma: no cover
    data = _openml_loader(tmp_path).load()
    assert data.classes == tuple(str(i) for i in range(10))
    for key in ("train", "test"):
        np.testing.assert_array_equal(getattr(data, key).X, getattr(embedded, key).X, err_msg=key)
        np.testing.assert_array_equal(getattr(data, key).y, getattr(embedded, key).y, err_msg=key)
