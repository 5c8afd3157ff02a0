"""TF-IDF of word and character n-grams as one scikit-learn transformer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion


class TfidfNgrams(TransformerMixin, BaseEstimator):
    """Word n-gram TF-IDF next to character n-gram TF-IDF (``FeatureUnion``).

    The classic strong linear text baseline: word uni- and bigrams plus
    character n-grams (Cavnar & Trenkle 1994, "N-Gram-Based Text
    Categorization"), sublinear TF-IDF, fed to a linear SVM or logistic
    regression (Joachims 1998, "Text categorization with support vector
    machines", ECML; Wang & Manning 2012, "Baselines and bigrams", ACL). Zhang,
    Zhao & LeCun 2015 (NeurIPS, Table 4) compare their char-CNN with n-gram
    TF-IDF baselines of this kind. Each half is L2-normalised on its own, so
    both weigh the same.

    Args:
        word_ngram_range: ``(min_n, max_n)`` of word n-grams (a 2-list from
            YAML is accepted); ``None`` leaves word n-grams out.
        char_ngram_range: ``(min_n, max_n)`` of character n-grams; ``None``
            leaves them out.
        char_analyzer: ``"char_wb"`` (n-grams inside word boundaries, padded
            with spaces) or ``"char"`` (across words too).
        sublinear_tf: use ``1 + log(tf)``.
        min_df: drop n-grams seen in fewer training documents (an int) or a
            smaller fraction of them (a float).
        lowercase: lower-case before extracting n-grams.

    Input ``X``: a sequence of ``str``, e.g. an ``(n,)`` object array.
    Output: ``(n, d)`` float64 ``scipy.sparse`` CSR matrix; ``d`` is the number
    of distinct n-grams kept from the training texts (85,639 for 3,000
    WordNet glosses with the defaults).

    Attributes (after ``fit``): ``union_`` (the fitted ``FeatureUnion``),
    ``idf_`` (``(d,)`` float64 idf weights of all features).

    Raises:
        ValueError: both n-gram ranges are ``None``, a range is not
            ``(min_n, max_n)`` with ``1 <= min_n <= max_n``, or ``X`` holds a
            non-string.
    """

    #: vocabulary and inverse document frequencies are counted from the training texts
    optimisation: str | None = "closed form"

    def __init__(self, word_ngram_range: Sequence[int] | None = (1, 2),
                 char_ngram_range: Sequence[int] | None = (2, 5), char_analyzer: str = "char_wb",
                 sublinear_tf: bool = True, min_df: int | float = 1, lowercase: bool = True) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_analyzer = char_analyzer
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.lowercase = lowercase

    def fit(self, X: Sequence[str], y: np.ndarray | None = None) -> "TfidfNgrams":
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: Sequence[str], y: np.ndarray | None = None) -> sp.csr_matrix:
        _check_texts(X)
        self.union_ = FeatureUnion(self._vectorizers())
        F = self.union_.fit_transform(X).tocsr()
        # an array attribute, so TunedPipeline counts the idf weights as learned numbers
        self.idf_ = np.concatenate([v.idf_ for _, v in self.union_.transformer_list])
        return F

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        _check_texts(X)
        return self.union_.transform(X).tocsr()

    def _vectorizers(self) -> list[tuple[str, TfidfVectorizer]]:
        common = {"sublinear_tf": self.sublinear_tf, "min_df": self.min_df, "lowercase": self.lowercase,
                  "dtype": np.float64}
        parts = []
        if self.word_ngram_range is not None:
            parts.append(("word", TfidfVectorizer(analyzer="word", ngram_range=_ngram_range(
                "word_ngram_range", self.word_ngram_range), **common)))
        if self.char_ngram_range is not None:
            parts.append(("char", TfidfVectorizer(analyzer=self.char_analyzer, ngram_range=_ngram_range(
                "char_ngram_range", self.char_ngram_range), **common)))
        if not parts:
            raise ValueError("TfidfNgrams needs word_ngram_range or char_ngram_range (both are None)")
        return parts


def _ngram_range(name: str, value: Sequence[int]) -> tuple[int, int]:
    # Hydra hands YAML lists over as lists; TfidfVectorizer insists on a tuple
    try:
        lo, hi = (int(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} must be (min_n, max_n)") from exc
    if not 1 <= lo <= hi:
        raise ValueError(f"{name}={value!r} must satisfy 1 <= min_n <= max_n")
    return lo, hi


def _check_texts(X: Sequence[str]) -> None:
    if isinstance(X, str):
        raise ValueError("TfidfNgrams expects a sequence of strings, got one string")
    for i, x in enumerate(X):
        if not isinstance(x, str):
            raise ValueError(f"TfidfNgrams expects strings; item {i} is {type(x).__name__}")
