"""The phrase-based pipeline's components (pipelines/smt/) and the whole system on a small split."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from pipelines.smt.alignment import grow_diag_final_and
from pipelines.smt.decoder import BeamDecoder
from pipelines.smt.language_model import EOS, KneserNeyLM
from pipelines.smt.phrase_table import PhraseTable, extract_phrases


def test_grow_diag_final_and_grows_the_intersection_into_the_union():
    forward = [{(0, 0), (1, 1), (2, 2)}]
    backward = [{(0, 0), (1, 1), (1, 2), (3, 3)}]
    # from the intersection {(0,0), (1,1)}: (1, 2) neighbours (1, 1) and aligns target 2; (2, 2), a
    # diagonal neighbour, still aligns source word 2; (3, 3) touches nothing and joins in "final-and"
    assert grow_diag_final_and(forward, backward, [4], [4]) == [{(0, 0), (1, 1), (1, 2), (2, 2), (3, 3)}]
    # a union point whose two words are both aligned already is never added
    assert grow_diag_final_and([{(0, 0), (1, 1)}], [{(0, 0), (1, 1), (0, 1)}], [2], [2]) == [{(0, 0), (1, 1)}]


def test_phrase_extraction_keeps_exactly_the_consistent_pairs():
    # "la casa verde" - "the green house": la-the, casa-house, verde-green
    spans = set(extract_phrases("la casa verde".split(), "the green house".split(), {(0, 0), (1, 2), (2, 1)}, 3))
    assert (0, 1, 0, 1) in spans  # la / the
    assert (1, 3, 1, 3) in spans  # casa verde / green house
    assert (0, 3, 0, 3) in spans
    assert (0, 2, 0, 3) not in spans  # la casa / the green house: "green" links outside
    assert (1, 2, 2, 3) in spans and (1, 2, 1, 3) not in spans


def test_unaligned_target_words_extend_a_phrase():
    spans = set(extract_phrases(["casa"], ["the", "house"], {(0, 1)}, 3))
    assert spans == {(0, 1, 1, 2), (0, 1, 0, 2)}


def test_phrase_table_scores_are_relative_frequencies():
    src = [["la", "casa"], ["la", "casa"], ["la", "mesa"]]
    tgt = [["the", "house"], ["the", "home"], ["the", "table"]]
    links = [{(0, 0), (1, 1)}] * 3
    table = PhraseTable(max_length=2, top_k=5).fit_table(src, tgt, links)
    options = dict(table.options_[("casa",)])
    assert set(options) == {("house",), ("home",)}
    assert math.exp(table.features_[options[("house",)], 0]) == pytest.approx(0.5)  # p(e|f)
    assert math.exp(table.features_[options[("house",)], 1]) == pytest.approx(1.0)  # p(f|e)


def test_kneser_ney_distributions_sum_to_one():
    lm = KneserNeyLM(order=3).fit([s.split() for s in ["a b c", "a b d", "b c a", "c c b a"]])
    vocab = ["a", "b", "c", "d", EOS]
    for state in [("<s>",), ("a", "b"), ("b",), ("c", "c"), ()]:
        assert sum(math.exp(lm.score(state, w)[0]) for w in vocab) == pytest.approx(1.0)
    assert lm.score(("a",), "b")[0] > lm.score(("a",), "d")[0]
    assert lm.score(("a",), "zebra")[0] < lm.score(("a",), "d")[0]  # unknown words get the floor


def _brute_force(src, options, features, lm, weights, lm_weight, word_bonus, oov):
    """Every segmentation and every option, scored as the decoder scores them."""
    best, best_words = -math.inf, None
    n = len(src)
    for cuts in itertools.product([0, 1], repeat=n - 1):
        bounds = [0] + [i + 1 for i, c in enumerate(cuts) if c] + [n]
        segments = [tuple(src[a:b]) for a, b in zip(bounds, bounds[1:])]
        choices = []
        for seg in segments:
            found = [(e, float(features[row] @ weights)) for e, row in options.get(seg, [])]
            if not found and len(seg) == 1:
                found = [(seg, oov)]
            choices.append(found)
        if not all(choices):
            continue
        for picked in itertools.product(*choices):
            words = [w for e, _ in picked for w in e]
            score = sum(s for _, s in picked) + word_bonus * len(words) + lm_weight * lm.sentence_log_prob(words)
            if score > best:
                best, best_words = score, words
    return best_words


def test_the_decoder_finds_the_best_path_of_a_hand_built_model():
    lm = KneserNeyLM(order=3).fit([s.split() for s in ["the green house", "the house is green", "a green door",
                                                       "the door is open", "the house"]])
    table = {("la",): [(("the",), 0)], ("casa",): [(("house",), 1), (("home",), 2)],
             ("verde",): [(("green",), 3)], ("casa", "verde"): [(("green", "house"), 4)],
             ("la", "casa"): [(("the", "home"), 5)]}
    features = np.array([[-0.1, 0], [-0.7, 0], [-0.2, 0], [-0.1, 0], [-1.0, 0], [-0.3, 0]])
    weights = np.array([1.0, 0.0])
    for src in (["la", "casa", "verde"], ["la", "casa"], ["la", "perro", "verde"]):
        for lm_weight, bonus in ((0.5, 0.0), (1.0, 0.5), (0.1, -0.5)):
            expected = _brute_force(src, table, features, lm, weights, lm_weight, bonus, -5.0)
            found = BeamDecoder(beam=100).decode(src, table, features, lm, weights, lm_weight, bonus, -5.0)
            assert found == expected, (src, lm_weight, bonus)
    # an unknown word is passed through
    assert "perro" in BeamDecoder().decode(["la", "perro"], table, features, lm, weights, 0.5, 0.0, -5.0)


def test_the_pipeline_beats_copying_the_source_by_a_wide_margin(bible_corpus):
    from sacrebleu.metrics import BLEU

    from pipelines.smt.system import PhraseBasedSMT
    from pipelines.smt.tokenizer import MosesTokenizer

    train, test = bible_corpus.train.take(np.arange(0, 27_000, 13)), bible_corpus.test.take(np.arange(200))
    assert len(train) > 2000
    tokenizer = MosesTokenizer("en")
    smt = PhraseBasedSMT(target_tokenizer=MosesTokenizer("es")).fit(tokenizer.transform(train.X), train.y)
    hyps = [str(h) for h in smt.predict(tokenizer.transform(test.X))]
    bleu = BLEU().corpus_score(hyps, [list(test.y)]).score
    copy = BLEU().corpus_score(list(test.X), [list(test.y)]).score
    assert bleu > copy + 12, (bleu, copy)
    assert not smt.seeded  # eflomal takes no seed


@pytest.mark.parametrize("make, message", [
    (lambda: BeamDecoder(beam=0).decode(["a"], {}, np.zeros((0, 5)), KneserNeyLM(2).fit([["a"]]), np.zeros(5),
                                        0.5, 0.0, -5.0), "BeamDecoder beam"),
    (lambda: PhraseTable(top_k=0).fit_table([["a"]], [["b"]], [{(0, 0)}]), "PhraseTable top_k"),
    (lambda: PhraseTable(max_length=0).fit_table([["a"]], [["b"]], [{(0, 0)}]), "PhraseTable max_length"),
])
def test_degenerate_component_settings_are_refused(make, message):
    from benchmarks.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        make()
