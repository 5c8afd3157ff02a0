"""Noise for the Aurora-2-style test conditions: real recordings, white, pink and babble.

Aurora-2 (Hirsch & Pearce 2000, "The Aurora experimental framework for the
performance evaluation of speech recognition systems under noisy conditions",
ISCA ITRW ASR2000) adds recorded noises to TIDIGITS at SNRs 20 to 0 dB. Here the
recordings are the 73 OpenTTD sound effects of Debian ``openttd-opensfx``
(trains, jets, wind, machinery; CC licences, see its ``license.txt``), read from
its ``opensfx.cat`` catalogue.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import soundfile

from benchmarks.datasets.tts.audio import to_rate
from benchmarks.errors import DataUnavailable

OPENSFX = Path("/usr/share/games/openttd/baseset/opensfx/opensfx.cat")
APT = "sudo apt-get install openttd-opensfx"
#: noise types of the test conditions
NOISES = ("white", "pink", "babble", "opensfx")


def read_opensfx(path: Path = OPENSFX) -> list[np.ndarray]:
    """The recordings of an OpenTTD sound catalogue -> float32 mono at 16 kHz (int16 units).

    Format (OpenTTD ``SoundsCatalogue``): a table of ``(offset, size)`` uint32
    pairs (the offsets' top bit is a flag), the first offset giving the
    table's size; each entry is a length-prefixed name, then a RIFF WAV file
    of ``size`` bytes.

    Raises:
        DataUnavailable: the catalogue is missing or malformed.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise DataUnavailable(f"{path} is missing; run: {APT}") from None
    try:
        first = struct.unpack_from("<I", data, 0)[0] & 0x7FFFFFFF
        sounds = []
        for i in range(first // 8):
            offset, size = struct.unpack_from("<II", data, 8 * i)
            offset &= 0x7FFFFFFF
            start = offset + 1 + data[offset]
            samples, rate = soundfile.read(io.BytesIO(data[start:start + size]), dtype="int16")
            if samples.ndim == 2:
                samples = samples.mean(axis=1)
            if len(samples):  # a few catalogue slots are empty placeholders
                sounds.append(to_rate(samples, rate))
    except (struct.error, IndexError, RuntimeError, soundfile.LibsndfileError) as exc:
        raise DataUnavailable(f"{path} is not an OpenTTD sound catalogue ({exc}); run: {APT}") from None
    return sounds


def white(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of unit-variance Gaussian white noise, float32."""
    return rng.standard_normal(n).astype(np.float32)


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of unit-variance pink (1/f power) noise, float32: white noise shaped in the FFT domain."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.arange(len(spectrum), dtype=np.float64)
    freqs[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    return (noise / noise.std()).astype(np.float32)


def mix(clean: np.ndarray, noise: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``clean`` plus a random stretch of ``noise`` scaled to ``snr_db``, as int16.

    The SNR is the ratio of the powers of the clean utterance and the added
    noise over the whole utterance (10·log10, dB). ``noise`` is looped when
    shorter than the utterance.

    Args:
        clean: ``(n,)`` int16 samples.
        noise: ``(m,)`` float noise samples, any scale (``m > 0``).
        snr_db: the target signal-to-noise ratio in dB.
        rng: chooses where in ``noise`` the stretch starts.

    Returns:
        ``(n,)`` int16, clipped to the int16 range.
    """
    clean = np.asarray(clean, dtype=np.float64)
    start = int(rng.integers(len(noise)))
    segment = np.take(noise, np.arange(start, start + len(clean)), mode="wrap").astype(np.float64)
    p_clean, p_noise = np.mean(clean ** 2), np.mean(segment ** 2)
    if p_noise > 0:
        segment *= np.sqrt(p_clean / (p_noise * 10 ** (snr_db / 10)))
    return np.clip(np.round(clean + segment), -32768, 32767).astype(np.int16)
