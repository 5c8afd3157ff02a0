"""The translation task (benchmarks/tasks/translation.py): splits, metrics, units and the Apertium reference."""

from __future__ import annotations

import numpy as np
import pytest
from sacrebleu.metrics import BLEU

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.experts import apertium
from benchmarks.tasks.translation import TranslationTask, bleu_from_statistics


class _Loader(DatasetLoader):
    """A corpus held in memory: ``pairs`` of (en, es), all in its training split, chapters as groups."""

    def __init__(self, pairs, with_splits=False):
        self.pairs = pairs
        self.with_splits = with_splits

    def load(self) -> Corpus:
        X = np.array([p[0] for p in self.pairs], dtype=object)
        y = np.array([p[1] for p in self.pairs], dtype=object)
        groups = np.array([f"ch{i // 5}" for i in range(len(X))], dtype=object)
        return Corpus(train=Split(X, y, groups), info={"languages": ["en", "es"]})


PAIRS = [(f"the house {i}", f"la casa {i}") for i in range(200)]


def test_a_corpus_without_splits_is_carved_by_group_and_flipped_for_es_en():
    data = TranslationTask(_Loader(PAIRS), direction="es-en", reference=None, val_share=0.1, test_share=0.1).load()
    assert data.train.X[0].startswith("la casa") and data.train.y[0].startswith("the house")
    groups = [set(s.groups) for s in (data.train, data.val, data.test)]
    assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
    assert len(data.train) + len(data.val) + len(data.test) == 200 and len(data.test) == 20


@pytest.mark.parametrize("direction, message", [("en-fr", "languages are en-es"), ("english", "<source>-<target>")])
def test_a_direction_the_corpus_lacks_is_a_config_error(direction, message):
    with pytest.raises(ConfigError, match=message):
        TranslationTask(_Loader(PAIRS), direction=direction, reference=None).load()


def test_bleu_from_unit_statistics_equals_sacrebleu_on_any_resample():
    rng = np.random.default_rng(0)
    words = "y la casa de los hijos dios tierra que el".split()
    refs = [" ".join(rng.choice(words, rng.integers(3, 15))) for _ in range(60)]
    hyps = [" ".join(w if rng.random() < 0.6 else rng.choice(words) for w in r.split()[:rng.integers(1, 15)])
            for r in refs]
    task = TranslationTask(_Loader(PAIRS), reference=None)
    data = type("D", (), {"test": Split(np.array(hyps, dtype=object), np.array(refs, dtype=object))})
    units = task.unit_scores(data, hyps)
    assert units.value == pytest.approx(BLEU().corpus_score(hyps, [refs]).score, abs=1e-9)
    idx = rng.integers(0, 60, size=(5, 60))
    expected = [BLEU().corpus_score([hyps[i] for i in row], [[refs[i] for i in row]]).score for row in idx]
    assert units.resampled(idx) == pytest.approx(expected, abs=1e-9)
    assert bleu_from_statistics(np.zeros(10)) == 0.0


def test_the_floor_is_copying_the_source_and_signatures_are_recorded(bible_corpus):
    task = TranslationTask(_BibleLoader(bible_corpus), test_size=100, reference=None)
    data = task.load()
    metric, score, higher = task.trivial_score(data)
    assert (metric, higher) == ("bleu", True) and 0 <= score < 3
    info = task.task_info(data, data.train.take(np.arange(10)))
    assert info["signatures"]["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp")
    assert info["train_words_en"] == sum(len(s.split()) for s in data.train.X[:10])


class _BibleLoader(DatasetLoader):
    def __init__(self, corpus):
        self.corpus = corpus

    def load(self):
        return self.corpus


def test_apertium_translates_line_by_line_and_is_cached(tmp_path):
    out = apertium.translate(["In the beginning, God created the heavens and the earth.", "The house is green."],
                             "en-es", str(tmp_path))
    assert len(out) == 2 and "cielos" in out[0] and "casa" in out[1]
    assert apertium.translate(["The house is green."], "en-es") == out[1:]
    assert list(tmp_path.rglob("out.json"))


def test_missing_apertium_gives_the_apt_line(monkeypatch):
    monkeypatch.setattr(apertium.shutil, "which", lambda name: None)
    with pytest.raises(DataUnavailable, match="apt-get install apertium-eng-spa"):
        apertium.translate(["hello"], "en-es")


@pytest.mark.parametrize("approach", ["pipeline", "e2e"])
def test_a_malformed_direction_fails_with_one_line_on_both_sides(app, tmp_path, capsys, approach):
    code = app("task=translation", f"approach={approach}", "task.direction=enes", "threads=1",
               f"paths.data_dir={tmp_path / 'data'}", f"hydra.run.dir={tmp_path / 'run'}")
    err = capsys.readouterr().err
    assert code != 0 and "task.direction='enes' must be <source>-<target>" in err
    assert "Traceback" not in err


def test_a_missing_reference_fails_before_any_training(monkeypatch):
    monkeypatch.setattr(apertium.shutil, "which", lambda name: None)
    with pytest.raises(DataUnavailable, match="apertium-eng-spa, or set task.reference=null"):
        TranslationTask(_Loader(PAIRS), reference="apertium").load()
    with pytest.raises(DataUnavailable, match="no fr-de pair.*task.reference=null"):
        apertium.check_available("fr-de")


def test_one_translation_per_reference_is_required():
    with pytest.raises(ValueError, match="10 translations for 50 references"):
        TranslationTask(_Loader(PAIRS), reference=None).evaluate(["a b c d e"] * 50, ["a b c d e"] * 10)


def test_the_phrase_based_method_on_another_task_is_one_line(app, tmp_path, capsys):
    code = app("task=image", "approach=pipeline", "method=phrase_based", "threads=1",
               f"paths.data_dir={tmp_path / 'data'}", f"hydra.run.dir={tmp_path / 'run'}")
    err = capsys.readouterr().err
    assert code != 0 and "method=phrase_based is for task translation, not task=image" in err
    assert "Traceback" not in err and (tmp_path / "run" / "result.json").is_file()
