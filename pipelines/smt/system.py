"""The phrase-based system: its components trained one after the other, weights tuned on validation."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from benchmarks.params import Interval, check_params, positive_int
from pipelines.smt.alignment import EflomalAligner
from pipelines.smt.decoder import BeamDecoder
from pipelines.smt.language_model import KneserNeyLM
from pipelines.smt.phrase_table import N_FEATURES, PhraseTable
from pipelines.smt.tokenizer import MosesTokenizer

import numbers

log = logging.getLogger(__name__)

__all__ = ["PhraseBasedSMT"]

#: trained components of the last fit, by a digest of its data and component settings: candidates of one
#: search differ only in decoding weights, so they share one training of the components
_TRAINED: dict[str, dict[str, Any]] = {}


class PhraseBasedSMT(BaseEstimator):
    """Phrase-based statistical MT (Koehn, Och & Marcu 2003), the last step of the translation pipeline.

    It takes tokenised source sentences (the pipeline's ``MosesTokenizer`` step) and
    trains, each on its own and on the training subset only: the target tokeniser,
    word alignment both ways symmetrised (:class:`EflomalAligner`), the phrase table
    (:class:`PhraseTable`), a Kneser–Ney language model on the target side
    (:class:`KneserNeyLM`); :class:`BeamDecoder` then searches, and the tokeniser
    detokenises. The decoding weights (``lm_weight``, ``word_bonus``) are what
    the shared search (``pipelines.tuned.TunedPipeline``) tunes on the validation
    split; the components' training does not depend on them, so it runs once per
    search, and candidates only decode (the Moses recipe tunes its weights on a
    development set in the same way, Och 2003).

    Args:
        target_tokenizer: tokenises references for training and detokenises output.
        aligner, phrase_table, language_model, decoder: the components.
        tm_weights: the 5 phrase features' weights (Moses' defaults: 0.2 each).
        lm_weight: weight of ``log p_LM``; word_bonus: per target word (positive: longer output).
        oov_penalty: score of passing an unknown source word through.

    ``fit(X, y)``: ``X`` ``(n,)`` tokenised source sentences (str), ``y`` ``(n,)`` target
    sentences (str). ``predict(X) -> (n,)`` object array of detokenised translations.
    ``score(X, y)``: corpus BLEU (sacrebleu), the validation score of the search.

    Raises:
        ConfigError: a setting is out of range (named).
    """

    #: the components, each a stage of its own (benchmarks.simplicity counts them)
    components = ("target_tokenizer", "aligner", "phrase_table", "language_model", "decoder")
    #: the score ``score`` returns, for the search's records
    score_name = "bleu"

    _parameter_constraints = {
        "lm_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "word_bonus": [Interval(numbers.Real, None, None, closed="neither")],
        "oov_penalty": [Interval(numbers.Real, None, None, closed="neither")],
    }

    def __init__(self, target_tokenizer: MosesTokenizer | None = None, aligner: EflomalAligner | None = None,
                 phrase_table: PhraseTable | None = None, language_model: KneserNeyLM | None = None,
                 decoder: BeamDecoder | None = None, tm_weights: Sequence[float] = (0.2, 0.2, 0.2, 0.2, -0.2),
                 lm_weight: float = 0.5, word_bonus: float = 0.0, oov_penalty: float = -10.0) -> None:
        self.target_tokenizer = target_tokenizer
        self.aligner = aligner
        self.phrase_table = phrase_table
        self.language_model = language_model
        self.decoder = decoder
        self.tm_weights = tm_weights
        self.lm_weight = lm_weight
        self.word_bonus = word_bonus
        self.oov_penalty = oov_penalty

    @property
    def seeded(self) -> bool:
        """Whether every component can be seeded (eflomal cannot)."""
        return all(getattr(part, "seeded", True) for part in self._parts())

    def _parts(self) -> tuple[MosesTokenizer, EflomalAligner, PhraseTable, KneserNeyLM, BeamDecoder]:
        return (self.target_tokenizer or MosesTokenizer(), self.aligner or EflomalAligner(),
                self.phrase_table or PhraseTable(), self.language_model or KneserNeyLM(), self.decoder or BeamDecoder())

    def fit(self, X: Sequence[str], y: Sequence[str]) -> "PhraseBasedSMT":
        check_params(self, self._parameter_constraints, "method.estimator.pipeline.smt.")
        if len(self.tm_weights) != N_FEATURES:
            raise ValueError(f"tm_weights needs {N_FEATURES} weights, got {len(self.tm_weights)}")
        tokenizer, aligner, table, lm, decoder = self._parts()
        digest = hashlib.sha256(repr((list(map(str, X)), list(map(str, y)), tokenizer, aligner, table, lm))
                                .encode()).hexdigest()
        if digest not in _TRAINED:
            _TRAINED.clear()
            _TRAINED[digest] = self._train(X, y, tokenizer, aligner, table, lm)
        trained = _TRAINED[digest]
        self.tokenizer_, self.table_, self.lm_ = trained["tokenizer"], trained["table"], trained["lm"]
        self.stage_times_ = trained["times"]
        self.decoder_ = decoder
        # what the components learned: phrase features and LM probabilities
        self.features_, self.log_probs_ = self.table_.features_, self.lm_.log_probs_
        return self

    @staticmethod
    def _train(X, y, tokenizer, aligner, table, lm) -> dict[str, Any]:
        from sklearn.base import clone

        tokenizer, aligner, table, lm = (clone(c) for c in (tokenizer, aligner, table, lm))
        times = {}
        start = time.perf_counter()
        tgt = tokenizer.fit(y).transform(y)
        times["tokenise_s"] = time.perf_counter() - start
        src = [str(s) for s in X]
        start = time.perf_counter()
        links = aligner.fit_align(src, list(tgt))
        times["align_s"] = time.perf_counter() - start
        start = time.perf_counter()
        table.fit_table([s.split() for s in src], [t.split() for t in tgt], links)
        times["phrases_s"] = time.perf_counter() - start
        start = time.perf_counter()
        lm.fit([t.split() for t in tgt])
        times["lm_s"] = time.perf_counter() - start
        log.info("phrase-based components trained: %d phrase pairs, %d n-grams (%s)", len(table.features_),
                 len(lm.log_probs_), ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
        return {"tokenizer": tokenizer, "table": table, "lm": lm, "times": times}

    def predict(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "table_")
        weights = np.asarray(self.tm_weights, dtype=np.float64)
        out = np.empty(len(X), dtype=object)
        for i, sentence in enumerate(X):
            words = self.decoder_.decode(str(sentence).split(), self.table_.options_, self.table_.features_,
                                         self.lm_, weights, self.lm_weight, self.word_bonus, self.oov_penalty)
            out[i] = self.tokenizer_.detokenize(words)
        return out

    def score(self, X: Sequence[str], y: Sequence[str]) -> float:
        """Corpus BLEU (sacrebleu defaults, 0-100) of ``predict(X)`` against ``y``."""
        from sacrebleu.metrics import BLEU

        return float(BLEU().corpus_score([str(p) for p in self.predict(X)], [[str(t) for t in y]]).score)
