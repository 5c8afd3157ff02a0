"""Synthesised spoken digits in the TIDIGITS / Aurora-2 style: the speech task's default corpus.

TIDIGITS (Leonard 1984, "A database for speaker-independent digit recognition",
ICASSP) holds the words "zero" to "nine" and "oh", spoken alone and in strings
of up to seven digits, split by speaker. This corpus copies that design with
speech synthesisers from Debian main instead of speakers:

- espeak-ng (:mod:`benchmarks.datasets.tts.espeak`): 8 English accents × 12
  voice variants = 96 voices, speaking rate 130-210 words/minute and pitch
  20-80 drawn per utterance;
- flite (:mod:`benchmarks.datasets.tts.flite`): kal16, rms, awb, slt, duration
  stretch 0.85-1.25 per utterance;
- festival (:mod:`benchmarks.datasets.tts.festival`): kal, ked and slt,
  duration stretch 0.85-1.25; **test only**: the engine training never hears.

Splits are by voice and fixed (they do not depend on the corpus seed): 72
espeak voices and flite kal16 + rms train; 8 espeak voices and flite awb
validate; 16 espeak voices and flite slt make the test split's "seen engines"
part (new voices of engines heard in training), and festival its "held-out
engine" part. Each split mixes engines (about 70% espeak, 30% flite), since a
probe trained on espeak voices alone reached only 22.7% on other engines.

An utterance is an isolated word (a quarter of them) or a string of 2 to 7
words drawn uniformly from the 11; it is trimmed to 0.1 s of silence each side
and peak-normalised to half of the int16 range. Audio is 16 kHz mono int16.

Also stored in the cache entry: the real-speaker set (Allison's digit prompts
from ``asterisk-core-sounds-en-wav``: "zero" to "nine" and "oh", 8 kHz
resampled to 16 kHz), the OpenTTD noise recordings and 60 s of babble (six
espeak voices reading non-digit words at once), so that noisy test conditions
are mixed at load time (:mod:`benchmarks.datasets.tts.noise`).

Layout of the entry: ``<split>_audio.npy`` (all utterances of a split
concatenated, int16) + ``utterances.csv`` (split, engine, voice, text,
offset, length in samples and the synthesis settings), ``asterisk_audio.npy`` +
``asterisk.csv``, ``opensfx.npy`` + ``opensfx.csv`` and ``babble.npy``.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile
from joblib.externals.loky.process_executor import ProcessPoolExecutor as LokyProcessPoolExecutor
from tqdm.auto import tqdm

from benchmarks.cache import cached_build
from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.datasets.tts import espeak, festival, flite, noise
from benchmarks.datasets.tts.audio import RATE, to_int16, to_rate, trim
from benchmarks.errors import DataUnavailable
from benchmarks.params import Interval, check_params, positive_int

__all__ = ["WORDS", "SpokenDigits", "build_corpus", "voice_splits"]

VERSION = "spoken-digits-1"
#: the TIDIGITS vocabulary; index + 1 is the CTC label of a word (0 is the blank)
WORDS = ("oh", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MAX_WORDS = 7
ISOLATED_SHARE = 0.25
ASTERISK = Path("/usr/share/asterisk/sounds/en_US_f_Allison/digits")
ASTERISK_APT = "sudo apt-get install asterisk-core-sounds-en-wav"
_BABBLE_WORDS = ("the weather", "station", "tomorrow", "coffee", "please", "window", "people", "morning",
                 "market", "yellow", "garden", "travel", "history", "running", "paper", "river", "music",
                 "kitchen", "letter", "thank you", "question", "water", "evening", "city", "friend")
#: share of flite utterances in each split drawn from the two trained engines
_FLITE_SHARE = 0.3


def voice_splits() -> dict[str, list[tuple[str, str]]]:
    """The fixed voice -> split assignment: ``{split: [(engine, voice), ...]}``.

    ``"test"`` holds the new voices of the trained engines; ``"heldout"``
    the engine no training split contains (festival).
    """
    es = [f"{a}+{v}" for a in espeak.ACCENTS for v in espeak.VARIANTS]
    order = np.random.default_rng(20240).permutation(len(es))  # fixed: splits never move with a seed
    es = [es[i] for i in order]
    return {
        "train": [("espeak", v) for v in es[24:]] + [("flite", "kal16"), ("flite", "rms")],
        "val": [("espeak", v) for v in es[16:24]] + [("flite", "awb")],
        "test": [("espeak", v) for v in es[:16]] + [("flite", "slt")],
        "heldout": [("festival", v) for v in festival.VOICES],
    }


def _texts(n: int, rng: np.random.Generator) -> list[str]:
    lengths = np.where(rng.random(n) < ISOLATED_SHARE, 1, rng.integers(2, MAX_WORDS + 1, n))
    return [" ".join(WORDS[i] for i in rng.integers(len(WORDS), size=k)) for k in lengths]


def _plan(split: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Who says what, with which settings, for ``n`` utterances of ``split``."""
    voices = voice_splits()[split]
    by_engine: dict[str, list[str]] = {}
    for engine, voice in voices:
        by_engine.setdefault(engine, []).append(voice)
    if set(by_engine) == {"espeak", "flite"}:
        engines = np.where(rng.random(n) < _FLITE_SHARE, "flite", "espeak")
    else:
        engines = np.array([next(iter(by_engine))] * n)
    rows = []
    for engine, text in zip(engines, _texts(n, rng)):
        names = by_engine[str(engine)]
        voice = names[int(rng.integers(len(names)))]
        rate = float(rng.uniform(130, 210)) if engine == "espeak" else float(rng.uniform(0.85, 1.25))
        pitch = float(rng.uniform(20, 80)) if engine == "espeak" else float("nan")
        rows.append({"split": split, "engine": str(engine), "voice": voice, "text": text,
                     "rate": round(rate, 3), "pitch": round(pitch, 1)})
    return pd.DataFrame(rows)


