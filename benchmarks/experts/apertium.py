"""Apertium, the rule-based translation reference: analyser, tagger, lexical and structural transfer, generator.

Forcada et al. 2011, "Apertium: a free/open-source platform for rule-based machine
translation", Machine Translation 25(2). The English–Spanish pair is Debian's
``apertium-eng-spa`` (modes ``eng-spa`` and ``spa-eng``). It learns nothing from the
training split, so the translation task scores it once per test split as a
reference line (``expert_bleu``), never as a side of the pair.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from benchmarks.cache import cached_build
from benchmarks.datasets.base import apt_command
from benchmarks.errors import DataUnavailable

__all__ = ["DEBIAN_PACKAGE", "MODES", "check_available", "translate"]

DEBIAN_PACKAGE = "apertium-eng-spa"
#: task direction -> Apertium mode
MODES = {"en-es": "eng-spa", "es-en": "spa-eng"}
VERSION = "1"


def check_available(direction: str) -> None:
    """Raise unless Apertium can translate ``direction`` here (a quick check, before a run trains).

    Raises:
        DataUnavailable: no Apertium pair for ``direction`` (the message says
            ``task.reference=null``), or Apertium or its pair is not installed (the ``apt-get`` line).
    """
    if direction not in MODES:
        raise DataUnavailable(f"Apertium has no {direction} pair here (it translates {', '.join(MODES)}); "
                              "set task.reference=null to run without a reference")
    if shutil.which("apertium") is None:
        raise DataUnavailable(f"Apertium is not installed. Fix: {apt_command(DEBIAN_PACKAGE)}, "
                              "or set task.reference=null")
    modes = Path("/usr/share/apertium/modes")
    if modes.is_dir() and not (modes / f"{MODES[direction]}.mode").is_file():
        raise DataUnavailable(f"Apertium has no {MODES[direction]} mode installed. Fix: {apt_command(DEBIAN_PACKAGE)}")


def translate(sentences: Sequence[str], direction: str, data_dir: str | None = None) -> list[str]:
    """Apertium's translations of ``sentences``, one output line per input line.

    Args:
        sentences: source sentences (str; newlines inside one are replaced by spaces).
        direction: ``en-es`` or ``es-en``.
        data_dir: the dataset cache; when given, the outputs are cached there by a
            hash of the inputs (Apertium takes ~3 ms a verse).

    Raises:
        DataUnavailable: Apertium or its English–Spanish pair is not installed (the
            message gives the ``apt-get`` line), or no pair for ``direction``.
    """
    check_available(direction)
    lines = [" ".join(str(s).split()) for s in sentences]
    if data_dir is None:
        return _run(lines, MODES[direction])
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]

    def build(folder: Path) -> dict:
        (folder / "out.json").write_text(json.dumps(_run(lines, MODES[direction]), ensure_ascii=False))
        return {"sentences": len(lines)}

    folder = cached_build(data_dir, f"translation/apertium-{direction}-{digest}", build, version=VERSION)
    return json.loads((folder / "out.json").read_text())


def _run(lines: list[str], mode: str) -> list[str]:
    done = subprocess.run(["apertium", "-u", mode], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, encoding="utf-8")
    if done.returncode != 0:
        raise DataUnavailable(f"apertium -u {mode} failed ({done.stderr.strip()[:200]}); is its pair installed? "
                              f"Fix: {apt_command(DEBIAN_PACKAGE)}")
    out = done.stdout.split("\n")[:len(lines)]
    if len(out) != len(lines):
        raise DataUnavailable(f"apertium -u {mode} returned {len(out)} lines for {len(lines)} sentences")
    return [" ".join(line.split()) for line in out]
