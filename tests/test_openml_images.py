"""OpenMLImages, offline: tiny fake OpenML caches of grey and colour images, written in tmp_path."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from benchmarks.datasets.openml_images import OpenMLImages
from benchmarks.errors import ConfigError, DataUnavailable

CONF = Path(__file__).parents[1] / "conf"
MAKER = Path(__file__).parent / "fixtures" / "openml" / "make_fashion_mnist_cache.py"
N_ROWS = 20


def _maker():
    spec = importlib.util.spec_from_file_location("make_fashion_mnist_cache", MAKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _maker()
# "10" sorts before "2" as text: the loader must order digit strings as numbers
GREY = maker.FakeDataset(name="tiny-grey", data_id=900001, file_id=910001, version=2,
                         class_values=("0", "1", "2", "10"))
COLOUR = maker.FakeDataset(name="tiny-colour", data_id=900002, file_id=910002,
                           class_values=("truck", "cat", "bird"))


@pytest.fixture
def home(tmp_path, no_network) -> tuple[Path, dict]:
    """A data home caching GREY (4x4) and COLOUR (2x2x3) tables; returns it and their rows."""
    rng = np.random.default_rng(0)
    rows = {
        "grey": (rng.integers(0, 256, (N_ROWS, 16)), np.array(GREY.class_values * 5)),
        "colour": (rng.integers(0, 256, (N_ROWS, 12)),
                   np.array([COLOUR.class_values[i % 3] for i in range(N_ROWS)])),
    }
    rows["grey"][0][0, :2] = [0, 255]  # both ends of the range
    maker.write_cache(tmp_path, *rows["grey"], GREY)
    maker.write_cache(tmp_path, *rows["colour"], COLOUR)
    return tmp_path, rows


def test_grey_images_by_name_split_after_n_train(home, no_network):
    data_home, rows = home
    X, y = rows["grey"]
    corpus = OpenMLImages(name="tiny-grey", version=2, image_shape=(4, 4), n_train=15,
                          data_dir=str(data_home)).load()
    assert no_network == []
    assert corpus.train.X.shape == (15, 4, 4) and corpus.train.X.dtype == np.uint8
    assert corpus.test.X.shape == (5, 4, 4) and corpus.test.X.dtype == np.uint8
    assert corpus.train.y.dtype == np.int64 and corpus.train.y.shape == (15,)
    # rows in order, each row read as an image row by row
    np.testing.assert_array_equal(corpus.train.X, X[:15].reshape(15, 4, 4))
    np.testing.assert_array_equal(corpus.test.X, X[15:].reshape(5, 4, 4))
    assert corpus.classes == ("0", "1", "2", "10")
    expected = [{"0": 0, "1": 1, "2": 2, "10": 3}[v] for v in y]
    assert corpus.train.y.tolist() + corpus.test.y.tolist() == expected
    assert corpus.val is None
    assert corpus.info == {"source": "OpenML dataset 'tiny-grey' version 2", "n_train": 15, "n_test": 5,
                           "image_shape": [4, 4]}
    json.dumps(corpus.info)


def test_by_data_id_without_own_test_split(home):
    data_home, rows = home
    by_id = OpenMLImages(data_id=GREY.data_id, image_shape=[4, 4], data_dir=str(data_home)).load()
    assert by_id.test is None and len(by_id.train) == N_ROWS
    np.testing.assert_array_equal(by_id.train.X, rows["grey"][0].reshape(N_ROWS, 4, 4))
    assert by_id.info["source"] == f"OpenML dataset id {GREY.data_id}" and by_id.info["n_test"] is None


@pytest.mark.parametrize("channels_first", [False, True])
def test_colour_images_channel_layout(home, channels_first):
    data_home, rows = home
    X, y = rows["colour"]
    corpus = OpenMLImages(name="tiny-colour", image_shape=[2, 2, 3], channels_first=channels_first,
                          data_dir=str(data_home)).load()
    images = corpus.train.X
    assert images.shape == (N_ROWS, 2, 2, 3) and images.dtype == np.uint8 and images.flags.c_contiguous
    for h, w, c in np.ndindex(2, 2, 3):
        # channel planes (R plane, G plane, B plane) or interleaved RGB pixels
        column = c * 4 + h * 2 + w if channels_first else (h * 2 + w) * 3 + c
        np.testing.assert_array_equal(images[:, h, w, c], X[:, column])
    assert corpus.classes == ("bird", "cat", "truck")  # sorted as text
    assert corpus.train.y.tolist() == [corpus.classes.index(v) for v in y]


def test_single_channel_shape_gives_grey_images(home):
    data_home, rows = home
    corpus = OpenMLImages(name="tiny-grey", version=2, image_shape=[4, 4, 1], data_dir=str(data_home)).load()
    assert corpus.train.X.shape == (N_ROWS, 4, 4)
    np.testing.assert_array_equal(corpus.train.X, rows["grey"][0].reshape(N_ROWS, 4, 4))


@pytest.mark.parametrize("params, message", [
    ({}, "set exactly one of dataset.loader.name (an OpenML dataset name) and dataset.loader.data_id"),
    ({"name": "tiny-grey", "data_id": 900001}, "both are set"),
    ({"name": "tiny-grey", "image_shape": [28, 28, 4]}, "dataset.loader.image_shape=[28, 28, 4] must be"),
    ({"name": "tiny-grey", "image_shape": [28]}, "dataset.loader.image_shape=[28] must be"),
    ({"name": "tiny-grey", "image_shape": 28}, "dataset.loader.image_shape=28 must be"),
    ({"data_id": "554"}, "dataset.loader.data_id='554' must be an int in the range [1, inf) or None"),
    ({"name": "tiny-grey", "n_train": 0}, "dataset.loader.n_train=0 must be an int in the range [1, inf) or None"),
    ({"name": "tiny-grey", "version": True}, "dataset.loader.version=True must be"),
    ({"name": "tiny-grey", "channels_first": "yes"}, "dataset.loader.channels_first='yes' must be"),
    ({"name": "  "}, "dataset.loader.name='  ' must be an OpenML dataset name"),
])
def test_bad_parameters_are_config_errors(tmp_path, no_network, params, message):
    with pytest.raises(ConfigError) as info:
        OpenMLImages(data_dir=str(tmp_path), **params).load()
    assert message in str(info.value) and "\n" not in str(info.value)
    assert no_network == []  # checked before fetching anything


def test_feature_count_must_match_image_shape(home):
    data_home, _ = home
    with pytest.raises(ConfigError) as info:
        OpenMLImages(name="tiny-grey", version=2, image_shape=[5, 5], data_dir=str(data_home)).load()
    message = str(info.value)
    assert "dataset.loader.image_shape=[5, 5] holds 25 values per image" in message
    assert "'tiny-grey' version 2 has 16 features" in message


def test_n_train_must_leave_test_rows(home):
    data_home, _ = home
    with pytest.raises(ConfigError, match=r"dataset.loader.n_train=20 must be below the 20 rows"):
        OpenMLImages(name="tiny-grey", version=2, image_shape=[4, 4], n_train=20, data_dir=str(data_home)).load()


@pytest.mark.parametrize("bad, found", [(256, "[255, 256]"), (-1, "[-1, 255]"), (12.5, "[12.5, 255]")])
def test_pixels_outside_0_255_or_fractional_are_rejected(tmp_path, no_network, bad, found):
    X = np.full((4, 16), 255.0)
    X[0, 0] = bad
    if bad < 0:
        X[1, 0] = 0
    maker.write_cache(tmp_path, X, np.array(GREY.class_values), GREY)
    with pytest.raises(DataUnavailable) as info:
        OpenMLImages(name="tiny-grey", version=2, image_shape=[4, 4], data_dir=str(tmp_path)).load()
    assert "pixel values must be integers in 0..255" in str(info.value) and found in str(info.value)


def test_a_single_class_is_rejected(tmp_path, no_network):
    maker.write_cache(tmp_path, np.zeros((3, 16), int), np.array(["1", "1", "1"]), GREY)
    with pytest.raises(DataUnavailable, match=r"1 distinct class label\(s\) \['1'\]"):
        OpenMLImages(name="tiny-grey", version=2, image_shape=[4, 4], data_dir=str(tmp_path)).load()


@pytest.mark.filterwarnings("ignore:A network error occurred")
def test_offline_without_cache_is_one_line(tmp_path, no_network):
    with pytest.raises(DataUnavailable) as info:
        OpenMLImages(data_id=40927, image_shape=[32, 32, 3], data_dir=str(tmp_path)).load()
    message = str(info.value)
    assert message.startswith("Cannot fetch OpenML dataset id 40927: openml.org is unreachable")
    assert str(tmp_path / "openml") in message and "dataset=fashion_mnist" in message
    assert "\n" not in message
    assert no_network  # it did try, and was refused


def test_loader_compares_and_keys_by_parameters():
    a = OpenMLImages(name="mnist_784", n_train=60000)
    assert a == OpenMLImages(name="mnist_784", n_train=60000) != OpenMLImages(name="mnist_784")
    assert a.cache_key() == OpenMLImages(name="mnist_784", n_train=60000).cache_key()
    assert a.cache_key() != OpenMLImages(name="mnist_784").cache_key()


# --------------------------------------------------------------------------- configs

EXPECTED = {
    "openml_image": dict(name=None, data_id=None, version=1, image_shape=[28, 28], n_train=None),
    "mnist": dict(name="mnist_784", data_id=None, version=1, image_shape=[28, 28], n_train=60000),
    "fashion_mnist_openml": dict(name="Fashion-MNIST", data_id=None, version=1, image_shape=[28, 28],
                                 n_train=60000),
    "kmnist": dict(name=None, data_id=41982, image_shape=[28, 28], n_train=None),
    "cifar10": dict(name=None, data_id=40927, image_shape=[32, 32, 3], channels_first=True, n_train=None),
}


def _dataset_config(name: str, *overrides: str):
    with initialize_config_dir(config_dir=str(CONF), version_base=None):
        return compose(config_name=None, overrides=[f"+dataset={name}", "+paths.data_dir=/data", *overrides])


@pytest.mark.parametrize("name", EXPECTED)
def test_openml_dataset_configs_compose_and_instantiate(name):
    cfg = _dataset_config(name).dataset
    assert cfg.name == name and list(cfg.tasks) == ["image"]
    loader = instantiate(cfg.loader)
    assert type(loader) is OpenMLImages and loader.data_dir == "/data"
    for key, value in EXPECTED[name].items():
        actual = getattr(loader, key)
        assert (list(actual) if key == "image_shape" else actual) == value, key
    assert loader.channels_first is EXPECTED[name].get("channels_first", False)
    assert (CONF / "dataset" / f"{name}.yaml").read_text().startswith("# ")  # the header comment


def test_generic_config_loads_a_dataset_named_on_the_command_line(home):
    data_home, rows = home
    cfg = _dataset_config("openml_image", "dataset.loader.name=tiny-grey", "dataset.loader.version=2",
                          "dataset.loader.image_shape=[4,4]", "dataset.loader.n_train=12").dataset
    corpus = instantiate(cfg.loader, data_dir=str(data_home)).load()
    assert (len(corpus.train), len(corpus.test)) == (12, 8)
    np.testing.assert_array_equal(corpus.test.X, rows["grey"][0][12:].reshape(8, 4, 4))
    with pytest.raises(ConfigError, match="neither is set"):
        instantiate(_dataset_config("openml_image").dataset.loader).load()
