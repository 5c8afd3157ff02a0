"""The speech task: connected spoken digits to text, in the TIDIGITS and Aurora-2 style."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.datasets.spoken_digits import load_spoken_digits
from benchmarks.datasets.tts.noise import NOISES, mix, pink, white
from benchmarks.errors import ConfigError
from benchmarks.splits import training_subset
from benchmarks.tasks.base import Split, Task, TaskData

SOURCES = ("embedded",)
TRAIN_NOISE = ("clean", "multi")
#: Aurora-2's multi-condition training SNRs (dB); None = clean
_MULTI_SNRS = (None, 20, 15, 10, 5)
_NOISE_SECONDS = 60


class SpeechTask(Task):
    """Recognise spoken digit strings: raw 16 kHz waveforms in, transcripts out.

    Data (``embedded``, offline): the synthesised corpus of
    :mod:`benchmarks.datasets.spoken_digits`, built once into
    ``<data_dir>/speech/`` (~20k training utterances from 72 espeak-ng voices
    and 2 flite voices; validation from other voices; a test split of new
    voices of the same engines, ``voices=seen``, plus a whole engine no
    training split holds, festival, ``voices=heldout``). Splits are by voice
    and fixed; only the training subset depends on the run's seed.

    Inputs ``X``: ``(n,)`` object arrays of ``(n_samples,)`` int16 waveforms
    at 16 kHz; targets ``y``: ``(n,)`` object arrays of transcripts such as
    ``"one oh seven"`` (words ``oh``, ``zero`` .. ``nine``); ``groups``: the
    voice of each utterance (``"espeak/en-us+f3"``).

    Metrics (:meth:`evaluate`, clean test split): ``wer`` (word error rate,
    jiwer, over all utterances), ``string_acc`` (exact transcripts among the
    strings of 2-7 digits) and ``word_acc`` (exact among isolated words).
    :meth:`extra_metrics` adds breakdowns named
    ``<metric>@<factor>=<level>,...``: ``voices`` (seen, heldout) on the whole
    clean test split (``wer@voices=heldout``); ``snr`` (``clean``, 20, 15, 10,
    5, 0 dB) on a fixed subset of ``noisy_size`` test utterances (seen and
    held-out voices in proportion), noise mixed at load time (Aurora-2 style,
    Hirsch & Pearce 2000): ``wer@noise=N,snr=S`` per noise type (white, pink,
    babble, opensfx), ``wer@snr=S`` pooled over the noise types, also split by
    voices (``wer@snr=S,voices=V``); and ``word_acc@set=asterisk`` /
    ``wer@set=asterisk`` on one real speaker's isolated digits.

    Args:
        source: ``"embedded"`` (the only source).
        data_dir: the dataset cache (``paths.data_dir``).
        corpus: utterances per corpus split: ``train``, ``val``, ``test`` (new
            voices of trained engines), ``heldout`` (festival); and ``seed``.
        val_size: validation utterances used (a fixed prefix); ``None`` = all.
        train_noise: ``"clean"`` or ``"multi"`` (Aurora-2 multi-condition
            training: each training and validation utterance gets one of the
            four noises at 20/15/10/5 dB, or stays clean, a fifth each).
        noisy_size: test utterances per noisy condition (a fixed subset).
        snrs: SNRs of the noisy conditions (dB).
        noises: noise types of the noisy conditions.
        noise_seed: seeds noise generation and mixing (fixed, not the run's seed).

    Raises (from :meth:`load`):
        ConfigError: unknown source or train_noise, or sizes that don't fit.
        DataUnavailable: a synthesiser or data package is missing (with the apt line).
    """

    name = "speech"
    dataset = "spoken_digits"
    primary_metric = "wer"
    higher_is_better = False

    def __init__(self, source: str = "embedded", data_dir: str | Path | None = None,
                 corpus: dict[str, int] | None = None, val_size: int | None = None,
                 train_noise: str = "clean", noisy_size: int = 200,
                 snrs: Sequence[float] = (20, 15, 10, 5, 0), noises: Sequence[str] = NOISES,
                 noise_seed: int = 0) -> None:
        self.source = source
        self.data_dir = data_dir
        self.corpus = dict(corpus or {})
        self.val_size = val_size
        self.train_noise = train_noise
        self.noisy_size = noisy_size
        self.snrs = list(snrs)
        self.noises = list(noises)
        self.noise_seed = noise_seed

    # ------------------------------------------------------------------ data

    def load(self) -> TaskData:
        if self.source not in SOURCES:
            raise ConfigError(f"unknown data.source {self.source!r} for task=speech; "
                              f"valid sources: {', '.join(SOURCES)}")
        if self.train_noise not in TRAIN_NOISE:
            raise ConfigError(f"data.train_noise={self.train_noise!r} must be one of {', '.join(TRAIN_NOISE)}")
        unknown = sorted(set(self.noises) - set(NOISES))
        if unknown:
            raise ConfigError(f"task.noises: unknown noise {', '.join(unknown)}; valid: {', '.join(NOISES)}")
        bad = [snr for snr in self.snrs if isinstance(snr, bool) or not isinstance(snr, (int, float))]
        if bad:
            raise ConfigError(f"task.snrs: {bad[0]!r} is not a number of dB; e.g. task.snrs=[20,10,0]")
        corpus = load_spoken_digits(self.data_dir or Path.home() / ".cache" / "e2ebench", **self.corpus)
        splits = {k: Split(X, y, voices) for k, (X, y, voices, _) in corpus.splits.items()}
        val = splits["val"]
        if self.val_size is not None:
            if isinstance(self.val_size, bool) or not isinstance(self.val_size, int) \
                    or not 0 < self.val_size <= len(val):
                raise ConfigError(f"task.val_size={self.val_size!r} must be an integer between 1 and "
                                  f"{len(val)} (the corpus's validation utterances)")
            val = val.take(np.arange(self.val_size))
        noises = self._noise_banks(corpus.noises)
        train = splits["train"]
        if self.train_noise == "multi":
            train = _multi_condition(train, noises, np.random.default_rng([self.noise_seed, 1]))
            val = _multi_condition(val, noises, np.random.default_rng([self.noise_seed, 2]))
        return TaskData(train=train, val=val, test=splits["test"],
                        info={"heldout": corpus.splits["test"][3], "asterisk": corpus.asterisk,
                              "noises": noises, "corpus": str(corpus.folder)})

    def _noise_banks(self, recorded: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = np.random.default_rng([self.noise_seed, 0])
        n = _NOISE_SECONDS * 16000
        return {"white": white(n, rng), "pink": pink(n, rng), **recorded}

    def training_indices(self, pool: Split, train_size: int | None, seed: int) -> np.ndarray:
        """Nested prefixes of one seeded order, stratified by the number of words (1-7)."""
        lengths = np.array([len(str(t).split()) for t in pool.y])
        return training_subset(lengths, train_size, seed)

    # ------------------------------------------------------------------ metrics

    def evaluate(self, y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, float]:
        """``wer`` (jiwer, corpus level), ``string_acc`` (strings of 2+ words), ``word_acc`` (isolated words).

        A metric without items (no isolated words, say) is left out.
        """
        import jiwer

        y_true = [str(t) for t in y_true]
        y_pred = [str(p) for p in y_pred]
        out = {"wer": float(jiwer.wer(y_true, y_pred))}
        n_words = np.array([len(t.split()) for t in y_true])
        exact = np.array([t == p for t, p in zip(y_true, y_pred)])
        if np.any(n_words > 1):
            out["string_acc"] = float(exact[n_words > 1].mean())
        if np.any(n_words == 1):
            out["word_acc"] = float(exact[n_words == 1].mean())
        return out

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """Breakdowns by voices, by noise and SNR, and the real-speaker set (see the class docstring)."""
        heldout = np.asarray(data.info["heldout"])
        y, pred = np.asarray(data.test.y, dtype=object), np.asarray(test_pred, dtype=object)
        out: dict[str, float] = {}

        def add(level: str, idx: np.ndarray, predictions: np.ndarray, only_wer: bool = False) -> None:
            for metric, value in self.evaluate(y[idx], predictions).items():
                if metric == "wer" or not only_wer:
                    out[f"{metric}@{level}"] = value

        for name, mask in (("seen", ~heldout), ("heldout", heldout)):
            if mask.any():
                add(f"voices={name}", np.flatnonzero(mask), pred[mask])
        subset = self._noisy_subset(heldout)
        # every SNR level, clean included, is scored on the same subset
        add("snr=clean", subset, pred[subset])
        for name, flag in (("seen", False), ("heldout", True)):
            mask = heldout[subset] == flag
            if mask.any():
                add(f"snr=clean,voices={name}", subset[mask], pred[subset][mask], only_wer=True)
        for snr in self.snrs:
            pooled_idx, pooled_pred = [], []
            for noise in self.noises:
                rng = np.random.default_rng([self.noise_seed, 3, self.noises.index(noise), int(snr * 10)])
                X = [mix(data.test.X[i], data.info["noises"][noise], snr, rng) for i in subset]
                noisy_pred = np.asarray(estimator.predict(X), dtype=object)
                add(f"noise={noise},snr={_level(snr)}", subset, noisy_pred, only_wer=True)
                pooled_idx.append(subset)
                pooled_pred.append(noisy_pred)
            idx, p = np.concatenate(pooled_idx), np.concatenate(pooled_pred)
            add(f"snr={_level(snr)}", idx, p)
            for name, flag in (("seen", False), ("heldout", True)):
                mask = heldout[idx] == flag
                if mask.any():
                    add(f"snr={_level(snr)},voices={name}", idx[mask], p[mask], only_wer=True)
        X_ast, y_ast = data.info["asterisk"]
        ast_pred = [str(p) for p in estimator.predict(list(X_ast))]
        out["word_acc@set=asterisk"] = float(np.mean([t == p for t, p in zip(y_ast, ast_pred)]))
        out["wer@set=asterisk"] = self.evaluate(list(y_ast), ast_pred)["wer"]
        return out

    def _noisy_subset(self, heldout: np.ndarray) -> np.ndarray:
        """A fixed subset of the test split, ``noisy_size`` items, seen and held-out voices in proportion."""
        k = min(self.noisy_size, len(heldout))
        return np.sort(training_subset(heldout.astype(np.int64), k, self.noise_seed))


def _level(snr: float) -> str:
    return str(int(snr)) if float(snr).is_integer() else str(snr)


def _multi_condition(split: Split, noises: dict[str, np.ndarray], rng: np.random.Generator) -> Split:
    """Aurora-2 multi-condition copies: each utterance clean or one noise at 20/15/10/5 dB."""
    names = list(noises)
    X = np.empty(len(split), dtype=object)
    for i, x in enumerate(split.X):
        snr = _MULTI_SNRS[int(rng.integers(len(_MULTI_SNRS)))]
        noise = names[int(rng.integers(len(names)))]
        X[i] = x if snr is None else mix(x, noises[noise], snr, rng)
    return Split(X, split.y, split.groups)
