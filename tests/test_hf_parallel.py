"""Parallel corpora from the Hugging Face hub (benchmarks/datasets/hf_parallel.py), offline on local fixtures."""

from __future__ import annotations

import pytest

from benchmarks.datasets.hf_parallel import HFParallel
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.tasks.translation import TranslationTask


def _hub_folder(root, splits, layout="translation"):
    """A local folder laid out like a hub repository: one parquet file per split."""
    import datasets

    for split, n in splits.items():
        path = root / "data" / f"{split}-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        en = [f"the house number {i}" for i in range(n)]
        es = [f"la casa número {i}" for i in range(n)]
        columns = {"translation": [{"en": a, "es": b} for a, b in zip(en, es)]} if layout == "translation" \
            else {"english": en, "spanish": es, "doc": [f"d{i // 10}" for i in range(n)]}
        datasets.Dataset.from_dict(columns).to_parquet(str(path))
    return root


def test_a_wmt_style_folder_loads_offline_with_its_splits(no_network, tmp_path):
    root = _hub_folder(tmp_path / "hub", {"train": 40, "validation": 5, "test": 6})
    corpus = HFParallel(path=str(root), data_dir=str(tmp_path / "cache")).load()
    assert (len(corpus.train), len(corpus.val), len(corpus.test)) == (40, 5, 6)
    assert corpus.train.X[3] == "the house number 3" and corpus.train.y[3] == "la casa número 3"
    assert corpus.info["languages"] == ["en", "es"] and not no_network


def test_one_column_per_language_and_missing_splits_are_carved(tmp_path):
    root = _hub_folder(tmp_path / "hub", {"train": 100}, layout="columns")
    loader = HFParallel(path=str(root), translation_column=None, source_column="english", target_column="spanish",
                        group_column="doc", validation_split=None, test_split=None, data_dir=str(tmp_path / "cache"))
    data = TranslationTask(loader, direction="es-en", reference=None, val_share=0.1, test_share=0.1).load()
    assert len(data.test) == 10 and len(data.train) + len(data.val) == 90
    assert data.train.X[0].startswith("la casa")
    # whole documents on each side
    assert not set(data.test.groups) & set(data.train.groups) and not set(data.val.groups) & set(data.train.groups)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"path": "???"}, ConfigError, "dataset.loader.path is required"),
    ({"languages": ["en", "en"]}, ConfigError, "must name two languages"),
    ({"translation_column": None}, ConfigError, "source_column and target_column"),
    ({"test_split": "dev"}, DataUnavailable, "no split 'dev'.*dataset.loader.test_split=null if it has none"),
    ({"path": "/no/such/folder"}, DataUnavailable, "no such folder"),
    ({"translation_column": "pairs"}, DataUnavailable, "no column 'pairs'"),
    ({"languages": ["en", "fr"]}, DataUnavailable, "row 1: 'translation' has no en and fr sentences"),
])
def test_bad_settings_name_the_key(tmp_path, kwargs, error, message):
    root = _hub_folder(tmp_path / "hub", {"train": 4, "validation": 2, "test": 2})
    settings = {"path": str(root), "data_dir": str(tmp_path / "cache")} | kwargs
    with pytest.raises(error, match=message):
        HFParallel(**settings).load()
