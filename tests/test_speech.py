"""The speech task: a deterministic corpus, SNR mixing, the digit-loop decoder, and both sides learn."""

from __future__ import annotations

import ctypes.util
import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.cache import read_manifest
from benchmarks.datasets.spoken_digits import WORDS, SpokenDigits, voice_splits
from benchmarks.datasets.tts import espeak, festival
from benchmarks.datasets.tts.noise import NOISES, mix, pink, white
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.tasks.speech import SpeechTask
from tests.conftest import TINY, records


# --------------------------------------------------------------------------- corpus


def test_same_seed_same_manifest_hash(tmp_path):
    sizes = {"train": 12, "val": 3, "test": 3, "heldout": 3}
    a, b, c = (Path(SpokenDigits(data_dir=str(tmp_path / name), seed=seed, **sizes).load().info["corpus"])
               for name, seed in (("a", 7), ("b", 7), ("c", 8)))
    files = [read_manifest(f)["files"] for f in (a, b, c)]
    assert files[0] == files[1], "same seed, same files and SHA-256s"
    assert files[0]["train_audio.npy"] != files[2]["train_audio.npy"]
    assert read_manifest(a)["params"] == {"seed": 7, **sizes}


def test_corpus_is_split_by_voice_and_holds_out_an_engine(tiny):
    train_X, train_y, train_voices = tiny.train.X, tiny.train.y, tiny.train.groups
    val_voices = set(tiny.val.groups)
    test_X, test_voices, heldout = tiny.test.X, tiny.test.groups, tiny.info["heldout"]
    assert len(train_X) == 240 and len(tiny.val) == 40 and len(test_X) == 40 + 18
    assert heldout.dtype == bool and heldout.shape == (len(test_X),) and tiny.classes is None
    assert not (set(train_voices) & val_voices) and not (set(train_voices) & set(test_voices))
    assert not (val_voices & set(test_voices))
    engines = {v.split("/")[0] for v in train_voices}
    assert engines == {"espeak", "flite"}, "training mixes engines"
    assert {v.split("/")[0] for v in test_voices[heldout]} == {"festival"} and heldout.sum() == 18
    assert train_y.dtype == object and train_voices.dtype == object
    assert all(x.dtype == np.int16 and x.ndim == 1 and 1600 < len(x) < 6 * 16000 for x in train_X)
    words = [t.split() for t in train_y]
    assert all(1 <= len(w) <= 7 and set(w) <= set(WORDS) for w in words)
    assert 0.1 < np.mean([len(w) == 1 for w in words]) < 0.45, "isolated words and strings"
    # the fixed voice table: every split draws from its own voices
    table = voice_splits()
    assert len(table["train"]) == 74 and {e for e, _ in table["heldout"]} == {"festival"}
    X_ast, y_ast = tiny.info["asterisk"]
    assert list(y_ast) == list(WORDS) and all(x.dtype == np.int16 for x in X_ast)
    noises = tiny.info["noises"]
    assert len(noises["opensfx"]) > 60 * 16000 and len(noises["babble"]) == 60 * 16000


def test_task_takes_the_corpus_splits_as_they_are(tiny, tiny_data):
    for name in ("train", "val", "test"):
        ours, theirs = getattr(tiny_data, name), getattr(tiny, name)
        assert list(ours.y) == list(theirs.y) and list(ours.groups) == list(theirs.groups), name
    assert np.array_equal(tiny_data.info["heldout"], tiny.info["heldout"])
    assert list(tiny_data.info["noises"]) == ["white", "pink", "opensfx", "babble"]


def test_manifest_records_build_facts(tiny):
    manifest = json.loads((Path(tiny.info["corpus"]) / "MANIFEST.json").read_text())
    assert manifest["info"]["utterances"] == sum(TINY.values())
    assert manifest["info"]["audio_hours"] > 0 and "utterances.csv" in manifest["files"]


@pytest.mark.parametrize("noise", NOISES)
def test_mixing_gives_the_requested_snr(tiny, tiny_data, noise):
    clean = tiny.test.X[0]
    bank = tiny_data.info["noises"][noise]
    rng = np.random.default_rng(0)
    for snr in (20, 15, 10, 5, 0):
        noisy = mix(clean, bank, snr, rng)
        added = noisy.astype(np.float64) - clean
        measured = 10 * np.log10(np.mean(clean.astype(np.float64) ** 2) / np.mean(added ** 2))
        assert measured == pytest.approx(snr, abs=0.5), (noise, snr, measured)
        assert noisy.dtype == np.int16 and len(noisy) == len(clean)


def test_pink_noise_falls_3db_per_octave():
    x = pink(1 << 18, np.random.default_rng(0))
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 16000)
    band = lambda lo: spectrum[(freqs >= lo) & (freqs < 2 * lo)].mean()  # noqa: E731
    assert 10 * np.log10(band(500) / band(1000)) == pytest.approx(3.0, abs=0.5)
    w = white(1 << 16, np.random.default_rng(0))
    assert abs(w.std() - 1) < 0.02


# --------------------------------------------------------------------------- task


