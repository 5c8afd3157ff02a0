"""The WAV-folder loader: mixing, resampling, the manifest's errors, and the speech task's carving."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from benchmarks.datasets.wav_folder import WavFolder
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.tasks.speech import SpeechTask


def tone(seconds: float, rate: int, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return np.sin(2 * np.pi * freq * t).astype(np.float32)


def folder(root, rows: list[dict], header: list[str] | None = None, absent: tuple[str, ...] = ()) -> str:
    """Write a manifest of ``rows``, and an 8 kHz stereo float WAV for each file that isn't there or ``absent``."""
    root.mkdir(parents=True, exist_ok=True)
    header = header or list(rows[0])
    lines = [",".join(header)] + [",".join(str(r.get(c, "")) for c in header) for r in rows]
    (root / "manifest.csv").write_text("\n".join(lines) + "\n")
    for r in rows:
        path = root / r["file"]
        if r["file"] and r["file"] not in absent and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            x = tone(0.2, 8000)
            soundfile.write(path, np.stack([0.5 * x, 0.1 * x], axis=1), 8000, subtype="FLOAT")
    return str(root)


def speakers(n_speakers: int, per_speaker: int = 3, **extra) -> list[dict]:
    return [{"file": f"s{s}/u{u}.wav", "transcript": "one two", "speaker": f"spk{s}", **extra}
            for s in range(n_speakers) for u in range(per_speaker)]


def test_stereo_8khz_float_becomes_mono_16khz_int16(tmp_path):
    root = tmp_path / "wavs"
    root.mkdir()
    x16 = (tone(0.25, 16000, 300) * 12000).astype(np.int16)
    soundfile.write(root / "native.wav", x16, 16000, subtype="PCM_16")
    rows = [{"file": "a/b.wav", "transcript": "  One OH   seven ", "speaker": "alice"},
            {"file": "native.wav", "transcript": "nine", "speaker": "bob"}]
    corpus = WavFolder(root=folder(root, rows)).load()
    assert corpus.val is None and corpus.test is None and corpus.info == {}
    X, y = corpus.train.X, corpus.train.y
    assert X.shape == y.shape == (2,) and X.dtype == object and y.dtype == object
    assert list(y) == ["one oh seven", "nine"], "lower case, single spaces"
    assert list(corpus.train.groups) == ["alice", "bob"]
    assert X[0].dtype == np.int16 and X[0].ndim == 1 and len(X[0]) == 2 * 1600, "resampled 8 -> 16 kHz"
    # the channels' mean, 0.3 of full scale; the polyphase filter keeps a tone's amplitude
    assert np.abs(X[0][800:-800]).max() == pytest.approx(0.3 * 32768, rel=0.02)
    assert np.array_equal(X[1], x16), "16 kHz int16 mono passes unchanged"


def test_split_column_gives_the_datasets_own_splits(tmp_path):
    rows = [{"file": f"{i}.wav", "transcript": "oh", "split": split}
            for i, split in enumerate(["train", "test", "train", "val", "test"])]
    corpus = WavFolder(root=folder(tmp_path / "w", rows)).load()
    assert (len(corpus.train), len(corpus.val), len(corpus.test)) == (2, 1, 2)
    assert corpus.train.groups is None
    only_train = WavFolder(root=folder(tmp_path / "t", [{**r, "split": "train"} for r in rows])).load()
    assert len(only_train.train) == 5 and only_train.val is None and only_train.test is None


def test_missing_root_and_manifest(tmp_path):
    with pytest.raises(ConfigError, match=r"dataset\.loader\.root is required"):
        WavFolder().load()
    with pytest.raises(DataUnavailable, match=r"nope: no such folder \(dataset\.loader\.root\)"):
        WavFolder(root=str(tmp_path / "nope")).load()
    with pytest.raises(DataUnavailable, match=r"list\.csv: no manifest \(dataset\.loader\.manifest\); expected a CSV"):
        WavFolder(root=str(tmp_path), manifest="list.csv").load()


def test_empty_manifest_and_missing_columns(tmp_path):
    (tmp_path / "manifest.csv").write_text("")
    with pytest.raises(DataUnavailable, match=r"manifest\.csv is empty: no manifest rows"):
        WavFolder(root=str(tmp_path)).load()
    (tmp_path / "manifest.csv").write_text("path,text\na.wav,one\n")
    with pytest.raises(DataUnavailable, match=r"manifest\.csv has no column file, transcript; its columns: path, text"):
        WavFolder(root=str(tmp_path)).load()


@pytest.mark.parametrize("row, message", [
    ({"transcript": "one ten two"}, r"manifest\.csv, row 2: the word 'ten' of transcript 'one ten two' is not a "
                                    r"digit word; the speech task recognises oh, zero, one"),
    ({"transcript": ""}, r"row 2: empty transcript"),
    ({"speaker": ""}, r"row 2: empty speaker"),
    ({"split": "dev"}, r"row 2: split 'dev' is not one of train, val, test"),
    ({"file": "missing.wav"}, r"row 2: .*missing\.wav: no such file"),
    ({"file": "broken.wav"}, r"row 2: cannot read .*broken\.wav: "),
    ({"file": "empty.wav"}, r"row 2: .*empty\.wav holds no samples"),
])
def test_bad_rows_are_named(tmp_path, row, message):
    root = tmp_path / "w"
    root.mkdir()
    (root / "broken.wav").write_text("not a wav file")
    soundfile.write(root / "empty.wav", np.zeros(0, np.float32), 16000)
    rows = [{"file": "ok.wav", "transcript": "one", "speaker": "a", "split": "train"},
            {"file": "ok2.wav", "transcript": "two", "speaker": "b", "split": "train", **row}]
    with pytest.raises(DataUnavailable, match=message):
        WavFolder(root=folder(root, rows, header=["file", "transcript", "speaker", "split"],
                              absent=("missing.wav",))).load()


