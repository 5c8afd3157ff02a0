"""The text task: classify a short English text (WordNet supersenses by default; ``dataset=`` picks another)."""

from __future__ import annotations

from benchmarks.corruptions.text import CORRUPTIONS, corrupt_texts
from benchmarks.tasks.base import ClassificationTask


class TextTask(ClassificationTask):
    """Text classification from raw strings; the protocol is :class:`ClassificationTask`'s.

    Default dataset (``conf/dataset/wordnet.yaml``): WordNet 3.0 noun glosses
    labelled by their lexicographer file (supersense), from the Debian package
    ``wordnet-base`` (:mod:`benchmarks.datasets.wordnet`): 81,411 distinct glosses
    in 24 classes; the majority class, ``noun.artifact``, is 14%. WordNet has no
    official split, so a stratified ``test_size`` (10,000) is carved first, then a
    stratified ``val_size`` (5,000), leaving a pool of 66,411; the test split does
    not move when ``val_size`` changes. Duplicate glosses are removed before
    splitting, so no test gloss appears verbatim in the pool; glosses of sibling
    synsets can still share phrasing ("a genus of ..."). Other datasets: any
    Hugging Face text-classification dataset (``dataset=ag_news``, or
    ``dataset=hf_text dataset.loader.path=...``; its own test split is used) and a
    local CSV, TSV or JSONL file (``dataset=text_file``).

    Inputs ``X``: ``(n,)`` object arrays of ``str``; targets ``y``: ``(n,)`` int64
    class indices. Each side turns strings into numbers itself: the pipeline with
    TF-IDF, the e2e model with its own byte encoding. Metrics: ``accuracy``
    (primary) and ``macro_f1``; under the character and word noise of
    :mod:`benchmarks.corruptions.text` (keyboard typos, swaps, drops, inserts, OCR
    confusions, word dropout), ``accuracy@corruption=...,severity=...``.
    """

    name = "text"
    primary_metric = "accuracy"
    CORRUPTIONS = tuple(CORRUPTIONS)
    corrupt_inputs = staticmethod(corrupt_texts)
