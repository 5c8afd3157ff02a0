"""Whole-word GMM-HMMs and the digit-loop decoder (pipelines/hmm_digits.py)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.datasets.spoken_digits import WORDS


@pytest.fixture(scope="session")
def mfcc_hmm(tiny_data):
    from pipelines.hmm_digits import DigitHMM
    from pipelines.mfcc import MFCC

    mfcc = MFCC().fit(tiny_data.train.X)
    F = mfcc.transform(tiny_data.train.X)
    return mfcc, DigitHMM(n_states=6, n_mix=1, n_iter=3).fit(F, tiny_data.train.y)


def test_decoding_through_the_grammar_gives_digit_strings_only(tiny_data, mfcc_hmm):
    mfcc, hmm = mfcc_hmm
    rng = np.random.default_rng(0)
    known = mfcc.transform(tiny_data.test.X[:10])
    garbage = [rng.normal(size=(n, 39)).astype(np.float32) * 5 for n in (40, 120, 300)]
    for text in hmm.predict(known + garbage):
        words = text.split()
        assert words and set(words) <= set(WORDS), text
    with pytest.raises(ValueError, match="must be 1 or more words from oh, zero"):
        type(hmm)(n_iter=0).fit(known[:2], ["one", "one eleven"])
