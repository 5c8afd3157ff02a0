"""Word and character n-gram TF-IDF (pipelines/tfidf.py) on WordNet glosses."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.datasets.wordnet import load_wordnet_glosses


@pytest.fixture(scope="module")
def glosses():
    return load_wordnet_glosses()


def test_tfidf_ngrams_on_glosses(glosses):
    from pipelines.tfidf import TfidfNgrams

    X = glosses.texts[:200]
    f = TfidfNgrams(word_ngram_range=[1, 2], char_ngram_range=[2, 5])  # lists, as Hydra passes them
    F = f.fit_transform(X)
    assert F.shape[0] == 200 and F.shape[1] == f.idf_.size > 5000
    # each half is L2-normalised, so a row's squared norm is 2
    assert np.allclose(F.multiply(F).sum(axis=1), 2.0)
    assert f.transform(glosses.texts[200:210]).shape == (10, F.shape[1])
    with pytest.raises(ValueError, match="1 <= min_n <= max_n"):
        TfidfNgrams(char_ngram_range=(5, 2)).fit(X)
    with pytest.raises(ValueError, match="item 1 is int"):
        TfidfNgrams().fit(["a gloss", 3])
