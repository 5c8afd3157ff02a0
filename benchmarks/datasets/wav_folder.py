"""Recorded spoken digits: a folder of WAV files and a manifest (``dataset=wav_folder``).

The speech task recognises connected digits, so every transcript must use the
words of the digit vocabulary the models are built for
(:data:`benchmarks.datasets.spoken_digits.WORDS`: ``oh``, ``zero`` .. ``nine``),
e.g. a TIDIGITS-style recording set or one's own recordings.

The manifest is a CSV with a header row: ``file`` (the WAV's path relative to
the root), ``transcript`` (e.g. ``one oh seven``; case and extra white space are
normalised), optional ``speaker`` and optional ``split`` (``train``, ``val`` or
``test``). Without a ``split`` column every utterance is in the training split
and the speech task carves its validation and test splits, by speaker when the
manifest names them. Audio of any rate and channel count that libsndfile reads
is mixed to mono and resampled to 16 kHz (polyphase, as the corpus resamples
its real-speaker set). Error messages count manifest rows from 1, the first
row after the header.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile

from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.datasets.spoken_digits import WORDS
from benchmarks.datasets.tts.audio import to_int16, to_rate
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import check_params

__all__ = ["SPLITS", "WavFolder"]

#: the values of the manifest's ``split`` column
SPLITS = ("train", "val", "test")
_REQUIRED = ("file", "transcript")


@dataclass(frozen=True)
class WavFolder(DatasetLoader):
    """WAV recordings of digit strings listed in a manifest.

    Args:
        root: the folder holding the manifest and the WAV files.
        manifest: the manifest's path relative to ``root``.
    """

    root: str = "???"
    manifest: str = "manifest.csv"

    _parameter_constraints = {"manifest": [str]}

    def load(self) -> Corpus:
        """Read the manifest and every WAV file it lists.

        Returns:
            :class:`~benchmarks.datasets.base.Corpus`: ``train`` (and ``val``,
            ``test`` when the manifest's ``split`` column has them; else
            ``None``) with ``X`` an ``(n,)`` object array of ``(n_samples,)``
            int16 mono waveforms at 16 kHz, ``y`` ``(n,)`` object array of
            transcripts (lower-case digit words separated by single spaces),
            ``groups`` ``(n,)`` object array of speakers, or ``None`` without a
            ``speaker`` column; ``info`` empty.

        Raises:
            ConfigError: ``root`` is not set, or ``manifest`` is not a string.
            DataUnavailable: the root or manifest is missing; the manifest is
                empty or lacks a column (the message lists its columns); a row
                has an empty field, a word outside the digit vocabulary, an
                unknown split, or a WAV file that is missing, unreadable or
                holds no samples (the message names the row and the file); or
                no row is in the training split.
        """
        if not isinstance(self.root, str) or self.root in ("", "???"):
            raise ConfigError("dataset.loader.root is required: the folder of the WAV files and the manifest, "
                              "e.g. dataset.loader.root=~/recordings")
        check_params(self, self._parameter_constraints, "dataset.loader.")
        root = Path(self.root).expanduser()
        if not root.is_dir():
            raise DataUnavailable(f"{root}: no such folder (dataset.loader.root)")
        path = root / self.manifest
        if not path.is_file():
            raise DataUnavailable(f"{path}: no manifest (dataset.loader.manifest); expected a CSV with the "
                                  "columns file, transcript and optionally speaker, split")
        try:
            # all strings: a speaker "007" or a file "1.wav" must not become a number
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            table = pd.DataFrame()
        except (ValueError, UnicodeDecodeError) as exc:  # pandas' ParserError is a ValueError
            raise DataUnavailable(f"{path} is not a valid CSV file: {' '.join(str(exc).split())}") from None
        if table.empty:
            raise DataUnavailable(f"{path} is empty: no manifest rows")
        table = table.apply(lambda column: column.str.strip())
        missing = [c for c in _REQUIRED if c not in table.columns]
        if missing:
            raise DataUnavailable(f"{path} has no column {', '.join(missing)}; its columns: "
                                  f"{', '.join(map(str, table.columns))} (needed: file, transcript; "
                                  "optional: speaker, split)")
        columns = [c for c in (*_REQUIRED, "speaker", "split") if c in table.columns]
        X = np.empty(len(table), dtype=object)
        y = np.empty(len(table), dtype=object)
        for i, row in enumerate(table[columns].itertuples(index=False)):
            where = f"{path}, row {i + 1}"
            empty = [c for c, value in zip(columns, row) if not value]
            if empty:
                raise DataUnavailable(f"{where}: empty {', '.join(empty)}")
            split = getattr(row, "split", "train")
            if split not in SPLITS:
                raise DataUnavailable(f"{where}: split {split!r} is not one of {', '.join(SPLITS)}")
            y[i] = _transcript(row.transcript, where)
            X[i] = _read_wav(root / row.file, where)
        groups = table["speaker"].to_numpy(dtype=object) if "speaker" in table.columns else None
        if "split" not in table.columns:
            return Corpus(train=Split(X, y, groups))
        everything = Split(X, y, groups)
        splits = {name: np.flatnonzero(table["split"].to_numpy() == name) for name in SPLITS}
        if not len(splits["train"]):
            raise DataUnavailable(f"{path}: no row has split 'train'; the models need training utterances")
        own = {name: everything.take(idx) if len(idx) else None for name, idx in splits.items()}
        return Corpus(train=own["train"], val=own["val"], test=own["test"])


def _transcript(text: str, where: str) -> str:
    words = text.lower().split()
    for word in words:
        if word not in WORDS:
            raise DataUnavailable(f"{where}: the word {word!r} of transcript {text!r} is not a digit word; "
                                  f"the speech task recognises {', '.join(WORDS)}")
    return " ".join(words)


def _read_wav(path: Path, where: str) -> np.ndarray:
    """A WAV file -> ``(n_samples,)`` int16 mono at 16 kHz."""
    if not path.is_file():
        raise DataUnavailable(f"{where}: {path}: no such file")
    try:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise DataUnavailable(f"{where}: cannot read {path}: {' '.join(str(exc).split())}") from None
    if not len(samples):
        raise DataUnavailable(f"{where}: {path} holds no samples")
    # soundfile scales int16 by 1/32768 when it reads floats; this undoes it
    return to_int16(to_rate(samples.mean(axis=1) * 32768, rate))
