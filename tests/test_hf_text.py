"""The Hugging Face text loader, offline: the AG News fixture, label kinds, and every error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.datasets.hf_text import HFText
from benchmarks.errors import ConfigError, DataUnavailable

HF_FIXTURE = Path(__file__).parent / "fixtures" / "hf" / "ag_news"  # see make_ag_news_fixture.py


def hub_folder(root: Path, splits: dict[str, dict[str, list]]) -> str:
    """A local folder laid out like a hub repository: one parquet file per split."""
    import datasets

    for split, columns in splits.items():
        path = root / "data" / f"{split}-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        datasets.Dataset.from_dict(columns).to_parquet(str(path))
    return str(root)


def load(tmp_path: Path, path: str, **kwargs):
    return HFText(path=path, data_dir=str(tmp_path / "cache"), **kwargs).load()


def test_ag_news_fixture_loads_offline_with_its_class_names(no_network, tmp_path):
    corpus = HFText(path=str(HF_FIXTURE), data_dir=str(tmp_path)).load()
    assert corpus.classes == ("World", "Sports", "Business", "Sci/Tech")
    assert (len(corpus.train), len(corpus.test)) == (24, 8) and corpus.val is None
    for split in (corpus.train, corpus.test):
        assert split.X.shape == split.y.shape and split.X.dtype == object and split.y.dtype == np.int64
        assert all(isinstance(t, str) for t in split.X) and split.groups is None
    assert corpus.test.X[0] == "Rebels agree to a truce in the northern hills." and corpus.test.y[0] == 0
    assert corpus.test.y.tolist() == [0, 1, 2, 3] * 2 and corpus.train.y.tolist() == [0, 1, 2, 3] * 6
    assert corpus.info == {}
    assert (tmp_path / "huggingface").is_dir(), "the datasets cache lives under paths.data_dir"


def test_text_task_carves_a_stratified_validation_split_from_the_fixture(no_network, tmp_path):
    from benchmarks.tasks.text import TextTask

    data = TextTask(dataset=HFText(path=str(HF_FIXTURE), data_dir=str(tmp_path)), val_size=4).load()
    assert (len(data.train), len(data.val), len(data.test)) == (20, 4, 8)
    assert sorted(data.val.y.tolist()) == [0, 1, 2, 3]
    assert data.info["classes"] == ["World", "Sports", "Business", "Sci/Tech"]


def test_integer_and_string_labels(tmp_path):
    ints = hub_folder(tmp_path / "ints", {"train": {"text": ["a", "b", "c"], "label": [2, 0, 2]},
                                          "test": {"text": ["d"], "label": [0]}})
    corpus = load(tmp_path, ints)
    assert corpus.classes == ("0", "2") and corpus.train.y.tolist() == [1, 0, 1]
    assert corpus.test.y.tolist() == [0] and corpus.train.y.dtype == np.int64
    strings = hub_folder(tmp_path / "strings", {"train": {"body": ["a", "b", "c"], "topic": ["sport", "art", "sport"]}})
    corpus = load(tmp_path, strings, text_column="body", label_column="topic", test_split=None)
    assert corpus.classes == ("art", "sport") and corpus.train.y.tolist() == [1, 0, 1] and corpus.test is None
    assert list(corpus.train.X) == ["a", "b", "c"]


def test_datasets_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DataUnavailable, match=r"dataset fancyzhx/ag_news: Hugging Face datasets is not "
                                              r"installed: pip install datasets"):
        HFText(path="fancyzhx/ag_news").load()


def test_offline_without_cache_is_one_clear_error(no_network, tmp_path, monkeypatch):
    import datasets
    import huggingface_hub

    # offline mode: the hub client fails at once instead of retrying for ~20 s
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    with pytest.raises(DataUnavailable, match="Cannot load Hugging Face dataset 'fancyzhx/ag_news'") as err:
        HFText(path="fancyzhx/ag_news", data_dir=str(tmp_path)).load()
    assert "\n" not in str(err.value)


def test_unknown_config_name(tmp_path):
    with pytest.raises(DataUnavailable, match=r"dataset '.*ag_news' \(config 'bogus'\): ValueError: .*bogus"):
        load(tmp_path, str(HF_FIXTURE), name="bogus")


@pytest.mark.parametrize("kwargs, message", [
    ({"train_split": "training"}, r"has no split 'training' \(dataset\.loader\.train_split\); its splits: train, test"),
    ({"test_split": "validation"},
     r"has no split 'validation' \(dataset\.loader\.test_split\); its splits: train, test"),
    ({"text_column": "content"},
     r"train split, has no column 'content' \(dataset\.loader\.text_column\); its columns: text, label"),
    ({"label_column": "topic"},
     r"train split, has no column 'topic' \(dataset\.loader\.label_column\); its columns: text, label"),
])
def test_missing_split_or_column_is_named(tmp_path, kwargs, message):
    with pytest.raises(DataUnavailable, match=message):
        load(tmp_path, str(HF_FIXTURE), **kwargs)


def test_non_string_texts(tmp_path):
    path = hub_folder(tmp_path / "numbers", {"train": {"text": [1, 2], "label": [0, 1]}})
    with pytest.raises(DataUnavailable, match=r"'.*numbers', train split, row 1: the text 1 is int, not a string"):
        load(tmp_path, path, test_split=None)


def test_bad_labels(tmp_path):
    import datasets

    unlabelled = tmp_path / "unlabelled" / "data" / "test-00000-of-00001.parquet"
    unlabelled.parent.mkdir(parents=True)
    features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["a", "b"])})
    for split, labels in (("train", [0, 1]), ("test", [0, -1])):
        datasets.Dataset.from_dict({"text": ["x", "y"], "label": labels}, features=features).to_parquet(
            str(unlabelled.parent / f"{split}-00000-of-00001.parquet"))
    with pytest.raises(DataUnavailable,
                       match=r"test split, row 2: label -1 is not a class index 0\.\.1 of its ClassLabel"):
        load(tmp_path, str(unlabelled.parents[1]))
    unseen = hub_folder(tmp_path / "unseen", {"train": {"text": ["a", "b"], "label": ["x", "y"]},
                                              "test": {"text": ["c"], "label": ["z"]}})
    with pytest.raises(DataUnavailable, match=r"test split, row 1: label 'z' is not among the training labels"):
        load(tmp_path, unseen)


@pytest.mark.parametrize("kwargs, message", [
    ({}, r"dataset\.loader\.path is required"),
    ({"path": "x", "text_column": 3}, r"dataset\.loader\.text_column=3 must be an instance of 'str'"),
    ({"path": "x", "test_split": 0}, r"dataset\.loader\.test_split=0 must be"),
])
def test_bad_parameters_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        HFText(**kwargs).load()


@pytest.mark.parametrize("name, overrides, expected", [
    ("wordnet", [], {"_target_": "benchmarks.datasets.wordnet.WordNet", "path": "/usr/share/wordnet/data.noun"}),
    ("ag_news", [], {"_target_": "benchmarks.datasets.hf_text.HFText", "path": "fancyzhx/ag_news",
                     "test_split": "test", "data_dir": "/data"}),
    ("hf_text", ["dataset.loader.path=x/y"], {"_target_": "benchmarks.datasets.hf_text.HFText", "path": "x/y"}),
    ("text_file", ["dataset.loader.path=a.csv"], {"_target_": "benchmarks.datasets.text_file.TextFile",
                                                  "path": "a.csv", "test_path": None}),
])
def test_text_dataset_configs_compose_and_instantiate(name, overrides, expected):
    """``task=text dataset=<name>``; wordnet is the text task's default."""
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from benchmarks.registry import compose

    cfg = compose(["task=text", *([] if name == "wordnet" else [f"dataset={name}"]), "paths.data_dir=/data",
                   *overrides])
    assert cfg.dataset.name == name and list(cfg.dataset.tasks) == ["text"]
    loader = OmegaConf.to_container(cfg.dataset.loader, resolve=True)
    assert {k: loader[k] for k in expected} == expected
    assert type(instantiate(cfg.dataset.loader)).__name__ == expected["_target_"].rsplit(".", 1)[1]
