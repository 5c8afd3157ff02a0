"""An interpolated Kneser–Ney n-gram language model, stored in backoff (ARPA) form for fast queries."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator

__all__ = ["KneserNeyLM", "BOS", "EOS"]

BOS, EOS = "<s>", "</s>"


class KneserNeyLM(BaseEstimator):
    """Interpolated Kneser–Ney smoothing with one discount per order (Chen & Goodman 1998).

    Highest order: absolute discounting of counts; lower orders: continuation counts
    (the number of distinct words seen before). Discount per order
    ``D = n1 / (n1 + 2 n2)`` from the counts of counts. The interpolated
    probabilities of seen n-grams and the backoff weights of their contexts are
    precomputed, as an ARPA file would hold them, so a query is a few dict lookups
    (about 5 µs). Unknown words get ``log p(<unk>)`` = the unigram floor.

    Args:
        order: n of the n-grams (4 for the translation pipeline).

    ``fit(sentences)``: ``(n,)`` token lists. ``score(state, word) -> (log p, new state)``
    in natural logs; ``state`` is the tuple of the last ``order - 1`` words
    (``(BOS,)`` at the start). Attributes after fit: ``log_probs_`` (``(n_ngrams,)``
    float64), ``ngrams_`` (``{ngram tuple: row}``), ``backoffs_`` (``{context: log weight}``).
    """

    optimisation = "closed form"

    def __init__(self, order: int = 4) -> None:
        self.order = order

    def fit(self, sentences: Iterable[Sequence[str]], y=None) -> "KneserNeyLM":
        if not isinstance(self.order, int) or self.order < 1:
            raise ValueError(f"order={self.order!r} must be a positive integer")
        n = self.order
        counts = [Counter() for _ in range(n + 1)]  # counts[k]: k-grams
        for sentence in sentences:
            words = [BOS] + list(sentence) + [EOS]
            for k in range(1, n + 1):
                for i in range(max(0, 1 if k == 1 else 0), len(words) - k + 1):
                    counts[k][tuple(words[i:i + k])] += 1
        # lower orders use continuation counts: distinct left neighbours (n-grams starting at <s> count as seen)
        cont = [None] + [Counter() for _ in range(n)]
        for k in range(2, n + 1):
            for gram in counts[k]:
                cont[k - 1][gram[1:]] += 1
        for k in range(1, n):
            for gram, c in counts[k].items():
                if gram[0] == BOS:
                    cont[k][gram] = c
        used = [None] + [cont[k] if k < n else counts[k] for k in range(1, n + 1)]
        discounts = [0.0] * (n + 1)
        for k in range(1, n + 1):
            n1 = sum(1 for c in used[k].values() if c == 1)
            n2 = sum(1 for c in used[k].values() if c == 2)
            discounts[k] = n1 / (n1 + 2 * n2) if n1 + n2 > 0 else 0.5
        vocab = [g[0] for g in used[1] if g[0] != BOS]
        total1 = sum(c for g, c in used[1].items() if g[0] != BOS)
        self.unk_log_prob_ = math.log(0.5 / max(total1, 1))
        prob: dict[tuple, float] = {}
        # unigrams: discounted, with the held-back mass spread uniformly
        d1 = discounts[1]
        spread = d1 * len(vocab) / max(total1, 1) / max(len(vocab), 1)
        for w in vocab:
            prob[(w,)] = max(used[1][(w,)] - d1, 0) / total1 + spread
        context_totals: list[dict] = [None] + [defaultdict(int) for _ in range(n)]
        context_types: list[dict] = [None] + [defaultdict(int) for _ in range(n)]
        for k in range(2, n + 1):
            for gram, c in used[k].items():
                context_totals[k][gram[:-1]] += c
                context_types[k][gram[:-1]] += 1
        backoff: dict[tuple, float] = {}
        for k in range(2, n + 1):
            d = discounts[k]
            for context, total in context_totals[k].items():
                backoff[context] = d * context_types[k][context] / total
            for gram, c in used[k].items():
                context = gram[:-1]
                lower = prob.get(gram[1:])
                if lower is None:
                    lower = self._backed_off(gram[1:], prob, backoff)
                prob[gram] = max(c - d, 0) / context_totals[k][context] + backoff[context] * lower
        self.ngrams_ = {gram: i for i, gram in enumerate(prob)}
        self.log_probs_ = np.log(np.fromiter(prob.values(), dtype=np.float64, count=len(prob)))
        self.backoffs_ = {c: math.log(b) for c, b in backoff.items() if b > 0}
        self._lp = {gram: float(lp) for gram, lp in zip(prob, self.log_probs_)}
        return self

    def _backed_off(self, gram: tuple, prob: dict, backoff: dict) -> float:
        p = 1.0
        while gram not in prob:
            if len(gram) == 1:
                return p * math.exp(self.unk_log_prob_)
            p *= backoff.get(gram[:-1], 1.0)
            gram = gram[1:]
        return p * prob[gram]

    def score(self, state: tuple, word: str) -> tuple[float, tuple]:
        """``(log p(word | state), next state)``; the state keeps the last ``order - 1`` words."""
        lp = self._lp
        gram = state + (word,)
        log_p = 0.0
        while gram not in lp:
            if len(gram) == 1:
                log_p += self.unk_log_prob_
                break
            log_p += self.backoffs_.get(gram[:-1], 0.0)
            gram = gram[1:]
        else:
            log_p += lp[gram]
        new_state = (state + (word,))[-(self.order - 1):] if self.order > 1 else ()
        # the shortest state the model can tell apart: fewer states, more recombination
        while new_state and new_state not in self.backoffs_:
            new_state = new_state[1:]
        return log_p, new_state

    def sentence_log_prob(self, words: Sequence[str]) -> float:
        """``log p(words </s>)`` given ``<s>`` (natural log)."""
        state, total = (BOS,), 0.0
        for w in list(words) + [EOS]:
            lp, state = self.score(state, w)
            total += lp
        return total
