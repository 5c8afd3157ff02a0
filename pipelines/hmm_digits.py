"""Whole-word GMM-HMMs for connected digits, trained by Viterbi (embedded) training, decoded on a digit loop.

The classic connected-digit recogniser (Rabiner, Wilpon & Soong 1989, "High
performance connected digit recognition using hidden Markov models", IEEE
TASSP; the HTK recipe of the Aurora-2 baseline, Hirsch & Pearce 2000): one
left-to-right HMM per word plus a silence model, Gaussian-mixture emissions
with diagonal covariances, trained on whole utterances and decoded with a
grammar that loops over the words.

- **Acoustic model.** Word ``w`` has ``n_states`` emitting states, left to
  right with self-loops and no skips; silence has ``sil_states``. Each state
  emits from a ``n_mix``-component diagonal GMM.
- **Training.** Flat start: every utterance is cut evenly into leading
  silence, its words and trailing silence, words into states. Then
  ``n_iter`` rounds of Viterbi training: each utterance is force-aligned to
  the composite HMM of its transcript (optional silence before, between and
  after words), and every state's GMM (``sklearn.mixture.GaussianMixture``)
  and self-loop probability are re-estimated from the frames aligned to it.
  Isolated words and digit strings train the same models.
- **Language model.** A word bigram over the 11 words and the utterance end,
  with add-one smoothing, estimated on the training transcripts.
- **Decoder.** The digit-loop grammar as one composite ``hmmlearn.hmm.GMMHMM``
  whose states are copies of the word and silence states: leading silence or a
  word first, then any word (bigram probability raised to ``lm_weight``, then
  renormalised), optional silence between words, trailing silence last. The
  Viterbi path (``GMMHMM.decode``) may only end in a word's last state or in
  trailing silence, so every output is a non-empty string of digit words.
  Forced alignment uses the same composite construction over one transcript.

Inputs are per-utterance feature sequences (``pipelines.mfcc.MFCC``):
``(n_frames, n_features)`` float arrays; targets and predictions are
transcripts such as ``"one oh seven"``.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
from hmmlearn.hmm import GMMHMM
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from benchmarks.datasets.spoken_digits import WORDS

SIL = "sil"
_MIN_SELF_LOOP, _MAX_SELF_LOOP = 0.05, 0.98


class _EndConstrainedHMM(GMMHMM):
    """A diagonal GMMHMM whose Viterbi path must end in one of ``final_states``.

    hmmlearn has no final-state probabilities; forbidding every other state
    to emit the last frame has the same effect on the Viterbi path. The
    emission log-likelihoods are computed for all states and mixture
    components in one matrix product (hmmlearn's own loop over states took
    most of the decoding time with ~100 states).
    """

    final_states: np.ndarray

    def _compute_log_likelihood(self, X):
        n, m, d = self.means_.shape
        if getattr(self, "_terms", None) is None:  # the parameters are fixed once built
            precision = 1.0 / self.covars_.reshape(n * m, d)
            mean = self.means_.reshape(n * m, d)
            const = -0.5 * (d * np.log(2 * np.pi) + np.log(self.covars_.reshape(n * m, d)).sum(1)
                            + (mean ** 2 * precision).sum(1)) + np.log(self.weights_).reshape(n * m)
            self._terms = (const, -0.5 * precision.T, (mean * precision).T)
        const, half_precision, scaled_mean = self._terms
        log_dens = (const + (X ** 2) @ half_precision + X @ scaled_mean).reshape(len(X), n, m)
        top = log_dens.max(axis=2)
        log_like = top + np.log(np.exp(log_dens - top[:, :, None]).sum(axis=2)) if m > 1 else top
        mask = np.full(n, -np.inf)
        mask[self.final_states] = 0.0
        log_like[-1] += mask
        return log_like


class DigitHMM(BaseEstimator):
    """Word GMM-HMMs + digit-loop decoder; a scikit-learn estimator on MFCC sequences.

    Args:
        n_states: emitting states per word model.
        n_mix: Gaussians per state.
        sil_states: emitting states of the silence model.
        n_iter: rounds of Viterbi training after the flat start.
        lm_weight: exponent on the bigram probabilities in the decoder.
        pause_prob: probability of a silence between two words in the grammar.
        var_floor: floor of every variance, as a fraction of the global variance per feature.
        random_state: seeds the GMM fits.

    ``fit(F, y)``: ``F`` a list of ``(n_frames, n_features)`` float arrays,
    ``y`` their transcripts (words from ``benchmarks.datasets.spoken_digits.WORDS``).
    ``predict(F)``: ``(n,)`` object array of transcripts.

    Attributes (after ``fit``): ``weights_`` ``(n_model_states, n_mix)``,
    ``means_`` and ``covars_`` ``(n_model_states, n_mix, n_features)``,
    ``self_loop_`` ``(n_model_states,)``, ``bigram_`` ``(12, 12)`` (rows:
    ``<s>`` and the words; columns: the words and ``</s>``), ``n_aligned_``
    (utterances force-aligned in the last round).

    Raises:
        ValueError: a transcript holds a word outside the vocabulary, or no
            utterance is long enough for its transcript's states.
    """

    #: Viterbi training of GMM-HMMs: hard expectation-maximisation
    optimisation: str | None = "EM"

    def __init__(self, n_states: int = 8, n_mix: int = 2, sil_states: int = 3, n_iter: int = 4,
                 lm_weight: float = 1.0, pause_prob: float = 0.2, var_floor: float = 0.01,
                 random_state: int | None = 0) -> None:
        self.n_states = n_states
        self.n_mix = n_mix
        self.sil_states = sil_states
        self.n_iter = n_iter
        self.lm_weight = lm_weight
        self.pause_prob = pause_prob
        self.var_floor = var_floor
        self.random_state = random_state

    # ------------------------------------------------------------------ layout

    def _units(self) -> dict[str, np.ndarray]:
        """Model-state indices of every unit: the words, then silence."""
        units, start = {}, 0
        for unit in (*WORDS, SIL):
            n = self.sil_states if unit == SIL else self.n_states
            units[unit] = np.arange(start, start + n)
            start += n
        return units

    # ------------------------------------------------------------------ training

    def fit(self, F: Sequence[np.ndarray], y: Sequence[str]) -> "DigitHMM":
        units = self._units()
        words = [_words(t) for t in y]
        frames = np.concatenate(F)
        self.floor_ = self.var_floor * frames.var(axis=0)
        self._fit_lm(words)
        n_model = sum(len(s) for s in units.values())
        self.self_loop_ = np.full(n_model, 0.7)
        self.weights_ = self.means_ = self.covars_ = None  # a refit starts from scratch
        # flat start
        flat = [_flat_alignment(f, ws, units) for f, ws in zip(F, words)]
        self.n_aligned_ = sum(a is not None for a in flat)
        if not self.n_aligned_:
            raise ValueError(f"every training utterance is shorter than {self.n_states} frames per word")
        self._reestimate(flat, F, n_model)
        for _ in range(self.n_iter):
            alignments = [self._force_align(f, ws) for f, ws in zip(F, words)]
            self.n_aligned_ = sum(a is not None for a in alignments)
            if not self.n_aligned_:
                raise ValueError("no training utterance could be aligned to its transcript "
                                 f"(utterances shorter than {self.n_states} frames per word?)")
            self._reestimate(alignments, F, n_model)
        self.decoder_ = self._loop_grammar()
        return self

    def _fit_lm(self, words: list[list[str]]) -> None:
        index = {w: i for i, w in enumerate(WORDS)}
        counts = np.ones((len(WORDS) + 1, len(WORDS) + 1))  # add-one; row 0 = <s>, last column = </s>
        for ws in words:
            ids = [index[w] for w in ws]
            for prev, nxt in zip([-1, *ids], [*ids, len(WORDS)]):
                counts[prev + 1, nxt] += 1
        self.bigram_ = counts / counts.sum(axis=1, keepdims=True)

    def _reestimate(self, alignments: list[np.ndarray | None], F: Sequence[np.ndarray], n_model: int) -> None:
        """State GMMs and self-loops from frame -> model-state alignments."""
        paths = [(f, a) for f, a in zip(F, alignments) if a is not None]
        states = np.concatenate([a for _, a in paths])
        frames = np.concatenate([f for f, _ in paths])
        # a stay is a frame whose next frame (same utterance) has the same state
        stays = np.concatenate([np.r_[a[1:] == a[:-1], False] for _, a in paths])
        d = frames.shape[1]
        old = (getattr(self, "weights_", None), getattr(self, "means_", None), getattr(self, "covars_", None))
        self.weights_ = np.full((n_model, self.n_mix), 1.0 / self.n_mix)
        self.means_ = np.zeros((n_model, self.n_mix, d))
        self.covars_ = np.ones((n_model, self.n_mix, d))
        for s in range(n_model):
            mine = frames[states == s]
            if len(mine) < 2:
                if old[0] is not None:  # unseen this round: keep what it had
                    self.weights_[s], self.means_[s], self.covars_[s] = old[0][s], old[1][s], old[2][s]
                else:
                    self.means_[s], self.covars_[s] = frames.mean(0), frames.var(0)
                continue
            if self.n_mix > 1 and len(mine) >= 4 * self.n_mix:
                # later rounds start EM from the state's previous mixture (k-means only at first):
                # alignments change little between rounds, so a few EM steps suffice
                warm = {} if old[0] is None else {"weights_init": old[0][s] / old[0][s].sum(),
                                                  "means_init": old[1][s],
                                                  "precisions_init": 1.0 / old[2][s]}
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        gmm = GaussianMixture(self.n_mix, covariance_type="diag", reg_covar=1e-4, max_iter=10,
                                              random_state=self.random_state, **warm).fit(mine)
                    self.weights_[s], self.means_[s], self.covars_[s] = gmm.weights_, gmm.means_, gmm.covariances_
                except ValueError:  # a component collapsed onto a few frames: one Gaussian this round
                    self.means_[s], self.covars_[s] = mine.mean(0), mine.var(0)
            else:
                self.means_[s], self.covars_[s] = mine.mean(0), mine.var(0)
            n_here = np.count_nonzero(states == s)
            self.self_loop_[s] = np.clip(np.count_nonzero(stays[states == s]) / n_here,
                                         _MIN_SELF_LOOP, _MAX_SELF_LOOP)
        self.covars_ = np.maximum(self.covars_, self.floor_)

    def _force_align(self, f: np.ndarray, words: list[str]) -> np.ndarray | None:
        """Frame -> model-state path of ``f`` through its transcript, or None if it can't fit."""
        units = self._units()
        seq = [SIL, *[u for w in words for u in (w, SIL)]]  # sil w1 sil w2 ... wn sil; every sil optional
        model_states = np.concatenate([units[u] for u in seq])
        first = np.cumsum([0] + [len(units[u]) for u in seq])[:-1]
        last = first + np.array([len(units[u]) for u in seq]) - 1
        n = len(model_states)
        trans = np.zeros((n, n))
        loops = self.self_loop_[model_states]
        for k, unit in enumerate(seq):
            for s in range(first[k], last[k]):
                trans[s, s], trans[s, s + 1] = loops[s], 1 - loops[s]
            end = last[k]
            trans[end, end] = loops[end]
            nxt = [k + 1] if k + 1 < len(seq) else []
            if unit != SIL and k + 2 < len(seq):
                nxt.append(k + 2)  # skip the optional silence after this word
            if not nxt:
                trans[end, end] = 1.0
                continue
            for j in nxt:
                trans[end, first[j]] = (1 - loops[end]) / len(nxt)
        start = np.zeros(n)
        start[first[0]] = start[first[1]] = 0.5
        finals = np.array([last[-1], last[-2]])
        hmm = self._composite(model_states, start, trans, finals)
        if len(f) < sum(len(units[w]) for w in words):
            return None
        logprob, path = hmm.decode(f.astype(np.float64), algorithm="viterbi")
        return model_states[path] if np.isfinite(logprob) else None

    def _composite(self, model_states: np.ndarray, start: np.ndarray, trans: np.ndarray,
                   finals: np.ndarray) -> _EndConstrainedHMM:
        hmm = _EndConstrainedHMM(n_components=len(model_states), n_mix=self.n_mix, covariance_type="diag",
                                 init_params="", params="")
        hmm.n_features = self.means_.shape[2]
        hmm.startprob_, hmm.transmat_ = start, trans
        hmm.weights_ = self.weights_[model_states]
        hmm.means_ = self.means_[model_states]
        hmm.covars_ = self.covars_[model_states]
        hmm.final_states = finals
        return hmm

    # ------------------------------------------------------------------ decoding

    def _loop_grammar(self) -> _EndConstrainedHMM:
        """The digit-loop grammar: leading silence, words, pauses, trailing silence as one HMM."""
        units = self._units()
        blocks = [*WORDS, "lead", "pause", "trail"]  # the three silences are tied copies
        model_states = np.concatenate([units[SIL if b in ("lead", "pause", "trail") else b] for b in blocks])
        sizes = [len(units[SIL if b in ("lead", "pause", "trail") else b]) for b in blocks]
        first = dict(zip(blocks, np.cumsum([0] + sizes)[:-1]))
        last = {b: first[b] + n - 1 for b, n in zip(blocks, sizes)}
        n = len(model_states)
        loops = self.self_loop_[model_states]
        trans = np.zeros((n, n))
        for b in blocks:
            for s in range(first[b], last[b]):
                trans[s, s], trans[s, s + 1] = loops[s], 1 - loops[s]
        lm = self.bigram_ ** self.lm_weight
        unigram = self.bigram_[1:, :-1].sum(axis=0) ** self.lm_weight

        def to_words(row: int, scores: np.ndarray, mass: float) -> None:
            for j, w in enumerate(WORDS):
                trans[row, first[w]] += mass * scores[j] / scores.sum()

        for i, w in enumerate(WORDS):
            end, a = last[w], loops[last[w]]
            trans[end, end] = a
            go_on = lm[i + 1, :-1].sum() / lm[i + 1].sum()  # another word rather than the end
            to_words(end, lm[i + 1, :-1], (1 - a) * go_on * (1 - self.pause_prob))
            trans[end, first["pause"]] = (1 - a) * go_on * self.pause_prob
            trans[end, first["trail"]] = (1 - a) * (1 - go_on)
        for b, scores in (("lead", lm[0, :-1]), ("pause", unigram)):
            end, a = last[b], loops[last[b]]
            trans[end, end] = a
            to_words(end, scores, 1 - a)
        trans[last["trail"], last["trail"]] = 1.0
        trans /= trans.sum(axis=1, keepdims=True)
        start = np.zeros(n)
        start[first["lead"]] = 0.5
        for j, w in enumerate(WORDS):
            start[first[w]] = 0.5 * lm[0, j] / lm[0, :-1].sum()
        finals = np.array([last[w] for w in WORDS] + list(range(first["trail"], last["trail"] + 1)))
        hmm = self._composite(model_states, start, trans, finals)
        self.grammar_word_starts_ = {first[w]: w for w in WORDS}
        return hmm

    def decode_frames(self, f: np.ndarray) -> str:
        """The best transcript of one ``(n_frames, n_features)`` sequence through the digit loop."""
        _, path = self.decoder_.decode(np.asarray(f, dtype=np.float64), algorithm="viterbi")
        entered = np.r_[True, path[1:] != path[:-1]]
        return " ".join(self.grammar_word_starts_[s] for s in path[entered] if s in self.grammar_word_starts_)

    def predict(self, F: Sequence[np.ndarray]) -> np.ndarray:
        out = np.empty(len(F), dtype=object)
        for i, f in enumerate(F):
            out[i] = self.decode_frames(f)
        return out


def _words(transcript: str) -> list[str]:
    words = str(transcript).split()
    unknown = sorted(set(words) - set(WORDS))
    if not words or unknown:
        raise ValueError(f"transcript {transcript!r} must be 1 or more words from {', '.join(WORDS)}")
    return words


def _flat_alignment(f: np.ndarray, words: list[str], units: dict[str, np.ndarray]) -> np.ndarray | None:
    """Even segmentation: up to 10 frames of silence each end, words and their states evenly in between."""
    n_sil = min(10, len(f) // 10)
    inner = len(f) - 2 * n_sil
    states = np.concatenate([units[w] for w in words])
    if inner < len(states):
        return None
    middle = states[(np.arange(inner) * len(states)) // inner]
    sil = units[SIL]
    lead = sil[(np.arange(n_sil) * len(sil)) // max(n_sil, 1)]
    return np.concatenate([lead, middle, lead]).astype(np.int64)
