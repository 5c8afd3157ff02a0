"""Phrase extraction from word-aligned sentence pairs, and the phrase table's scores."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from benchmarks.params import check_params, positive_int

__all__ = ["PhraseTable", "extract_phrases", "N_FEATURES"]

#: log p(e|f), log p(f|e), log lex(e|f), log lex(f|e), phrase penalty
N_FEATURES = 5
_NULL = None


def extract_phrases(src: Sequence[str], tgt: Sequence[str], links: set[tuple[int, int]],
                    max_length: int) -> list[tuple[int, int, int, int]]:
    """The phrase pairs consistent with an alignment (Och & Ney 2004; Koehn 2010, sec. 5.2.2).

    A pair of spans is consistent when no link leaves it and it holds at least one link;
    unaligned target words at a span's edges extend it.

    Args:
        src, tgt: one sentence pair's tokens.
        links: ``{(i, j)}`` source-target word links.
        max_length: the longest phrase, in words, on either side.

    Returns:
        ``(i_start, i_end, j_start, j_end)`` spans, ends exclusive.
    """
    n, m = len(src), len(tgt)
    by_src: list[list[int]] = [[] for _ in range(n)]
    tgt_aligned = [False] * m
    by_tgt: list[list[int]] = [[] for _ in range(m)]
    for i, j in links:
        by_src[i].append(j)
        by_tgt[j].append(i)
        tgt_aligned[j] = True
    out = []
    for i1 in range(n):
        j_min, j_max = m, -1
        for i2 in range(i1, min(n, i1 + max_length)):
            for j in by_src[i2]:
                j_min, j_max = min(j_min, j), max(j_max, j)
            if j_max < 0 or j_max - j_min >= max_length:
                continue
            # no target word in [j_min, j_max] may link outside [i1, i2]
            if any(not i1 <= i <= i2 for j in range(j_min, j_max + 1) for i in by_tgt[j]):
                continue
            j_start = j_min
            while True:
                j_end = j_max
                while True:
                    out.append((i1, i2 + 1, j_start, j_end + 1))
                    j_end += 1
                    if j_end >= m or tgt_aligned[j_end] or j_end - j_start >= max_length:
                        break
                j_start -= 1
                if j_start < 0 or tgt_aligned[j_start] or j_max - j_start >= max_length:
                    break
    return out


class PhraseTable(BaseEstimator):
    """Phrase pairs and their five features, estimated by relative frequency (Koehn et al. 2003).

    Features of a pair ``(f, e)`` (``f`` source, ``e`` target phrase): ``log p(e|f)``,
    ``log p(f|e)`` (relative frequencies of extracted pairs), the lexical weights
    ``log lex(e|f)`` and ``log lex(f|e)`` (word translation probabilities from the
    alignment, unaligned words against NULL; Koehn et al. 2003, eq. 4) and a phrase
    penalty of 1. Each source phrase keeps its ``top_k`` translations by
    ``p(e|f) · lex(e|f)``.

    Args:
        max_length: the longest phrase on either side (words).
        top_k: translation options kept per source phrase.

    ``fit_table(src, tgt, links)``: tokenised sentence pairs (``(n,)`` lists of token
    lists) and their links. Attributes after it: ``options_``
    (``{source phrase (tuple): [(target phrase (tuple), row)]}``) and ``features_``
    (``(n_pairs, 5)`` float64, natural logs).

    Raises:
        ConfigError: ``max_length`` or ``top_k`` is not a positive integer.
    """

    optimisation = "closed form"
    _parameter_constraints = {"max_length": positive_int(), "top_k": positive_int()}

    def __init__(self, max_length: int = 5, top_k: int = 15) -> None:
        self.max_length = max_length
        self.top_k = top_k

    def fit_table(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
                  links: Sequence[set[tuple[int, int]]]) -> "PhraseTable":
        check_params(self, self._parameter_constraints, "PhraseTable ")
        pair_counts: Counter = Counter()
        word_pairs: Counter = Counter()
        src_words: Counter = Counter()
        tgt_words: Counter = Counter()
        for f, e, a in zip(src, tgt, links):
            f, e = tuple(f), tuple(e)
            for i1, i2, j1, j2 in extract_phrases(f, e, a, self.max_length):
                pair_counts[(f[i1:i2], e[j1:j2])] += 1
            aligned_f = {i for i, _ in a}
            aligned_e = {j for _, j in a}
            for i, j in a:
                word_pairs[(f[i], e[j])] += 1
            for i, w in enumerate(f):
                if i not in aligned_f:
                    word_pairs[(w, _NULL)] += 1
            for j, w in enumerate(e):
                if j not in aligned_e:
                    word_pairs[(_NULL, w)] += 1
        for (wf, we), c in word_pairs.items():
            src_words[wf] += c
            tgt_words[we] += c
        # w(e|f) = c(f, e) / c(f) and w(f|e) = c(f, e) / c(e), NULL included
        w_e_f = {k: c / src_words[k[0]] for k, c in word_pairs.items()}
        w_f_e = {k: c / tgt_words[k[1]] for k, c in word_pairs.items()}
        f_totals: Counter = Counter()
        e_totals: Counter = Counter()
        for (f, e), c in pair_counts.items():
            f_totals[f] += c
            e_totals[e] += c
        by_source: dict[tuple, list] = defaultdict(list)
        for (f, e), c in pair_counts.items():
            p_e_f, p_f_e = c / f_totals[f], c / e_totals[e]
            lex_e_f, lex_f_e = _lexical_weights(f, e, w_e_f, w_f_e)
            by_source[f].append((p_e_f * lex_e_f, e, (math.log(p_e_f), math.log(p_f_e), math.log(lex_e_f),
                                                       math.log(lex_f_e), 1.0)))
        self.options_: dict[tuple, list[tuple[tuple, int]]] = {}
        rows = []
        for f, options in by_source.items():
            options.sort(key=lambda o: -o[0])
            kept = []
            for _, e, features in options[:self.top_k]:
                kept.append((e, len(rows)))
                rows.append(features)
            self.options_[f] = kept
        self.features_ = np.array(rows, dtype=np.float64).reshape(-1, N_FEATURES)
        return self


def _lexical_weights(f: tuple, e: tuple, w_e_f: dict, w_f_e: dict) -> tuple[float, float]:
    """lex(e|f) and lex(f|e) of a phrase pair, each word against every word it could align to.

    Without the phrase's own alignment (pairs are pooled across sentences), each word
    takes the mean translation probability over the other phrase's words and NULL:
    the IBM-1 form of the lexical weight (Koehn 2010, sec. 5.3.3 uses the alignment).
    """
    lex_e_f = 1.0
    for we in e:
        lex_e_f *= max(sum(w_e_f.get((wf, we), 0.0) for wf in f + (_NULL,)) / (len(f) + 1), 1e-7)
    lex_f_e = 1.0
    for wf in f:
        lex_f_e *= max(sum(w_f_e.get((wf, we), 0.0) for we in e + (_NULL,)) / (len(e) + 1), 1e-7)
    return lex_e_f, lex_f_e
