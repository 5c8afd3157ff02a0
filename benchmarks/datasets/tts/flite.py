"""flite through libflite in-process (ctypes): no process per utterance.

Flite (Black & Lenzo 2001, "Flite: a small fast run-time synthesis engine",
ISCA SSW4; http://www.festvox.org/flite/) with its compiled-in voices: the
diphone voice ``kal16`` and the clustergen voices ``awb``, ``rms`` and ``slt``.
Speaking rate (the voice feature ``duration_stretch``) is set per utterance.
"""

from __future__ import annotations

import ctypes

import numpy as np

from benchmarks.datasets.tts.audio import to_rate
from benchmarks.errors import DataUnavailable

APT = "sudo apt-get install flite libflite1"
VOICES = ("kal16", "awb", "rms", "slt")


class _Wave(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("sample_rate", ctypes.c_int), ("num_samples", ctypes.c_int),
                ("num_channels", ctypes.c_int), ("samples", ctypes.POINTER(ctypes.c_short))]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("features", ctypes.c_void_p)]


class Flite:
    """libflite and its voices, loaded once.

    Raises:
        DataUnavailable: libflite or one of its voices is not installed.
    """

    def __init__(self) -> None:
        try:
            self.lib = ctypes.CDLL("libflite.so.1", mode=ctypes.RTLD_GLOBAL)
            for dep in ("libflite_usenglish.so.1", "libflite_cmulex.so.1"):
                ctypes.CDLL(dep, mode=ctypes.RTLD_GLOBAL)
        except OSError as exc:
            raise DataUnavailable(f"libflite is not installed ({exc}); run: {APT}") from None
        self.lib.flite_init()
        self.lib.flite_text_to_wave.restype = ctypes.POINTER(_Wave)
        self.lib.flite_text_to_wave.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        self.lib.feat_set_float.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_float]
        self.lib.delete_wave.argtypes = [ctypes.POINTER(_Wave)]
        self.voices = {}
        for name in VOICES:
            try:
                vlib = ctypes.CDLL(f"libflite_cmu_us_{name}.so.1")
            except OSError as exc:
                raise DataUnavailable(f"flite voice {name} is not installed ({exc}); run: {APT}") from None
            register = getattr(vlib, f"register_cmu_us_{name}")
            register.restype = ctypes.POINTER(_Voice)
            self.voices[name] = (vlib, register(None))

    def say(self, text: str, voice: str, stretch: float = 1.0) -> np.ndarray:
        """``text`` by ``voice`` (a name in :data:`VOICES`) -> float32 samples at 16 kHz (int16 units).

        Args:
            stretch: duration factor (> 1 is slower).
        """
        handle = self.voices[voice][1]
        self.lib.feat_set_float(handle.contents.features, b"duration_stretch", float(stretch))
        wave = self.lib.flite_text_to_wave(text.encode(), handle)
        w = wave.contents
        samples = np.ctypeslib.as_array(w.samples, shape=(w.num_samples,)).copy()
        rate = w.sample_rate
        self.lib.delete_wave(wave)
        return to_rate(samples, rate)
