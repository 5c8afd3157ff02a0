"""Character- and word-level noise on short texts at five severities, for the robustness claim.

After the noise models of Belinkov & Bisk 2018 ("Synthetic and Natural Noise Both
Break Neural Machine Translation", ICLR: swaps, keyboard typos) and the nlpaug /
TextFlint families (drops, inserts, OCR confusions, word dropout). Severity is the
share of a text's words that get one edit: 5, 10, 20, 30 and 50%, at least one word.
No synonym substitution: WordNet synonyms could leak the supersense label.

Every corruption is deterministic given its seed: text ``i`` draws from
``numpy.random.default_rng([seed, corruption, severity, i])``, so both sides see the
same noisy texts.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["CORRUPTIONS", "SEVERITIES", "WORD_SHARES", "corrupt_texts"]

SEVERITIES = (1, 2, 3, 4, 5)
#: the share of a text's words edited at each severity
WORD_SHARES = (0.05, 0.1, 0.2, 0.3, 0.5)

_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
#: letters next to each letter on a QWERTY keyboard (same row and the rows above and below)
_NEIGHBOURS = {
    ch: "".join(row[j] for r, row in enumerate(_QWERTY) for j in range(len(row))
                if abs(r - i) <= 1 and abs(j - k) <= 1 and (r, j) != (i, k))
    for i, keys in enumerate(_QWERTY) for k, ch in enumerate(keys)
}
#: characters OCR engines confuse (Tesseract's common errors)
_OCR = {"o": "0", "0": "o", "l": "1", "1": "l", "i": "1", "e": "c", "c": "e", "s": "5", "5": "s",
        "b": "6", "g": "9", "a": "o", "m": "rn", "n": "h", "h": "b", "u": "v", "v": "u", "t": "f"}


def _typo(word: str, rng: np.random.Generator) -> str:
    spots = [i for i, ch in enumerate(word) if ch.lower() in _NEIGHBOURS]
    if not spots:
        return word
    i = int(rng.choice(spots))
    return word[:i] + str(rng.choice(list(_NEIGHBOURS[word[i].lower()]))) + word[i + 1:]


def _swap(word: str, rng: np.random.Generator) -> str:
    if len(word) < 2:
        return word + word  # a one-letter word has no neighbour: its swap doubles it
    i = int(rng.integers(len(word) - 1))
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _drop(word: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(len(word)))
    return word[:i] + word[i + 1:]


def _insert(word: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(len(word) + 1))
    return word[:i] + str(rng.choice(list(string.ascii_lowercase))) + word[i:]


def _ocr(word: str, rng: np.random.Generator) -> str:
    spots = [i for i, ch in enumerate(word) if ch.lower() in _OCR]
    if not spots:
        return _drop(word, rng)
    i = int(rng.choice(spots))
    return word[:i] + _OCR[word[i].lower()] + word[i + 1:]


def _word_dropout(word: str, rng: np.random.Generator) -> str:
    return ""


#: name -> ``f(word, rng) -> the edited word`` ("" drops it)
CORRUPTIONS: dict[str, Callable[[str, np.random.Generator], str]] = {
    "keyboard_typo": _typo,
    "char_swap": _swap,
    "char_drop": _drop,
    "char_insert": _insert,
    "ocr": _ocr,
    "word_dropout": _word_dropout,
}


def corrupt_texts(texts: Sequence[str], name: str, severity: int, seed: int = 0) -> np.ndarray:
    """``texts`` with corruption ``name`` applied to a share of each text's words.

    Args:
        texts: ``n`` strings (an ``(n,)`` object array or a list).
        name: one of :data:`CORRUPTIONS`.
        severity: 1 (5% of the words, at least one) to 5 (50%).
        seed: the corruption seed (fixed by the task, never the run's seed).

    Returns:
        ``(n,)`` object array of ``str``. Words are split on whitespace and joined by
        single spaces; a text without words is returned unchanged.

    Raises:
        ValueError: an unknown ``name`` or a severity outside 1..5.
    """
    if name not in CORRUPTIONS:
        raise ValueError(f"unknown text corruption {name!r}; known: {', '.join(CORRUPTIONS)}")
    if severity not in SEVERITIES:
        raise ValueError(f"severity={severity!r} must be one of {list(SEVERITIES)}")
    index, edit = list(CORRUPTIONS).index(name), CORRUPTIONS[name]
    out = np.empty(len(texts), dtype=object)
    for i, text in enumerate(texts):
        words = str(text).split()
        if not words:
            out[i] = text
            continue
        rng = np.random.default_rng([seed, index, severity, i])
        k = max(1, math.ceil(WORD_SHARES[severity - 1] * len(words)))
        for j in rng.choice(len(words), size=min(k, len(words)), replace=False):
            words[j] = edit(words[j], rng)
        out[i] = " ".join(w for w in words if w)
    return out
