"""Phrase-based statistical machine translation, one component per file (Koehn, Och & Marcu 2003).

tokeniser (:mod:`.tokenizer`) -> word alignment both ways, symmetrised
(:mod:`.alignment`) -> phrase extraction and scores (:mod:`.phrase_table`) ->
Kneser–Ney n-gram language model (:mod:`.language_model`) -> beam-search decoder
(:mod:`.decoder`) -> detokeniser; assembled and trained stage by stage by
:class:`.system.PhraseBasedSMT`.
"""
