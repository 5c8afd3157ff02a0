"""The verse-aligned Bible corpus (benchmarks/datasets/bible.py), read from the Debian SWORD modules."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from benchmarks.datasets import bible
from benchmarks.datasets.bible import Bible, build_pairs, clean_osis, near_duplicates
from benchmarks.errors import DataUnavailable


def test_osis_markup_is_removed_without_running_words_together():
    raw = ('<w lemma="strong:H0430">God</w><note placement="foot"><reference>1:1 </reference>The Hebrew word'
           '</note><w lemma="x">created</w> the earth<note>n</note>. ¶<title type="x">Heading</title>Then')
    assert clean_osis(raw) == "God created the earth. Then"
    assert clean_osis('<title canonical="true" type="psalm">A Psalm by David.</title> Yahweh') == \
        "A Psalm by David. Yahweh"


def test_near_duplicates_are_found_by_shared_4grams():
    held = ["and the king of israel went up to the city", "amen"]
    train = ["then the king of israel went up to the city of david",  # holds all 4-grams of held[0]
             "the king went down", "Amen.", "and the king of judah came"]
    assert near_duplicates(train, held) == {0, 2}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return Bible(str(tmp_path_factory.mktemp("data"))).load()


def test_the_corpus_is_about_30k_pairs_split_by_chapter(corpus):
    assert 27_000 < len(corpus.train) < 28_000 and 1_300 < len(corpus.val) < 1_500 and 1_100 < len(corpus.test) < 1_300
    chapters = [set(split.groups) for split in (corpus.train, corpus.val, corpus.test)]
    assert not (chapters[0] & chapters[1] or chapters[0] & chapters[2] or chapters[1] & chapters[2])
    assert corpus.info["languages"] == ["en", "es"] and corpus.info["near_duplicates_removed"] > 0
    assert corpus.train.X[0] == "In the beginning, God created the heavens and the earth."
    assert corpus.train.y[0].startswith("EN el principio crió Dios")
    # the glossary WEB keeps in Revelation 22:21 is a length-ratio outlier
    assert max(len(x) for x in corpus.train.X) < 2_000


def test_no_held_out_verse_keeps_a_near_duplicate_in_training(corpus):
    for side in ("X", "y"):
        train = list(getattr(corpus.train, side))
        held = list(getattr(corpus.val, side)) + list(getattr(corpus.test, side))
        assert near_duplicates(train, held) == set()


def test_reading_the_modules_twice_gives_the_same_pairs(tmp_path):
    digests = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        build_pairs(folder)
        digests.append(hashlib.sha256((folder / "pairs.jsonl").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_shifted_chapters_are_dropped(corpus):
    # RV1909 Jonah 2:1 is WEB Jonah 1:17: Jonah 2 is one verse off and must not be paired
    books = Counter(g.rsplit(".", 1)[0] for g in set(corpus.train.groups) | set(corpus.test.groups)
                    | set(corpus.val.groups))
    assert "Jonah.2" not in set(corpus.train.groups) | set(corpus.val.groups) | set(corpus.test.groups)
    assert books["Gen"] == 50 and len(books) == 66


def test_a_missing_sword_module_gives_the_apt_line(tmp_path, monkeypatch):
    monkeypatch.setattr(bible, "SWORD_DIR", tmp_path)
    with pytest.raises(DataUnavailable, match="apt-get install sword-text-web sword-text-sparv"):
        Bible(str(tmp_path / "cache")).load()