def _normalise(samples: np.ndarray) -> np.ndarray:
    samples = trim(samples)
    peak = np.abs(samples).max()
    return to_int16(samples * (0.5 * 32767 / peak)) if peak > 0 else to_int16(samples)


def build_corpus(folder: Path, seed: int, sizes: dict[str, int]) -> dict:
    """Synthesise the corpus into ``folder`` (see the module docstring); return build facts.

    Args:
        folder: an empty folder.
        seed: drives texts, voices per utterance and synthesis settings.
        sizes: utterances per split: ``train``, ``val``, ``test`` (new voices of
            trained engines) and ``heldout`` (festival).

    Raises:
        DataUnavailable: a synthesiser or a data package is missing (with the apt line).
    """
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    plan = pd.concat([_plan(s, sizes[s], rng) for s in ("train", "val", "test", "heldout")], ignore_index=True)
    engines = {"espeak": espeak.Espeak(), "flite": flite.Flite()}
    audio: list[np.ndarray | None] = [None] * len(plan)
    with tqdm(total=len(plan), desc="synthesising spoken digits", unit="utt", mininterval=1.0) as bar:
        for i, row in enumerate(plan.itertuples()):
            if row.engine == "espeak":
                audio[i] = _normalise(engines["espeak"].say(row.text, row.voice, row.rate, row.pitch))
            elif row.engine == "flite":
                audio[i] = _normalise(engines["flite"].say(row.text, row.voice, row.rate))
            else:
                continue
            bar.update()
        for voice in festival.VOICES:
            rows = plan.index[(plan.engine == "festival") & (plan.voice == voice)]
            for i, samples in zip(rows, festival.festival_batch(voice, list(plan.text[rows]),
                                                                list(plan.rate[rows]))):
                audio[i] = _normalise(samples)
            bar.update(len(rows))
    plan["length"] = [len(a) for a in audio]
    plan["offset"] = 0
    # the held-out engine is stored with the test split: one clean test set
    plan["store"] = plan.split.replace({"heldout": "test"})
    for store in ("train", "val", "test"):
        rows = plan.index[plan.store == store]
        lengths = plan.length[rows].to_numpy()
        plan.loc[rows, "offset"] = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        np.save(folder / f"{store}_audio.npy", np.concatenate([audio[i] for i in rows]))
    plan.to_csv(folder / "utterances.csv", index=False)

    _write_asterisk(folder)
    sounds = noise.read_opensfx()
    bank = [to_int16(s * (3000.0 / max(np.sqrt(np.mean(s ** 2)), 1e-3))) for s in sounds]
    np.save(folder / "opensfx.npy", np.concatenate(bank))
    pd.DataFrame({"offset": np.concatenate([[0], np.cumsum([len(b) for b in bank])[:-1]]),
                  "length": [len(b) for b in bank]}).to_csv(folder / "opensfx.csv", index=False)
    np.save(folder / "babble.npy", _babble(engines["espeak"], np.random.default_rng(seed + 1)))
    seconds = float(plan.length.sum()) / RATE
    return {"utterances": len(plan), "audio_hours": round(seconds / 3600, 3),
            "build_time_s": round(time.perf_counter() - start, 1)}


