"""Character- and word-level text noise (benchmarks/corruptions/text.py)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.corruptions.text import CORRUPTIONS, corrupt_texts

TEXTS = np.array(["a heavy open wagon usually having two wheels and drawn by an animal",
                  "the act of reading", "x", ""], dtype=object)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (characters)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_each_corruption_is_seeded_and_grows_with_severity(name):
    mild, again, harsh = (corrupt_texts(TEXTS, name, s, seed=2) for s in (1, 1, 5))
    assert mild.shape == TEXTS.shape and mild.dtype == object and all(isinstance(t, str) for t in mild)
    assert list(mild) == list(again), "deterministic given its seed"
    distance = [sum(_edits(a, b) for a, b in zip(TEXTS, x)) for x in (mild, harsh)]
    assert 0 < distance[0] < distance[1], distance
    assert mild[3] == "", "a text without words is left as it is"
    assert mild[0] != TEXTS[0], "severity 1 edits at least one word of every text"


def test_word_dropout_removes_the_share_of_words_its_severity_says():
    words = len(TEXTS[0].split())  # 13
    kept = [len(corrupt_texts(TEXTS[:1], "word_dropout", s)[0].split()) for s in (1, 3, 5)]
    assert kept == [words - 1, words - 3, words - 7]  # 5% (at least one), 20%, 50% rounded up


def test_bad_corruption_arguments_are_named():
    with pytest.raises(ValueError, match="unknown text corruption 'synonym'"):
        corrupt_texts(TEXTS, "synonym", 1)
    with pytest.raises(ValueError, match="severity=0 must be one of"):
        corrupt_texts(TEXTS, "ocr", 0)
