"""Festival in batch mode: one ``festival -b`` process per voice writes all its utterances.

The Festival Speech Synthesis System (Black, Taylor & Caley, University of
Edinburgh; http://www.cstr.ed.ac.uk/projects/festival/) with the Debian voices
``festvox-kallpc16k`` (``kal_diphone``), ``festvox-kdlpc16k``
(``ked_diphone``) and ``festvox-us-slt-hts`` (``cmu_us_slt_arctic_hts``).
Starting Festival and loading a voice takes about a second, so each voice's
utterances go into one Scheme script rather than one ``text2wave`` call each.
Speaking rate varies per utterance through ``Duration_Stretch``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from benchmarks.datasets.tts.audio import to_rate
from benchmarks.errors import DataUnavailable

#: voice -> (Festival voice function, Debian package)
VOICES = {
    "kal": ("voice_kal_diphone", "festvox-kallpc16k"),
    "ked": ("voice_ked_diphone", "festvox-kdlpc16k"),
    "slt": ("voice_cmu_us_slt_arctic_hts", "festvox-us-slt-hts"),
}


def festival_batch(voice: str, texts: list[str], stretches: list[float]) -> list[np.ndarray]:
    """Synthesise ``texts`` with one Festival voice -> float32 samples at 16 kHz (int16 units).

    Args:
        voice: a key of :data:`VOICES`.
        texts: the utterances, e.g. ``["one oh seven", ...]``.
        stretches: ``Duration_Stretch`` per utterance (> 1 is slower).

    Raises:
        DataUnavailable: festival or the voice is not installed (the message
            gives the ``apt-get`` line), or festival failed.
    """
    function, package = VOICES[voice]
    apt = f"sudo apt-get install festival {package}"
    if shutil.which("festival") is None:
        raise DataUnavailable(f"festival is not installed; run: {apt}")
    with tempfile.TemporaryDirectory(prefix="e2ebench-festival-") as tmp:
        lines = [f"({function})"]
        for i, (text, stretch) in enumerate(zip(texts, stretches)):
            lines.append(f"(Parameter.set 'Duration_Stretch {float(stretch):.3f})")
            lines.append(f'(utt.save.wave (SynthText "{text}") "{tmp}/{i}.wav" \'riff)')
        script = Path(tmp) / "batch.scm"
        script.write_text("\n".join(lines) + "\n")
        done = subprocess.run(["festival", "-b", str(script)], capture_output=True, text=True)
        out = []
        for i in range(len(texts)):
            path = Path(tmp) / f"{i}.wav"
            if not path.is_file():
                raise DataUnavailable(f"festival voice {voice} ({function}) wrote no audio "
                                      f"({done.stderr.strip()[-200:]!r}); run: {apt}")
            samples, rate = soundfile.read(path, dtype="int16")
            out.append(to_rate(samples, rate))
    return out