def _build_in_fresh_process(folder: Path, seed: int, sizes: dict[str, int]) -> dict:
    """:func:`build_corpus` in a new interpreter (``spawn``).

    libespeak-ng keeps synthesis state in C globals across utterances (its
    voice source, C ``rand()``) that ``espeak_Initialize`` does not reset, so
    the same texts come out slightly different after other synthesis in the
    same process. A fresh process makes the corpus a function of the seed alone.
    """
    # loky's executor, not multiprocessing's: a spawned child of a joblib (loky)
    # worker fails with "cannot find context for 'loky'"; loky's children start
    # fresh interpreters from any process.
    with LokyProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(build_corpus, folder, seed, sizes).result()


def _write_asterisk(folder: Path) -> None:
    files = {w: ASTERISK / f"{'oh' if w == 'oh' else WORDS.index(w) - 1}.wav" for w in WORDS}
    clips = []
    for word, path in files.items():
        try:
            samples, rate = soundfile.read(path, dtype="int16")
        except (OSError, RuntimeError, soundfile.LibsndfileError):
            raise DataUnavailable(f"{path} is missing; run: {ASTERISK_APT}") from None
        clips.append(_normalise(to_rate(samples, rate)))
    np.save(folder / "asterisk_audio.npy", np.concatenate(clips))
    pd.DataFrame({"text": list(files), "offset": np.concatenate([[0], np.cumsum([len(c) for c in clips])[:-1]]),
                  "length": [len(c) for c in clips]}).to_csv(folder / "asterisk.csv", index=False)


def _babble(engine: "espeak.Espeak", rng: np.random.Generator, seconds: float = 60.0, talkers: int = 6) -> np.ndarray:
    """``seconds`` of babble: ``talkers`` espeak voices reading non-digit words, summed."""
    n = int(seconds * RATE)
    total = np.zeros(n, dtype=np.float64)
    voices = [f"{a}+{v}" for a in espeak.ACCENTS for v in espeak.VARIANTS]
    for _ in range(talkers):
        stream, length = [], 0
        while length < n:
            words = " ".join(_BABBLE_WORDS[i] for i in rng.integers(len(_BABBLE_WORDS), size=8))
            clip = trim(engine.say(words, voices[int(rng.integers(len(voices)))], int(rng.uniform(140, 200)),
                                   int(rng.uniform(20, 80))))
            stream.append(clip)
            length += len(clip)
        talker = np.concatenate(stream)[:n]
        total += talker / max(np.sqrt(np.mean(talker ** 2)), 1e-3)
    return to_int16(total * (3000.0 / np.sqrt(np.mean(total ** 2))))