def test_training_subsets_are_nested_and_paired(tiny_task, tiny_data):
    small = tiny_task.training_indices(tiny_data.train, 60, seed=3)
    large = tiny_task.training_indices(tiny_data.train, 200, seed=3)
    assert set(small) <= set(large) and len(set(large)) == 200
    assert not np.array_equal(small, tiny_task.training_indices(tiny_data.train, 60, seed=4))
    lengths = np.array([len(t.split()) for t in tiny_data.train.y])
    assert abs(np.mean(lengths[small] == 1) - np.mean(lengths == 1)) < 0.05, "stratified by string length"


def test_metrics_on_known_predictions(tiny_task):
    truth = ["one two", "three", "four five six", "oh"]
    pred = ["one two", "three", "four six", "zero"]
    m = tiny_task.evaluate(truth, pred)
    assert m["wer"] == pytest.approx(2 / 7)
    assert m["string_acc"] == pytest.approx(0.5) and m["word_acc"] == pytest.approx(0.5)


@pytest.mark.parametrize("kwargs, message", [
    ({"train_noise": "loud"}, "data.train_noise='loud' must be one of clean, multi"),
    ({"val_size": 10_000}, "task.val_size=10000 must be an integer between 1 and 40"),
    ({"noises": ["rain"]}, "task.noises: unknown noise rain"),
    ({"snrs": [10, "abc"]}, "task.snrs: 'abc' is not a number of dB"),
])
def test_bad_config_is_named(tiny_loader, tiny, kwargs, message):
    task = SpeechTask(dataset=tiny_loader, **kwargs)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        task.load()


@pytest.mark.parametrize("kwargs, message", [
    ({"train": 0}, r"dataset\.loader\.train=0 must be an int in the range \[1, inf\)"),
    ({"seed": -1}, r"dataset\.loader\.seed=-1 must be an int in the range \[0, inf\)"),
])
def test_bad_corpus_size_is_named(tmp_path, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        SpokenDigits(data_dir=str(tmp_path), **kwargs).load()


def test_missing_packages_give_the_apt_line(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    with pytest.raises(DataUnavailable, match="sudo apt-get install espeak-ng libespeak-ng1"):
        espeak.Espeak()
    monkeypatch.setattr(festival.shutil, "which", lambda name: None)
    with pytest.raises(DataUnavailable, match="sudo apt-get install festival festvox-us-slt-hts"):
        festival.festival_batch("slt", ["one"], [1.0])


def test_multi_condition_training_adds_noise(tiny_loader, tiny_data):
    multi = SpeechTask(dataset=tiny_loader, train_noise="multi").load()
    changed = [not np.array_equal(a, b) for a, b in zip(multi.train.X, tiny_data.train.X)]
    assert 0.6 < np.mean(changed) < 0.95, "about four in five utterances get noise"
    assert list(multi.train.y) == list(tiny_data.train.y)
    assert all(np.array_equal(a, b) for a, b in zip(multi.test.X, tiny_data.test.X)), "test stays clean"


# --------------------------------------------------------------------------- pipeline


# --------------------------------------------------------------------------- both sides, through the runner


def test_both_sides_learn_through_the_runner(app, tmp_path, corpus_dir, tiny_task, tiny_data):
    """Whole tiny pool (240 utterances), one candidate each: WER on clean new voices of the trained
    engines far below always saying the most common word (WER ~0.94)."""
    sweep = tmp_path / "sweep"
    common = ["task=speech", "train_size=null", "tuning.budget=1", "threads=1", "logger=csv",
              f"paths.data_dir={corpus_dir}", *[f"dataset.loader.{k}={v}" for k, v in TINY.items()],
              "task.noisy_size=12", "task.snrs=[10,0]"]
    assert app(*common, "approach=pipeline", f"hydra.run.dir={sweep}/pipeline",
               "method.estimator.param_grid={hmm__n_states:[6],hmm__n_mix:[1]}") == 0
    assert app(*common, "approach=e2e", f"hydra.run.dir={sweep}/e2e", "trainer.max_epochs=30",
               "method.estimator.patience=30", "method.estimator.batch_size=16",
               "method.estimator.param_grid={lr:[0.003],hidden:[64]}") == 0
    runs = {r["approach"]: r for r in records(sweep)}
    assert set(runs) == {"pipeline", "e2e"} and all(r["status"] == "ok" for r in runs.values()), \
        [r["error"] for r in runs.values()]
    seen = ~tiny_data.info["heldout"]
    truth = [t for t, s in zip(tiny_data.test.y, seen) if s]
    words = [w for t in tiny_data.train.y for w in t.split()]
    top = max(set(words), key=words.count)
    baseline = tiny_task.evaluate(truth, [top] * len(truth))["wer"]
    assert baseline > 0.85
    for approach, r in runs.items():
        m = r["metrics"]
        assert m["wer@voices=seen"] < 0.7 * baseline, (approach, m["wer@voices=seen"])
        for key in ("wer", "string_acc", "word_acc", "wer@voices=heldout", "wer@snr=clean", "wer@snr=10",
                    "wer@noise=babble,snr=0", "wer@snr=0,voices=heldout", "word_acc@set=asterisk"):
            assert key in m, (approach, key)
        assert r["primary_metric"] == "wer" and r["higher_is_better"] is False
        assert r["cost"]["n_params"] > 0