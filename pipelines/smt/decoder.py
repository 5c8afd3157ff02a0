"""A monotone phrase-based beam-search decoder with hypothesis recombination and OOV pass-through."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator

from benchmarks.params import check_params, positive_int
from pipelines.smt.language_model import BOS, EOS, KneserNeyLM

__all__ = ["BeamDecoder"]


@dataclass
class _Hypothesis:
    score: float
    lm_state: tuple
    words: tuple
    back: "_Hypothesis | None"


class BeamDecoder(BaseEstimator):
    """Find the best-scoring translation by beam search over phrase segmentations (Koehn 2004, "Pharaoh").

    Monotone: the source is covered left to right, so the hypotheses that cover
    the first ``j`` words compete in stack ``j`` and need no future-cost estimate.
    Hypotheses with the same coverage and language-model state are recombined
    (only the better one is kept: it can never lose its lead), and each stack keeps
    the ``beam`` best. A source word without any phrase is passed through as
    itself, at ``oov_penalty``. The score of a translation is a linear model:
    ``tm_weights · phrase features + lm_weight · log p_LM(e) + word_bonus · |e|
    + oov_penalty · #OOV``. Nothing is learned: it is a designed stage.

    Args:
        beam: hypotheses kept per stack (histogram pruning).
        max_phrase: the longest source phrase looked up.

    ``decode(src, options, features, lm, weights)``: one tokenised sentence ->
    the best target tokens.

    Raises:
        ConfigError: ``beam`` or ``max_phrase`` is not a positive integer.
    """

    optimisation = None
    _parameter_constraints = {"beam": positive_int(), "max_phrase": positive_int()}

    def __init__(self, beam: int = 20, max_phrase: int = 5) -> None:
        self.beam = beam
        self.max_phrase = max_phrase

    def decode(self, src: Sequence[str], options: Mapping[tuple, list[tuple[tuple, int]]],
               features: np.ndarray, lm: KneserNeyLM, tm_weights: np.ndarray, lm_weight: float,
               word_bonus: float, oov_penalty: float) -> list[str]:
        """The best translation of ``src`` (tokens) under the weights.

        Args:
            src: source tokens.
            options: ``{source phrase: [(target phrase, feature row)]}`` (``PhraseTable.options_``).
            features: ``(n_pairs, n_features)`` phrase features; ``tm_weights`` ``(n_features,)``.
            lm: the target language model.
            lm_weight, word_bonus, oov_penalty: the other weights.

        Returns:
            The target tokens of the best hypothesis.
        """
        check_params(self, self._parameter_constraints, "BeamDecoder ")
        src = tuple(src)
        n = len(src)
        phrase_scores = features @ np.asarray(tm_weights, dtype=np.float64)
        stacks: list[dict[tuple, _Hypothesis]] = [dict() for _ in range(n + 1)]
        stacks[0][(BOS,)] = _Hypothesis(0.0, (BOS,), (), None)
        for j in range(n):
            if not stacks[j]:
                continue
            survivors = heapq.nlargest(self.beam, stacks[j].values(), key=lambda h: h.score)
            expansions = []
            for k in range(j + 1, min(n, j + self.max_phrase) + 1):
                found = options.get(src[j:k])
                if found:
                    expansions += [(k, e, float(phrase_scores[row])) for e, row in found]
            if not any(k == j + 1 for k, _, _ in expansions):
                expansions.append((j + 1, (src[j],), oov_penalty))
            for hyp in survivors:
                for k, target, tm_score in expansions:
                    score, state = hyp.score + tm_score + word_bonus * len(target), hyp.lm_state
                    for word in target:
                        lp, state = lm.score(state, word)
                        score += lm_weight * lp
                    if k == n:
                        lp, _ = lm.score(state, EOS)
                        score += lm_weight * lp
                    best = stacks[k].get(state)
                    if best is None or score > best.score:
                        stacks[k][state] = _Hypothesis(score, state, target, hyp)
        if not stacks[n]:
            return []
        hyp = max(stacks[n].values(), key=lambda h: h.score)
        words: list[str] = []
        while hyp is not None:
            words[:0] = hyp.words
            hyp = hyp.back
        return words