def _cut(audio: np.ndarray, offsets, lengths) -> np.ndarray:
    X = np.empty(len(offsets), dtype=object)
    for i, (o, n) in enumerate(zip(offsets, lengths)):
        X[i] = audio[o:o + n]
    return X


@dataclass(frozen=True)
class SpokenDigits(DatasetLoader):
    """The synthesised spoken-digit corpus (``dataset=spoken_digits``), built once per parameters.

    The first :meth:`load` synthesises the corpus into
    ``<data_dir>/speech/spoken-digits-1-seed<seed>-<sizes>/`` (``benchmarks.cache``)
    in a fresh process; later loads read it back.

    Args:
        data_dir: the dataset cache (``paths.data_dir``; ``~`` is expanded).
        seed: the corpus seed (texts, voice per utterance, synthesis settings;
            not the voice splits, which are fixed).
        train, val, test, heldout: utterances per split (``test``: new voices
            of the trained engines; ``heldout``: festival, the engine training
            never hears; both make the test split).
    """

    data_dir: str = "~/.cache/e2ebench"
    seed: int = 0
    train: int = 20000
    val: int = 1000
    test: int = 1000
    heldout: int = 600

    _parameter_constraints = {
        "seed": [Interval(numbers.Integral, 0, None, closed="left")],
        **{key: positive_int() for key in ("train", "val", "test", "heldout")},
    }

    def load(self) -> Corpus:
        """Build the corpus once, then read its fixed splits.

        Returns:
            :class:`~benchmarks.datasets.base.Corpus` with ``train``, ``val`` and
            ``test``: ``X`` an ``(n,)`` object array of ``(n_samples,)`` int16
            waveforms at 16 kHz (read-only views of the cache), ``y`` ``(n,)``
            object array of transcripts ("one oh seven"), ``groups`` ``(n,)``
            the voices (``"espeak/en-us+f3"``); the test split holds the
            ``test`` utterances, then the ``heldout`` ones. ``info``:
            ``heldout`` ``(n_test,)`` bool, True for the festival utterances;
            ``asterisk``: ``(X, y)`` of the real speaker's 11 isolated words;
            ``noises``: ``{"opensfx", "babble"}`` -> float32 noise banks at
            16 kHz (int16 units); ``corpus``: the cache entry's folder.

        Raises:
            ConfigError: a size is not a positive integer, or the seed is negative.
            DataUnavailable: a synthesiser or data package is missing (the message gives the apt line).
        """
        check_params(self, self._parameter_constraints, "dataset.loader.")
        sizes = {"train": self.train, "val": self.val, "test": self.test, "heldout": self.heldout}
        params = {"seed": self.seed, **sizes}
        name = f"speech/{VERSION}-seed{self.seed}-" + "-".join(str(sizes[k]) for k in sizes)
        folder = cached_build(self.data_dir, name, lambda tmp: _build_in_fresh_process(tmp, self.seed, sizes),
                              version=VERSION, params=params)
        table = pd.read_csv(folder / "utterances.csv", keep_default_na=False)
        splits = {}
        for store in ("train", "val", "test"):
            rows = table[table.store == store]
            audio = np.load(folder / f"{store}_audio.npy", mmap_mode="r")
            splits[store] = Split(_cut(audio, rows.offset, rows.length), rows.text.to_numpy(dtype=object),
                                  (rows.engine + "/" + rows.voice).to_numpy(dtype=object))
        test_rows = table[table.store == "test"]
        ast = pd.read_csv(folder / "asterisk.csv")
        asterisk = (_cut(np.load(folder / "asterisk_audio.npy"), ast.offset, ast.length),
                    ast.text.to_numpy(dtype=object))
        noises = {"opensfx": np.load(folder / "opensfx.npy").astype(np.float32),
                  "babble": np.load(folder / "babble.npy").astype(np.float32)}
        return Corpus(train=splits["train"], val=splits["val"], test=splits["test"],
                      info={"heldout": (test_rows.split == "heldout").to_numpy(), "asterisk": asterisk,
                            "noises": noises, "corpus": str(folder)})
