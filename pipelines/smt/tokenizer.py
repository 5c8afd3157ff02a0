"""Moses tokenisation and detokenisation (the ``tokenizer.perl`` rules, via ``sacremoses``)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["MosesTokenizer"]


class MosesTokenizer(TransformerMixin, BaseEstimator):
    """Sentences -> space-separated tokens, and back: ``sacremoses``' port of Moses' ``tokenizer.perl``.

    A designed stage: nothing is learned (``fit`` only checks the input). Punctuation
    is split off, HTML-escaping is off, and ``aggressive_dash_splits`` keeps
    hyphenated names whole.

    Args:
        lang: the language's Moses rules (non-breaking prefixes), e.g. ``"en"``, ``"es"``.
        lowercase: lower-case every token (off: BLEU is case-sensitive).

    ``transform``: ``(n,)`` str -> ``(n,)`` object array of str, tokens joined by one space.
    ``detokenize``: the inverse, for one sentence's tokens.
    """

    optimisation = None

    def __init__(self, lang: str = "en", lowercase: bool = False) -> None:
        self.lang = lang
        self.lowercase = lowercase

    def fit(self, X: Sequence[str], y: Any = None) -> "MosesTokenizer":
        from sacremoses import MosesDetokenizer, MosesTokenizer as _Tokenizer

        self.tokenizer_ = _Tokenizer(lang=self.lang)
        self.detokenizer_ = MosesDetokenizer(lang=self.lang)
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        if not hasattr(self, "tokenizer_"):
            self.fit(X)
        out = np.empty(len(X), dtype=object)
        for i, sentence in enumerate(X):
            text = self.tokenizer_.tokenize(str(sentence), escape=False, return_str=True)
            out[i] = text.lower() if self.lowercase else text
        return out

    def detokenize(self, tokens: Sequence[str]) -> str:
        """One sentence's tokens -> text with Moses' spacing rules."""
        if not hasattr(self, "detokenizer_"):
            self.fit([])
        return self.detokenizer_.detokenize(list(tokens))
