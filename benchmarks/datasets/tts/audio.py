"""Small audio helpers shared by the synthesiser wrappers."""

from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

#: the corpus sample rate (Hz)
RATE = 16000


def to_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` at ``rate`` Hz -> float32 at 16 kHz (polyphase resampling, scipy)."""
    samples = np.asarray(samples, dtype=np.float32)
    if rate == RATE:
        return samples
    g = np.gcd(rate, RATE)
    return resample_poly(samples, RATE // g, rate // g).astype(np.float32)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in int16 units -> int16, clipped."""
    return np.clip(np.round(samples), -32768, 32767).astype(np.int16)


def trim(samples: np.ndarray, threshold: float = 0.01, margin: int = 1600) -> np.ndarray:
    """Cut leading and trailing silence, keeping ``margin`` samples (0.1 s) each side.

    Silence is anything below ``threshold`` × the peak amplitude; synthesisers
    add up to half a second of it, which only costs memory and compute.
    """
    loud = np.flatnonzero(np.abs(samples.astype(np.float32)) > threshold * max(1, np.abs(samples).max()))
    if not len(loud):
        return samples
    return samples[max(0, loud[0] - margin):loud[-1] + margin]