def test_no_training_rows(tmp_path):
    rows = [{"file": "a.wav", "transcript": "one", "split": "test"}]
    with pytest.raises(DataUnavailable, match=r"no row has split 'train'"):
        WavFolder(root=folder(tmp_path / "w", rows)).load()


# --------------------------------------------------------------------------- the speech task on a WAV folder


def test_task_carves_validation_and_test_by_speaker(tmp_path):
    data = SpeechTask(dataset=WavFolder(root=folder(tmp_path / "w", speakers(10)))).load()
    parts = {name: set(getattr(data, name).groups) for name in ("train", "val", "test")}
    # GroupShuffleSplit: ceil(0.2 * 10) test speakers, then ceil(0.1 * 8) validation speakers
    assert {k: len(v) for k, v in parts.items()} == {"train": 7, "val": 1, "test": 2}
    assert not (parts["train"] & parts["val"]) and not (parts["train"] & parts["test"])
    assert not (parts["val"] & parts["test"])
    assert (len(data.train), len(data.val), len(data.test)) == (21, 3, 6)
    assert set(data.info["noises"]) == {"white", "pink"}, "only the noises that need no recordings"
    again = SpeechTask(dataset=WavFolder(root=str(tmp_path / "w"))).load()
    assert set(again.test.groups) == parts["test"], "carved with a fixed seed"


def test_task_carves_utterances_without_speakers_and_keeps_own_splits(tmp_path):
    rows = [{"file": f"{i}.wav", "transcript": "five"} for i in range(30)]
    data = SpeechTask(dataset=WavFolder(root=folder(tmp_path / "w", rows))).load()
    assert (len(data.train), len(data.val), len(data.test)) == (21, 3, 6)
    own = [{**r, "split": "train" if i < 20 else "val" if i < 25 else "test"} for i, r in enumerate(rows)]
    data = SpeechTask(dataset=WavFolder(root=folder(tmp_path / "own", own))).load()
    assert (len(data.train), len(data.val), len(data.test)) == (20, 5, 5)


def test_task_refuses_what_a_wav_folder_cannot_give(tmp_path):
    root = folder(tmp_path / "w", speakers(10))
    with pytest.raises(ConfigError, match=r"task\.noises=\['babble', 'opensfx'\]: the dataset has no babble, "
                                          r"opensfx recordings; white and pink need none"):
        SpeechTask(dataset=WavFolder(root=root), noises=["babble", "opensfx"]).load()
    few = folder(tmp_path / "few", speakers(2))
    with pytest.raises(ConfigError, match=r"task\.val_share=0\.1: cannot carve a validation split from 1 speakers"):
        SpeechTask(dataset=WavFolder(root=few)).load()
    with pytest.raises(ConfigError, match=r"task\.test_share=1\.5 must be a float in the range \(0\.0, 1\.0\)"):
        SpeechTask(dataset=WavFolder(root=root), test_share=1.5).load()


def test_breakdowns_without_corpus_metadata_are_left_out(tmp_path):
    class SaysOne:
        def predict(self, X):
            return ["one"] * len(X)

    task = SpeechTask(dataset=WavFolder(root=folder(tmp_path / "w", speakers(10))), noisy_size=4, snrs=[10])
    data = task.load()
    metrics = task.extra_metrics(SaysOne(), data, SaysOne().predict(data.test.X), tmp_path / "artifacts")
    assert set(metrics) == {"wer@snr=clean", "string_acc@snr=clean", "wer@noise=white,snr=10",
                            "wer@noise=pink,snr=10", "wer@snr=10", "string_acc@snr=10"}
    assert metrics["wer@snr=clean"] == pytest.approx(0.5), "'one' for 'one two'"


@pytest.mark.parametrize("overrides, target, params", [
    ([], "benchmarks.datasets.spoken_digits.SpokenDigits",
     {"data_dir": "/data", "seed": 0, "train": 20000, "val": 1000, "test": 1000, "heldout": 600}),
    (["dataset=wav_folder", "dataset.loader.root=/rec"], "benchmarks.datasets.wav_folder.WavFolder",
     {"root": "/rec", "manifest": "manifest.csv"}),
])
def test_speech_dataset_configs_compose_and_instantiate(overrides, target, params):
    """``task=speech`` selects spoken_digits; ``dataset=wav_folder`` replaces it."""
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from benchmarks.registry import compose

    cfg = compose(["task=speech", "paths.data_dir=/data", *overrides])
    loader = OmegaConf.to_container(cfg.dataset.loader, resolve=True)
    assert loader == {"_target_": target, **params} and list(cfg.dataset.tasks) == ["speech"]
    assert cfg.dataset.name == target.split(".")[2] and "corpus" not in cfg.task and "source" not in cfg.task
    assert type(instantiate(cfg.dataset.loader)).__name__ == target.rsplit(".", 1)[1]
