"""The WordNet loader: the deduplicated glosses as the training split, no test split of its own."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.datasets.base import DatasetLoader
from benchmarks.datasets.wordnet import DEFAULT_PATH, WordNet, load_wordnet_glosses, parse_data_noun
from benchmarks.errors import DataUnavailable

HEADER = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
LINES = [
    "00001740 03 n 01 entity 0 000 | that which is perceived or known  \n",
    "00005787 05 n 01 benthos 0 001 @ 00004475 n 0000 | organisms that live at the bottom of a sea  \n",
    "00006200 18 n 01 person 0 000 | a human being  \n",
    "00006300 18 n 01 human 0 000 | a human being  \n",
]


def test_loader_returns_the_glosses_as_the_training_split(tmp_path):
    path = tmp_path / "data.noun"
    path.write_text(HEADER + "".join(LINES))
    corpus = WordNet(path=str(path)).load()
    glosses = load_wordnet_glosses(path)
    assert isinstance(WordNet(), DatasetLoader) and WordNet().path == str(DEFAULT_PATH)
    assert corpus.test is None and corpus.val is None and corpus.train.groups is None
    assert list(corpus.train.X) == ["organisms that live at the bottom of a sea", "a human being"]
    assert corpus.train.X.dtype == object and corpus.train.y.dtype == np.int64
    assert np.array_equal(corpus.train.X, glosses.texts) and np.array_equal(corpus.train.y, glosses.y)
    assert corpus.classes == glosses.classes and len(corpus.classes) == 24
    assert [corpus.classes[i] for i in corpus.train.y] == ["noun.animal", "noun.person"]
    assert corpus.info == {"stats": {"synsets": 4, "dropped_class": 1, "duplicates": 1, "conflicting": 0,
                                     "glosses": 2}}


def test_loader_on_the_installed_wordnet_gives_todays_arrays():
    corpus = WordNet().load()
    glosses = load_wordnet_glosses()
    assert len(corpus.train) == 81411 and corpus.info["stats"]["glosses"] == 81411
    assert np.array_equal(corpus.train.X, glosses.texts) and np.array_equal(corpus.train.y, glosses.y)


def test_missing_file_is_data_unavailable_with_the_apt_line(tmp_path):
    with pytest.raises(DataUnavailable, match=r"missing .*nope.*apt-get install wordnet-base"):
        WordNet(path=str(tmp_path / "nope")).load()


HEADER_2 = "  1 This software and database is being provided to you, the LICENSEE, by  \n  2   \n"
GOOD = [
    "00001740 03 n 01 entity 0 000 | that which is perceived or known  \n",
    "00003993 03 n 01 congener 0 001 @ 00003553 n 0000 | a whole of the same kind  \n",
    "00005787 05 n 01 benthos 0 001 @ 00004475 n 0000 | organisms that live at the bottom of a sea  \n",
    "00005930 06 n 01 dwarf 0 001 @ 00004475 n 0000 | a plant or animal that is atypically small  \n",
    "00006024 06 n 01 heterotroph 0 000 | a plant or animal that is atypically small  \n",
    "00006100 18 n 01 copy 0 000 | a plant or animal that is atypically small  \n",
    "00006200 18 n 01 person 0 000 | a human being  \n",
]


@pytest.fixture(scope="module")
def glosses():
    return load_wordnet_glosses()


def test_wordnet_glosses_are_deduplicated_in_24_classes(glosses):
    assert glosses.stats["synsets"] == 82115
    assert glosses.stats["dropped_class"] == 51 + 42  # noun.Tops and noun.motive
    assert glosses.stats["glosses"] == len(glosses.texts) == len(glosses.y) == 81411
    assert len(glosses.classes) == 24 and glosses.classes[0] == "noun.act" and glosses.classes[-1] == "noun.time"
    assert "noun.Tops" not in glosses.classes and "noun.motive" not in glosses.classes
    assert glosses.texts.dtype == object and glosses.y.dtype == np.int64
    assert len(set(glosses.texts)) == len(glosses.texts), "no gloss twice"
    assert all(isinstance(t, str) and t and t == t.strip() for t in glosses.texts[:1000])
    assert np.bincount(glosses.y).min() > 300  # noun.shape, the smallest class, has 341 synsets
    # the first noun.act synset (lex file 04) in file order, data.noun line 81: "thing"
    assert glosses.texts[np.flatnonzero(glosses.y == 0)[0]] == 'an action; "how could you do such a thing?"'


def test_malformed_gloss_line_is_named(tmp_path):
    bad = "00006300 18 n 01 nobody 0 000 a gloss without its separator\n"
    path = tmp_path / "data.noun"
    path.write_text(HEADER_2 + "".join(GOOD[:3]) + bad + GOOD[3])
    with pytest.raises(DataUnavailable, match=r"data\.noun, line 6: malformed synset line \(no gloss"):
        parse_data_noun(path)
    path.write_text(HEADER_2 + GOOD[0] + "0000174 3 n 01 entity 0 000 | short offset\n")
    with pytest.raises(DataUnavailable, match=r"line 4: .*synset offset '0000174' is not 8 digits"):
        parse_data_noun(path)
    path.write_text(HEADER_2 + "00001740 42 n 01 entity 0 000 | x\n")
    with pytest.raises(DataUnavailable, match=r"line 3: .*lex file number '42'"):
        parse_data_noun(path)


def test_small_gloss_file_drops_classes_and_duplicates(tmp_path):
    path = tmp_path / "data.noun"
    path.write_text(HEADER_2 + "".join(GOOD))
    g = load_wordnet_glosses(path)
    # Tops dropped; the gloss shared by 06 and 18 is ambiguous and goes entirely
    assert list(g.texts) == ["organisms that live at the bottom of a sea", "a human being"]
    assert [g.classes[i] for i in g.y] == ["noun.animal", "noun.person"]
    assert g.stats == {"synsets": 7, "dropped_class": 2, "duplicates": 2, "conflicting": 1, "glosses": 2}


def test_missing_wordnet_gives_the_apt_line(tmp_path):
    with pytest.raises(DataUnavailable, match="apt-get install wordnet-base"):
        WordNet(path=str(tmp_path / "nope" / "data.noun")).load()
    assert DEFAULT_PATH.is_file()
