"""Verse-aligned English–Spanish Bibles: the translation task's default dataset.

Sources (Debian, read with PyPI ``pysword``): ``sword-text-web``, module
``engWEB2015eb``, the World English Bible (public domain, eBible.org, 2020
stable text; NRSVA versification), and ``sword-text-sparv``, module
``spaRV1909eb``, the Reina-Valera 1909 (public domain; stored in KJV
versification). Only the 66 books both hold are read, verse by verse, by
(book, chapter, verse).

The build (:func:`build_pairs`, measured figures in ``reports/results/README.md``):

1. **Cleaning.** OSIS markup is removed: ``<note>`` bodies, non-canonical
   ``<title>`` s (canonical Psalm titles are kept: RV1909 has them inside verse 1),
   every other tag and the pilcrow; whitespace is collapsed and spaces before
   closing punctuation removed.
2. **Versification.** RV1909 stores Spanish numbering in KJV slots, so some
   chapters are one verse off (RV1909 Jonah 2:1 = WEB Jonah 1:17). A chapter is
   kept only when both have the same verses and the pairing at offset 0 fits
   better than at offset ±1 (mean ``|log(chars_en / chars_es) - 0.042|``); a
   dropped chapter takes the next one of its book with it, since the shift runs on.
3. **Outliers.** Pairs whose ``|log(chars_en / chars_es) - 0.042| > 0.5`` are
   dropped (the WEB glossary in Revelation 22:21, doxologies, RV1909's epistle
   subscriptions, textual variants such as 1 John 5:7).
4. **Splits, by chapter, fixed.** ``md5("<book>.<chapter>") mod 20``: 0 is test,
   1 validation, the rest training (about 27.8k / 1.4k / 1.2k verses).
5. **Leakage.** Parallel passages (Samuel/Kings and Chronicles, the synoptic
   gospels, Ps 14 = Ps 53) put near copies of test verses into training. A
   training verse is removed when it holds at least ``NEAR_DUPLICATE`` of the
   word 4-grams of a validation or test verse on either side (or equals a
   short one); the count is in the corpus info.

The result is cached once (``<data_dir>/translation/bible-<version>``) with a
manifest (:mod:`benchmarks.cache`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from benchmarks.cache import cached_build, read_manifest
from benchmarks.datasets.base import Corpus, DatasetLoader, Split, apt_command
from benchmarks.errors import DataUnavailable

__all__ = ["Bible", "SWORD_PACKAGES", "build_pairs", "clean_osis", "near_duplicates"]

SWORD_DIR = Path("/usr/share/sword")
#: module -> Debian package
SWORD_PACKAGES = {"engWEB2015eb": "sword-text-web", "spaRV1909eb": "sword-text-sparv"}
VERSION = "1"
#: the mean log character ratio en/es and the outlier bound around it (sd is 0.14)
LOG_RATIO, MAX_LOG_RATIO_DEVIATION = 0.042, 0.5
#: share of a held-out verse's 4-grams a training verse must hold to be a near duplicate
NEAR_DUPLICATE = 0.5

_NOTE = re.compile(r"<note\b[^>]*>.*?</note>", re.S)
_TITLE = re.compile(r"<title\b(?![^>]*canonical=\"true\")[^>]*>.*?</title>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)\]»”’])")


def clean_osis(text: str) -> str:
    """Plain verse text from OSIS markup (see the module docstring, step 1)."""
    text = _NOTE.sub(" ", text)
    text = _TITLE.sub(" ", text)
    text = _TAG.sub("", text).replace("¶", " ")
    text = " ".join(text.split())
    return _SPACE_BEFORE.sub(r"\1", text)


def _read_module(name: str) -> dict[tuple[str, int, int], str]:
    """``{(book, chapter, verse): raw OSIS text}`` of one SWORD module's non-empty verses.

    Raises:
        DataUnavailable: the module's Debian package is not installed.
    """
    from pysword.modules import SwordModules

    if not (SWORD_DIR / "mods.d").is_dir() or name.lower() + ".conf" not in \
            {p.name.lower() for p in (SWORD_DIR / "mods.d").glob("*.conf")}:
        raise DataUnavailable(f"the SWORD module {name} is not installed. Fix: {apt_command(*SWORD_PACKAGES.values())}")
    modules = SwordModules(str(SWORD_DIR))
    modules.parse_modules()
    bible = modules.get_bible_from_module(name)
    # pysword decompresses a whole book block per verse read; memoised, a module reads in ~2 s, not ~80 s
    bible._decompressed_text = functools.lru_cache(maxsize=None)(bible._decompressed_text)
    verses = {}
    for testament in bible.get_structure().get_books().values():
        for book in testament:
            for chapter, n_verses in enumerate(book.chapter_lengths, start=1):
                texts = bible.get(books=[book.name], chapters=[chapter], verses=list(range(1, n_verses + 1)),
                                  clean=False, join="\x00").split("\x00")
                for verse, text in enumerate(texts, start=1):
                    if text.strip():
                        verses[(book.osis_name, chapter, verse)] = text
    return verses


def _deviation(en: str, es: str) -> float:
    return abs(math.log(max(len(en), 1) / max(len(es), 1)) - LOG_RATIO)


def _aligned_chapters(en: dict, es: dict) -> tuple[list[tuple[str, int]], list[str]]:
    """The chapters whose verses pair at offset 0, and the ``"Book chapter"`` s dropped."""
    chapters: dict[tuple[str, int], list[int]] = defaultdict(list)
    for book, chapter, verse in set(en) | set(es):
        chapters[(book, chapter)].append(verse)
    order = sorted(chapters, key=lambda bc: (min(_BOOK_ORDER.get(bc[0], 999), 999), bc[1]))
    kept, dropped, carry = [], [], None
    for book, chapter in order:
        verses = sorted(chapters[(book, chapter)])
        en_v = [v for v in verses if (book, chapter, v) in en]
        es_v = [v for v in verses if (book, chapter, v) in es]
        shifted = en_v != es_v or _shift_fits_better(book, chapter, en_v, en, es)
        if shifted or carry == book:
            dropped.append(f"{book} {chapter}")
            # the chapter after a shifted one starts shifted (Jonah 1:17 = Jonah 2:1)
            carry = book if shifted else None
            continue
        carry = None
        kept.append((book, chapter))
    return kept, dropped


def _shift_fits_better(book: str, chapter: int, verses: list[int], en: dict, es: dict) -> bool:
    if len(verses) < 3:
        return False
    e = [en[(book, chapter, v)] for v in verses]
    s = [es[(book, chapter, v)] for v in verses]
    at = lambda k: float(np.mean([_deviation(a, b) for a, b in zip(e[max(k, 0):], s[max(-k, 0):])]))
    return min(at(1), at(-1)) < at(0)


def _ngrams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def near_duplicates(train: list[str], held_out: list[str], threshold: float = NEAR_DUPLICATE) -> set[int]:
    """Indices of ``train`` texts that nearly duplicate one of ``held_out``.

    A training text is a near duplicate when it holds at least ``threshold`` of
    the word 4-grams of one held-out text (lower-cased), or, for a held-out
    text of fewer than four words, when it equals it.
    """
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sizes, short = [], {}
    for j, text in enumerate(held_out):
        grams = _ngrams(text)
        sizes.append(len(grams))
        if not grams:
            short[" ".join(re.findall(r"\w+", text.lower()))] = j
        for gram in grams:
            index[gram].append(j)
    found = set()
    for i, text in enumerate(train):
        shared: dict[int, int] = defaultdict(int)
        for gram in _ngrams(text):
            for j in index.get(gram, ()):
                shared[j] += 1
        if any(count >= threshold * sizes[j] for j, count in shared.items()) or \
                " ".join(re.findall(r"\w+", text.lower())) in short:
            found.add(i)
    return found


def _split_of(book: str, chapter: int) -> str:
    bucket = int(hashlib.md5(f"{book}.{chapter}".encode()).hexdigest(), 16) % 20
    return "test" if bucket == 0 else "val" if bucket == 1 else "train"


def build_pairs(folder: Path) -> dict[str, Any]:
    """Build the corpus into ``folder/pairs.jsonl`` (one ``{book, chapter, verse, en, es, split}`` per line).

    Returns the build's facts (counts, words, dropped chapters, time), stored in the manifest.
    """
    start = time.perf_counter()
    raw_en, raw_es = _read_module("engWEB2015eb"), _read_module("spaRV1909eb")
    en = {k: clean_osis(v) for k, v in raw_en.items()}
    es = {k: clean_osis(v) for k, v in raw_es.items()}
    en = {k: v for k, v in en.items() if v}
    es = {k: v for k, v in es.items() if v}
    both = set(en) & set(es)
    kept, dropped = _aligned_chapters({k: en[k] for k in both}, {k: es[k] for k in both})
    kept_set = set(kept)
    pairs = [k for k in both if k[:2] in kept_set]
    n_aligned = len(pairs)
    pairs = [k for k in pairs if _deviation(en[k], es[k]) <= MAX_LOG_RATIO_DEVIATION]
    pairs.sort(key=lambda k: (_BOOK_ORDER.get(k[0], 999), k[1], k[2]))
    split = {k: _split_of(*k[:2]) for k in pairs}
    held = [k for k in pairs if split[k] != "train"]
    train = [k for k in pairs if split[k] == "train"]
    dup = near_duplicates([en[k] for k in train], [en[k] for k in held]) | \
        near_duplicates([es[k] for k in train], [es[k] for k in held])
    removed = {train[i] for i in dup}
    rows = [{"book": k[0], "chapter": k[1], "verse": k[2], "en": en[k], "es": es[k], "split": split[k]}
            for k in pairs if k not in removed]
    with open(folder / "pairs.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = {s: sum(r["split"] == s for r in rows) for s in ("train", "val", "test")}
    return {
        "pairs": len(rows), **{f"{s}_pairs": n for s, n in counts.items()},
        "words_en": sum(len(r["en"].split()) for r in rows), "words_es": sum(len(r["es"].split()) for r in rows),
        "verses_in_both": len(both), "chapters_dropped": dropped,
        "pairs_dropped_versification": len(both) - n_aligned,
        "pairs_dropped_length_ratio": n_aligned - len(pairs),
        "near_duplicates_removed": len(removed), "build_time_s": round(time.perf_counter() - start, 1),
    }


def _load_rows(folder: Path) -> list[dict[str, Any]]:
    with open(folder / "pairs.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def pairs_to_corpus(rows: Iterable[dict[str, Any]], info: dict[str, Any], source: str, target: str) -> Corpus:
    """A :class:`Corpus` of parallel text: ``X`` source strings, ``y`` target strings, ``groups`` chapters.

    ``rows`` are dicts with the two language keys and ``split`` (train, val, test);
    an optional ``book`` and ``chapter`` make the group (else the row's position).
    """
    by_split: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_split[row["split"]].append(row)

    def split(name: str) -> Split | None:
        part = by_split.get(name)
        if not part:
            return None
        X = np.array([r[source] for r in part], dtype=object)
        y = np.array([r[target] for r in part], dtype=object)
        groups = np.array([f"{r.get('book', '')}.{r.get('chapter', i)}" for i, r in enumerate(part)], dtype=object)
        return Split(X, y, groups)

    return Corpus(train=split("train"), val=split("val"), test=split("test"),
                  info={**info, "languages": [source, target]})


@dataclass(frozen=True)
class Bible:
    """English–Spanish verse pairs from the WEB and the Reina-Valera 1909 (see the module docstring).

    ``load()`` returns a :class:`Corpus` with its own train / val / test splits by
    chapter; ``X`` are English verses, ``y`` Spanish ((n,) object arrays of str);
    the translation task swaps them for ``es-en``. Info: the build's counts and
    ``languages: ["en", "es"]``.

    Args:
        data_dir: the dataset cache (``paths.data_dir``).

    Raises (from ``load``):
        DataUnavailable: ``sword-text-web`` or ``sword-text-sparv`` is not installed
            (the message gives the ``apt-get`` line).
    """

    data_dir: str

    def load(self) -> Corpus:
        folder = cached_build(self.data_dir, f"translation/bible-v{VERSION}", build_pairs, version=VERSION)
        info = (read_manifest(folder) or {}).get("info", {})
        info = {k: v for k, v in info.items() if k != "chapters_dropped"} | {
            "source": "World English Bible (sword-text-web) and Reina-Valera 1909 (sword-text-sparv)"}
        return pairs_to_corpus(_load_rows(folder), info, "en", "es")


#: canonical book order (OSIS names), so that "the chapter after" follows the Bible's order
_BOOK_ORDER = {name: i for i, name in enumerate(
    "Gen Exod Lev Num Deut Josh Judg Ruth 1Sam 2Sam 1Kgs 2Kgs 1Chr 2Chr Ezra Neh Esth Job Ps Prov Eccl Song Isa "
    "Jer Lam Ezek Dan Hos Joel Amos Obad Jonah Mic Nah Hab Zeph Hag Zech Mal Matt Mark Luke John Acts Rom 1Cor "
    "2Cor Gal Eph Phil Col 1Thess 2Thess 1Tim 2Tim Titus Phlm Heb Jas 1Pet 2Pet 1John 2John 3John Jude Rev".split())}
