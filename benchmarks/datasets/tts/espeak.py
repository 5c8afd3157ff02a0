"""espeak-ng through libespeak-ng in-process (ctypes): hundreds of utterances a second.

espeak-ng (https://github.com/espeak-ng/espeak-ng) is a formant synthesiser;
its C API (``speak_lib.h``) synthesises synchronously into a callback at
22,050 Hz. A voice here is an English accent plus a voice variant
(``"en-us+f3"``); speaking rate (words per minute) and pitch (0-100) are set
per utterance.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np

from benchmarks.datasets.tts.audio import to_rate
from benchmarks.errors import DataUnavailable

APT = "sudo apt-get install espeak-ng libespeak-ng1"
#: the English accents of espeak-ng 1.51 (``espeak-ng --voices=en``)
ACCENTS = ("en", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
#: voice variants (``espeak-ng-data/voices/!v``), male and female
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_RATE, _PITCH = 1, 3
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class Espeak:
    """One libespeak-ng instance (the library keeps global state: make one per process).

    Raises:
        DataUnavailable: libespeak-ng is not installed.
    """

    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng")
        if name is None:
            raise DataUnavailable(f"libespeak-ng is not installed; run: {APT}")
        self.lib = ctypes.CDLL(name)
        self.rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.rate <= 0:
            raise DataUnavailable(f"libespeak-ng failed to start (no espeak-ng-data?); run: {APT}")
        self._chunks: list[np.ndarray] = []

        def collect(wav, n, events):  # called by espeak_Synth with each chunk of samples
            if n > 0:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = _CALLBACK(collect)  # kept referenced: C holds the pointer
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]

    def say(self, text: str, voice: str, wpm: int = 175, pitch: int = 50) -> np.ndarray:
        """``text`` spoken by ``voice`` (e.g. ``"en-us+f3"``) -> float32 samples at 16 kHz (int16 units).

        Raises:
            DataUnavailable: espeak-ng does not know the voice.
        """
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise DataUnavailable(f"espeak-ng has no voice {voice!r}; run: {APT}")
        self.lib.espeak_SetParameter(_RATE, int(wpm), 0)
        self.lib.espeak_SetParameter(_PITCH, int(pitch), 0)
        self._chunks = []
        data = text.encode() + b"\0"
        self.lib.espeak_Synth(data, len(data), 0, 1, 0, 0, None, None)
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return to_rate(samples, self.rate)
