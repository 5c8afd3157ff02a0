"""The text task's protocol on WordNet (fixed stratified splits), and the full-size learning checks (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.datasets.wordnet import WordNet
from benchmarks.tasks.text import TextTask
from tests.conftest import records

MAJORITY = 0.1421  # noun.artifact's share of the test split


@pytest.fixture(scope="module")
def splits():
    return TextTask(WordNet(), val_size=1000, test_size=10000).load()


def test_splits_are_fixed_disjoint_and_stratified(splits):
    again = TextTask(WordNet(), val_size=1000, test_size=10000).load()
    assert list(splits.val.X) == list(again.val.X) and np.array_equal(splits.test.y, again.test.y)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (70411, 1000, 10000)
    # the test split does not move when the validation split changes size
    default = TextTask(WordNet(), test_size=10000).load()
    assert (len(default.train), len(default.val), len(default.test)) == (66411, 5000, 10000)
    assert list(default.test.X) == list(splits.test.X)
    train, val, test = set(splits.train.X), set(splits.val.X), set(splits.test.X)
    assert not (train & val) and not (train & test) and not (val & test)
    counts = np.bincount(splits.test.y, minlength=24)
    assert counts.max() / len(splits.test) == pytest.approx(MAJORITY, abs=1e-4)
    assert counts.min() > 0 and np.bincount(splits.val.y, minlength=24).min() > 0
    assert splits.train.X.dtype == object and isinstance(splits.train.take([0, 5]).X[1], str)


def _run_text(app, out, *args):
    code = app("task=text", "seed=0", "tuning.budget=1", "task.val_size=1000", f"hydra.run.dir={out}", *args)
    record = records(out)[0]
    assert code == 0, record["error"]
    assert (record["task"], record["dataset"]) == ("text", "wordnet")
    return record


@pytest.mark.slow
def test_char_cnn_beats_the_majority_class_on_3k_glosses(app, tmp_path):
    # the default method as a sweep runs it (20 epochs, early stopping), one candidate
    record = _run_text(app, tmp_path, "approach=e2e", "train_size=3000")
    assert record["method"] == "char_cnn"
    # 0.50 here; the majority class is 0.14
    assert record["metrics"]["accuracy"] >= 0.45 and record["val_metrics"]["accuracy"] >= 0.45


@pytest.mark.slow
def test_byte_transformer_beats_030_on_3k_glosses(app, tmp_path):
    record = _run_text(app, tmp_path, "approach=e2e", "method=byte_transformer", "train_size=3000")
    assert record["metrics"]["accuracy"] > 0.30
