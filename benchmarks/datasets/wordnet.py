"""WordNet 3.0 noun glosses labelled by their supersense: the text task's default dataset.

Source: George A. Miller, "WordNet: A Lexical Database for English",
Communications of the ACM 38(11), 1995; Christiane Fellbaum (ed.), "WordNet: An
Electronic Lexical Database", MIT Press, 1998. WordNet 3.0, Princeton
University, 2006, under the WordNet 3.0 licence (permissive, BSD-like: use,
copy, modify and distribute with the copyright notice). The Debian package
``wordnet-base`` installs it under ``/usr/share/wordnet/``.

Format (``wndb(5WN)``): ``data.noun`` starts with a licence header whose lines
begin with two spaces. Every other line is one synset::

    synset_offset lex_filenum ss_type w_cnt word lex_id ... p_cnt ptr ... | gloss

``lex_filenum`` (field 2, two decimal digits) names the lexicographer file the
synset was written in; for nouns these are the 26 supersenses ``noun.Tops``
(03) .. ``noun.time`` (28) of ``lexnames(5WN)``. The gloss is everything after
the first ``" | "``: a definition, often followed by quoted example sentences.

The dataset built here: the 82,115 noun synsets minus ``noun.Tops`` (51
synsets: the hierarchy's top concepts, not a topic) and ``noun.motive`` (42,
too few to learn), i.e. 82,022 glosses in 24 classes; then exact duplicate
glosses are removed (see :func:`load_wordnet_glosses`), leaving 81,411.
WordNet has no official split: :class:`WordNet` returns every gloss as the
training split and the text task holds out its own test split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.datasets.base import Corpus, DatasetLoader, Split, apt_command
from benchmarks.errors import DataUnavailable

__all__ = [
    "DEBIAN_PACKAGE",
    "DEFAULT_PATH",
    "DROPPED_LEX_FILES",
    "LEX_FILES",
    "WordNet",
    "WordNetGlosses",
    "load_wordnet_glosses",
    "parse_data_noun",
]

DEBIAN_PACKAGE = "wordnet-base"
DEFAULT_PATH = Path("/usr/share/wordnet/data.noun")

#: Noun lexicographer files, number -> name, from ``lexnames(5WN)`` (WordNet 3.0).
LEX_FILES: dict[int, str] = {
    3: "noun.Tops", 4: "noun.act", 5: "noun.animal", 6: "noun.artifact",
    7: "noun.attribute", 8: "noun.body", 9: "noun.cognition", 10: "noun.communication",
    11: "noun.event", 12: "noun.feeling", 13: "noun.food", 14: "noun.group",
    15: "noun.location", 16: "noun.motive", 17: "noun.object", 18: "noun.person",
    19: "noun.phenomenon", 20: "noun.plant", 21: "noun.possession", 22: "noun.process",
    23: "noun.quantity", 24: "noun.relation", 25: "noun.shape", 26: "noun.state",
    27: "noun.substance", 28: "noun.time",
}  # fmt: skip
#: Left out of the classes: ``noun.Tops`` (03) and ``noun.motive`` (16).
DROPPED_LEX_FILES: tuple[int, ...] = (3, 16)


@dataclass(frozen=True, eq=False)
class WordNetGlosses:
    """Deduplicated noun glosses and their supersense labels.

    Attributes:
        texts: ``(n,)`` object array of ``str`` glosses, in ``data.noun`` order.
        y: ``(n,)`` int64 labels in ``0..23``; ``classes[y]`` is the supersense.
        classes: the 24 kept lexicographer file names, in lex-file order
            (``"noun.act"`` .. ``"noun.time"``).
        stats: counts along the way: ``synsets`` (synset lines read),
            ``dropped_class`` (synsets in a dropped lex file), ``duplicates``
            (extra copies of a gloss removed), ``conflicting`` (distinct glosses
            dropped because their copies carry different labels), ``glosses`` (n).
    """

    texts: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    stats: dict[str, int]


def _apt_command() -> str:
    return apt_command(DEBIAN_PACKAGE)


def parse_data_noun(path: str | os.PathLike = DEFAULT_PATH) -> list[tuple[int, str]]:
    """Read ``(lex_filenum, gloss)`` for every synset line of a WordNet ``data.noun``.

    Header lines (starting with two spaces) are skipped. A synset line must have
    an 8-digit offset, a two-digit noun lex file number (03..28), the synset type
    ``n`` and a non-empty gloss after ``" | "``.

    Returns:
        One ``(lex_filenum, gloss)`` per synset, in file order; the gloss is
        stripped of surrounding white space.

    Raises:
        DataUnavailable: the file is missing (the message gives the apt-get
            command), is not UTF-8, or has a malformed synset line (the message
            names the file, the 1-based line number and the line's start).
    """
    path = Path(path)
    if not path.is_file():
        raise DataUnavailable(
            f"WordNet is not installed: missing {path}. Fix: {_apt_command()}"
            + ("" if path == DEFAULT_PATH else f" (it installs {DEFAULT_PATH})")
        )
    entries: list[tuple[int, str]] = []
    try:
        with path.open(encoding="utf-8", newline="\n") as f:
            for number, line in enumerate(f, start=1):
                if line.startswith("  ") or not line.strip():
                    continue
                entries.append(_parse_synset_line(line, path, number))
    except UnicodeDecodeError as exc:
        raise DataUnavailable(f"{path} is not UTF-8 text ({exc}); reinstall: {_apt_command()}") from exc
    if not entries:
        raise DataUnavailable(f"{path} holds no synset lines; reinstall: {_apt_command()}")
    return entries


def _parse_synset_line(line: str, path: Path, number: int) -> tuple[int, str]:
    head, sep, gloss = line.partition(" | ")
    fields = head.split(" ")
    gloss = gloss.strip()

    def malformed(why: str) -> DataUnavailable:
        shown = line.rstrip("\n")
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return DataUnavailable(f"{path}, line {number}: malformed synset line ({why}): {shown!r}")

    if len(fields) < 4:
        raise malformed("fewer than 4 fields before the gloss")
    offset, lex, ss_type = fields[0], fields[1], fields[2]
    if not (len(offset) == 8 and offset.isdigit()):
        raise malformed(f"synset offset {offset!r} is not 8 digits")
    if not (len(lex) == 2 and lex.isdigit() and int(lex) in LEX_FILES):
        raise malformed(f"lex file number {lex!r} is not a noun lex file 03..28")
    if ss_type != "n":
        raise malformed(f"synset type {ss_type!r} is not 'n'")
    if not sep or not gloss:
        raise malformed("no gloss after ' | '")
    return int(lex), gloss


def load_wordnet_glosses(path: str | os.PathLike = DEFAULT_PATH) -> WordNetGlosses:
    """Noun glosses of WordNet 3.0 labelled by supersense, deduplicated.

    Synsets of ``noun.Tops`` and ``noun.motive`` are dropped, leaving 24
    classes. Then exact duplicate glosses are removed, so that no gloss can sit
    in both the training pool and a held-out split: the first copy (in file
    order) is kept, and a gloss whose copies carry different supersenses (6 in
    WordNet 3.0, e.g. two senses defined alike) is dropped altogether, since no
    classifier could get both right.

    Args:
        path: a WordNet ``data.noun`` file (default: the Debian package's).

    Returns:
        :class:`WordNetGlosses`; for WordNet 3.0, 81,411 glosses in 24 classes,
        the largest being ``noun.artifact`` (about 14%).

    Raises:
        DataUnavailable: see :func:`parse_data_noun`.
    """
    entries = parse_data_noun(path)
    kept_files = [lex for lex in LEX_FILES if lex not in DROPPED_LEX_FILES]
    label_of = {lex: i for i, lex in enumerate(kept_files)}
    kept = [(label_of[lex], gloss) for lex, gloss in entries if lex in label_of]

    labels_of_gloss: dict[str, set[int]] = {}
    for label, gloss in kept:
        labels_of_gloss.setdefault(gloss, set()).add(label)
    seen: set[str] = set()
    texts, y = [], []
    for label, gloss in kept:
        if gloss in seen or len(labels_of_gloss[gloss]) > 1:
            continue
        seen.add(gloss)
        texts.append(gloss)
        y.append(label)
    conflicting = sum(len(labels) > 1 for labels in labels_of_gloss.values())
    stats = {
        "synsets": len(entries),
        "dropped_class": len(entries) - len(kept),
        "duplicates": len(kept) - len(labels_of_gloss),
        "conflicting": conflicting,
        "glosses": len(texts),
    }
    return WordNetGlosses(
        texts=np.array(texts, dtype=object),
        y=np.array(y, dtype=np.int64),
        classes=tuple(LEX_FILES[lex] for lex in kept_files),
        stats=stats,
    )


@dataclass(frozen=True)
class WordNet(DatasetLoader):
    """The WordNet 3.0 noun-gloss supersense dataset (``dataset=wordnet``).

    Args:
        path: a WordNet ``data.noun`` file (default: the Debian package ``wordnet-base``'s).
    """

    path: str = str(DEFAULT_PATH)

    def load(self) -> Corpus:
        """Every deduplicated gloss as the training split; WordNet has no test split.

        Returns:
            :class:`~benchmarks.datasets.base.Corpus` with ``train.X`` an ``(n,)``
            object array of ``str`` glosses, ``train.y`` ``(n,)`` int64 labels in
            ``0..23``, ``test=None``, the 24 supersense ``classes`` and
            ``info={"stats": ...}`` (the counts of :class:`WordNetGlosses`); for
            WordNet 3.0, n = 81,411.

        Raises:
            DataUnavailable: see :func:`parse_data_noun`.
        """
        glosses = load_wordnet_glosses(self.path)
        return Corpus(train=Split(glosses.texts, glosses.y), test=None, classes=glosses.classes,
                      info={"stats": glosses.stats})
