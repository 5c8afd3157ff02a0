"""The speech task: connected spoken digits to text, in the TIDIGITS and Aurora-2 style."""

from __future__ import annotations

import logging
import numbers
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

from benchmarks.datasets.base import DatasetLoader
from benchmarks.datasets.tts.noise import NOISES, mix, pink, white
from benchmarks.errors import ConfigError
from benchmarks.params import Interval, check_params, positive_int, satisfies
from benchmarks.splits import training_subset
from benchmarks.tasks.base import Split, Task, TaskData, UnitScores

log = logging.getLogger(__name__)

TRAIN_NOISE = ("clean", "multi")
#: Aurora-2's multi-condition training SNRs (dB); None = clean
_MULTI_SNRS = (None, 20, 15, 10, 5)
_NOISE_SECONDS = 60


class SpeechTask(Task):
    """Recognise spoken digit strings: raw 16 kHz waveforms in, transcripts out.

    Data: the ``dataset`` loader's corpus. The default, ``dataset=spoken_digits``
    (:class:`benchmarks.datasets.spoken_digits.SpokenDigits`), is synthesised
    offline and cached (~20k training utterances from 72 espeak-ng voices and 2
    flite voices; validation from other voices; a test split of new voices of the
    same engines, ``voices=seen``, plus a whole engine no training split holds,
    festival, ``voices=heldout``); its splits are by voice and fixed. espeak-ng
    and flite synthesise in-process, festival in batch mode; the full corpus is
    22,600 utterances, 7.7 h of 16 kHz audio, 850 MB, built once in 2–4 min on 2
    cores (167 utterances/s measured 2026-12-02); the demo's 2,410 in about 25 s.
    ``dataset=wav_folder`` (:class:`benchmarks.datasets.wav_folder.WavFolder`)
    reads recordings; the validation and test splits it lacks are carved from its
    training split, a ``val_share`` / ``test_share`` of the speakers (of the
    utterances when it names no speakers), with ``split_seed``. Only the
    training subset depends on the run's seed.

    Inputs ``X``: ``(n,)`` object arrays of ``(n_samples,)`` int16 waveforms
    at 16 kHz; targets ``y``: ``(n,)`` object arrays of transcripts such as
    ``"one oh seven"`` (words ``oh``, ``zero`` .. ``nine``); ``groups``: the
    speaker of each utterance (``"espeak/en-us+f3"``), or ``None``.

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
    ``wer@set=asterisk`` on one real speaker's isolated digits. White and pink
    noise are generated; babble and opensfx are recordings that only the
    spoken-digit corpus brings (``Corpus.info["noises"]``), as it brings the
    held-out voices (``info["heldout"]``) and the real speaker
    (``info["asterisk"]``): with another dataset, the breakdowns it has no data
    for are left out. The noisy subset and its noise are the same for both sides
    and every size, so WER-against-SNR curves are paired; its ``snr=clean`` point
    is that subset's clean WER, not the whole test split's ``wer``. The report
    plots each numeric factor (WER against SNR) with no speech-specific code.

    Args:
        dataset: the loader of the ``dataset`` config (``conf/dataset/<name>.yaml``).
        val_size: validation utterances used (a fixed prefix); ``None`` = all.
        train_noise: ``"clean"`` or ``"multi"`` (Aurora-2 multi-condition
            training: each training and validation utterance gets one of the
            noises at 20/15/10/5 dB, or stays clean, a fifth each).
        noisy_size: test utterances per noisy condition (a fixed subset).
        snrs: SNRs of the noisy conditions (dB).
        noises: noise types of the noisy conditions; those the dataset has no
            recordings for are left out.
        noise_seed: seeds noise generation and mixing (fixed, not the run's seed).
        val_share, test_share: the share of speakers (or utterances) carved as the
            validation / test split from a dataset without one, in (0, 1).
        split_seed: seed of the carving.

    Raises (from :meth:`load`):
        ConfigError: a bad ``train_noise``, noise, SNR, share or size, or too few
            speakers to carve a split.
        DataUnavailable: from the loader (a synthesiser, package or file is missing).
    """

    name = "speech"
    primary_metric = "wer"
    higher_is_better = False

    _parameter_constraints = {
        "val_size": positive_int(allow_none=True),
        "noisy_size": positive_int(),
        "noise_seed": [Interval(numbers.Integral, 0, None, closed="left")],
        "val_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "test_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "split_seed": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, dataset: DatasetLoader, val_size: int | None = None, train_noise: str = "clean",
                 noisy_size: int = 200, snrs: Sequence[float] = (20, 15, 10, 5, 0),
                 noises: Sequence[str] = NOISES, noise_seed: int = 0, val_share: float = 0.1,
                 test_share: float = 0.2, split_seed: int = 0) -> None:
        self.dataset = dataset
        self.val_size = val_size
        self.train_noise = train_noise
        self.noisy_size = noisy_size
        self.snrs = list(snrs)
        self.noises = list(noises)
        self.noise_seed = noise_seed
        self.val_share = val_share
        self.test_share = test_share
        self.split_seed = split_seed

    # ------------------------------------------------------------------ data

    def load(self) -> TaskData:
        check_params(self, self._parameter_constraints, "task.")
        if self.train_noise not in TRAIN_NOISE:
            raise ConfigError(f"data.train_noise={self.train_noise!r} must be one of {', '.join(TRAIN_NOISE)}")
        unknown = sorted(set(self.noises) - set(NOISES))
        if unknown:
            raise ConfigError(f"task.noises: unknown noise {', '.join(unknown)}; valid: {', '.join(NOISES)}")
        bad = [snr for snr in self.snrs if not satisfies(snr, [numbers.Real])]
        if bad:
            raise ConfigError(f"task.snrs: {bad[0]!r} is not a number of dB; e.g. task.snrs=[20,10,0]")
        corpus = self.dataset.load()
        noises = self._noise_banks(corpus.info.get("noises", {}))
        left_out = [n for n in self.noises if n not in noises]
        if left_out and len(left_out) == len(self.noises):
            raise ConfigError(f"task.noises={self.noises}: the dataset has no {', '.join(left_out)} recordings; "
                              "white and pink need none")
        if left_out:
            log.info("noisy conditions without %s: the dataset has no such recordings", ", ".join(left_out))
        rest, test = corpus.train, corpus.test
        if test is None:
            rest, test = self._carve(rest, self.test_share, "task.test_share", "test")
        rest, val = (rest, corpus.val) if corpus.val is not None else \
            self._carve(rest, self.val_share, "task.val_share", "validation")
        if self.val_size is not None:
            if not self.val_size <= len(val):
                raise ConfigError(f"task.val_size={self.val_size!r} must be an integer between 1 and "
                                  f"{len(val)} (the validation utterances)")
            val = val.take(np.arange(self.val_size))
        train = rest
        if self.train_noise == "multi":
            train = _multi_condition(train, noises, np.random.default_rng([self.noise_seed, 1]))
            val = _multi_condition(val, noises, np.random.default_rng([self.noise_seed, 2]))
        return TaskData(train=train, val=val, test=test, info={**corpus.info, "noises": noises})

    def _carve(self, split: Split, share: float, key: str, what: str) -> tuple[Split, Split]:
        """``(the rest, a share of split)``, whole speakers on each side (utterances without speakers)."""
        groups = split.groups if split.groups is not None else np.arange(len(split))
        unit = "speakers" if split.groups is not None else "utterances"
        splitter = GroupShuffleSplit(n_splits=1, test_size=share, random_state=self.split_seed)
        try:
            rest_idx, part_idx = next(splitter.split(np.arange(len(split)), groups=groups))
        except ValueError:  # a share that rounds to all of them
            raise ConfigError(f"{key}={share}: cannot carve a {what} split from {len(np.unique(groups))} "
                              f"{unit} and keep some for training; the dataset needs more {unit} or "
                              "its own splits") from None
        return split.take(rest_idx), split.take(part_idx)

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

    def unit_scores(self, data: TaskData, test_pred: Any) -> UnitScores:
        """One unit per test utterance: its word errors (substitutions, deletions, insertions) and reference words."""
        import jiwer

        refs, hyps = [str(t) for t in data.test.y], [str(p) for p in test_pred]
        errors = np.array([sum((c.ref_end_idx - c.ref_start_idx) if c.type in ("substitute", "delete")
                               else (c.hyp_end_idx - c.hyp_start_idx) if c.type == "insert" else 0
                               for c in chunks)
                           for chunks in jiwer.process_words(refs, hyps).alignments], dtype=np.float64)
        words = np.array([len(t.split()) for t in refs], dtype=np.float64)
        return UnitScores(np.arange(len(refs)), errors, words, data.test.groups)

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """Breakdowns by voices, by noise and SNR, and the real-speaker set (see the class docstring).

        Without ``data.info["heldout"]`` there are no ``voices`` breakdowns, without
        ``data.info["asterisk"]`` no ``set=asterisk`` metrics.
        """
        y, pred = np.asarray(data.test.y, dtype=object), np.asarray(test_pred, dtype=object)
        heldout = data.info.get("heldout")
        voices = () if heldout is None else (("seen", False), ("heldout", True))
        # without voice metadata the noisy subset is drawn from one stratum
        heldout = np.zeros(len(y), dtype=bool) if heldout is None else np.asarray(heldout)
        out: dict[str, float] = {}

        def add(level: str, idx: np.ndarray, predictions: np.ndarray, only_wer: bool = False) -> None:
            for metric, value in self.evaluate(y[idx], predictions).items():
                if metric == "wer" or not only_wer:
                    out[f"{metric}@{level}"] = value

        for name, flag in voices:
            mask = heldout == flag
            if mask.any():
                add(f"voices={name}", np.flatnonzero(mask), pred[mask])
        subset = self._noisy_subset(heldout)
        # every SNR level, clean included, is scored on the same subset
        add("snr=clean", subset, pred[subset])
        for name, flag in voices:
            mask = heldout[subset] == flag
            if mask.any():
                add(f"snr=clean,voices={name}", subset[mask], pred[subset][mask], only_wer=True)
        for snr in self.snrs:
            pooled_idx, pooled_pred = [], []
            for noise in self.noises:
                if noise not in data.info["noises"]:
                    continue
                rng = np.random.default_rng([self.noise_seed, 3, self.noises.index(noise), int(snr * 10)])
                X = [mix(data.test.X[i], data.info["noises"][noise], snr, rng) for i in subset]
                noisy_pred = np.asarray(estimator.predict(X), dtype=object)
                add(f"noise={noise},snr={_level(snr)}", subset, noisy_pred, only_wer=True)
                pooled_idx.append(subset)
                pooled_pred.append(noisy_pred)
            idx, p = np.concatenate(pooled_idx), np.concatenate(pooled_pred)
            add(f"snr={_level(snr)}", idx, p)
            for name, flag in voices:
                mask = heldout[idx] == flag
                if mask.any():
                    add(f"snr={_level(snr)},voices={name}", idx[mask], p[mask], only_wer=True)
        if "asterisk" in data.info:
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
