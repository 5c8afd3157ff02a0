"""Fashion-MNIST loader: the embedded (Debian) source and the OpenML source, offline."""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import socket
import types
from pathlib import Path

import numpy as np
import pytest

from benchmarks.datasets import fashion_mnist as fm
from benchmarks.datasets.fashion_mnist import (
    CLASSES,
    IDX_FILES,
    FashionMNIST,
    load_fashion_mnist,
    load_fashion_mnist_openml,
)
from benchmarks.errors import ConfigError, DataUnavailable

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


@pytest.fixture(scope="module")
def embedded() -> FashionMNIST:
    return load_fashion_mnist()


# --------------------------------------------------------------------------- embedded


def test_embedded_shapes_and_dtypes(embedded):
    assert embedded.X_train.shape == (60000, 28, 28)
    assert embedded.X_train.dtype == np.uint8
    assert embedded.y_train.shape == (60000,)
    assert embedded.y_train.dtype == np.int64
    assert embedded.X_test.shape == (10000, 28, 28)
    assert embedded.X_test.dtype == np.uint8
    assert embedded.y_test.shape == (10000,)
    assert embedded.y_test.dtype == np.int64
    assert embedded.X_train.flags.writeable  # torch.from_numpy warns on read-only arrays


def test_embedded_classes_are_balanced(embedded):
    assert embedded.classes == CLASSES
    assert embedded.classes == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    )  # fmt: skip
    assert np.bincount(embedded.y_train).tolist() == [6000] * 10
    assert np.bincount(embedded.y_test).tolist() == [1000] * 10


def test_embedded_first_image_is_known(embedded):
    image = embedded.X_train[0]
    assert embedded.y_train[0] == 9 and embedded.classes[9] == "Ankle boot"
    assert image[3].tolist() == IMAGE0_ROW3
    assert int(image.sum(dtype=np.int64)) == IMAGE0_SUM
    assert embedded.y_train[:12].tolist() == FIRST_TRAIN_LABELS
    assert embedded.y_test[:4].tolist() == FIRST_TEST_LABELS


def test_missing_files_name_the_apt_get_fix(tmp_path, monkeypatch):
    with pytest.raises(DataUnavailable) as info:
        load_fashion_mnist(root=tmp_path)
    message = str(info.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert str(tmp_path / "train-images-idx3-ubyte.gz") in message

    monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
    with pytest.raises(DataUnavailable, match=r"sudo apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(root=tmp_path)
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    with pytest.raises(DataUnavailable) as info:
        load_fashion_mnist(root=tmp_path)
    assert "sudo" not in str(info.value)


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
        load_fashion_mnist(root=root)
    message = str(info.value)
    assert str(root / IDX_FILES["X_train"]) in message
    assert why in message
    assert "apt-get install --reinstall dataset-fashion-mnist" in message


# --------------------------------------------------------------------------- openml


class NetworkBlocked(OSError):
    """Raised by the test's socket guard; an OSError, as a real offline machine gives."""


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Block every connection and DNS lookup; return the list of attempts."""
    attempts: list = []

    def blocked(*args, **kwargs):
        attempts.append(args)
        raise NetworkBlocked("network access blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket.socket, "connect_ex", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    monkeypatch.setattr(socket, "create_connection", blocked)
    # fetch_openml sleeps 1 s between its network retries
    import sklearn.datasets._openml as sk_openml

    monkeypatch.setattr(sk_openml, "time", types.SimpleNamespace(sleep=lambda s: None))
    return attempts


@pytest.fixture
def openml_home(tmp_path) -> Path:
    """A copy of the cache fixture: fetch_openml deletes cache files it cannot read."""
    home = tmp_path / "data"
    shutil.copytree(CACHE_FIXTURE, home)
    return home


def _files(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_openml_reads_the_cache_without_network(openml_home, no_network, embedded):
    before = _files(openml_home)
    data = load_fashion_mnist_openml(openml_home, n_train=12, n_test=4)

    assert no_network == []
    assert _files(openml_home) == before  # nothing downloaded, nothing rewritten
    assert data.X_train.shape == (12, 28, 28) and data.X_train.dtype == np.uint8
    assert data.X_test.shape == (4, 28, 28) and data.X_test.dtype == np.uint8
    assert data.y_train.dtype == np.int64 and data.y_test.dtype == np.int64
    assert data.y_train.tolist() == FIRST_TRAIN_LABELS
    assert data.y_test.tolist() == FIRST_TEST_LABELS
    assert data.X_train[0, 3].tolist() == IMAGE0_ROW3
    assert int(data.X_train[0].sum(dtype=np.int64)) == IMAGE0_SUM
    assert data.classes == CLASSES
    # the same arrays as the embedded source, row for row
    np.testing.assert_array_equal(data.X_train, embedded.X_train[:12])
    np.testing.assert_array_equal(data.X_test, embedded.X_test[:4])
    np.testing.assert_array_equal(data.y_train, embedded.y_train[:12])
    np.testing.assert_array_equal(data.y_test, embedded.y_test[:4])


def test_openml_public_loader_checks_the_row_count(openml_home, no_network):
    # The public loader expects the real 60,000 + 10,000 rows; the 16-row cache
    # is read offline and then rejected rather than split wrongly.
    with pytest.raises(DataUnavailable, match=r"\(70000, 784\)"):
        load_fashion_mnist("openml", data_dir=openml_home)
    assert no_network == []


@pytest.mark.filterwarnings("ignore:A network error occurred")
def test_openml_offline_without_cache(tmp_path, no_network):
    with pytest.raises(DataUnavailable) as info:
        load_fashion_mnist("openml", data_dir=tmp_path)
    message = str(info.value)
    assert "openml.org is unreachable" in message
    assert "data.source=embedded works offline" in message
    assert str(tmp_path / "openml") in message
    assert no_network  # it did try, and was refused


@pytest.mark.filterwarnings("ignore:A network error occurred", "ignore:Invalid cache")
def test_openml_corrupt_cache_is_not_silently_used(openml_home, no_network):
    arff = next((openml_home / "openml" / "openml.org" / "data").rglob("*.arff.gz"))
    arff.write_bytes(gzip.compress(b"@RELATION broken\n", mtime=0))  # md5 no longer matches
    with pytest.raises(DataUnavailable, match="unreachable"):
        load_fashion_mnist_openml(openml_home, n_train=12, n_test=4)


def test_cache_fixture_is_what_the_generator_writes(tmp_path):
    maker = _load_fixture_maker()
    X, y = maker.fixture_rows()
    maker.write_cache(tmp_path, X, y)
    committed, regenerated = _files(CACHE_FIXTURE), _files(tmp_path)
    assert committed.keys() == regenerated.keys()
    for name in committed:
        assert gzip.decompress(committed[name]) == gzip.decompress(regenerated[name]), name
    assert sum(map(len, committed.values())) < 200_000


# --------------------------------------------------------------------------- config


def test_unknown_source_lists_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        load_fashion_mnist("hf-mirror")
    assert "'hf-mirror'" in str(info.value)
    assert "embedded" in str(info.value) and "openml" in str(info.value)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("E2EBENCH_ONLINE_TESTS") != "1",
    reason="downloads about 30 MB from openml.org; set E2EBENCH_ONLINE_TESTS=1",
)
def test_openml_matches_embedded_online(tmp_path, embedded):  # pragma: no cover
    data = load_fashion_mnist("openml", data_dir=tmp_path)
    for key in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(data, key), getattr(embedded, key), err_msg=key)
