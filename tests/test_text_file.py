"""The local text-file loader: CSV, TSV and JSON lines, label mappings, and every error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.datasets.text_file import TextFile
from benchmarks.errors import ConfigError, DataUnavailable


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def jsonl(path, rows: list[dict]) -> str:
    return write(path, "".join(json.dumps(r) + "\n" for r in rows))


def test_csv_with_string_labels_and_a_test_file(tmp_path):
    train = write(tmp_path / "train.csv", 'text,label,id\nNA,sport,1\n"a, quoted text",art,2\nthird,sport,3\n')
    test = write(tmp_path / "test.csv", "text,label,id\nfourth,art,4\n")
    corpus = TextFile(path=train, test_path=test).load()
    assert corpus.classes == ("art", "sport")
    assert list(corpus.train.X) == ["NA", "a, quoted text", "third"], "no NA guessing: a text 'NA' stays"
    assert corpus.train.X.shape == (3,) and corpus.train.X.dtype == object and isinstance(corpus.train.X[0], str)
    assert corpus.train.y.tolist() == [1, 0, 1] and corpus.train.y.dtype == np.int64
    assert list(corpus.test.X) == ["fourth"] and corpus.test.y.tolist() == [0]
    assert corpus.val is None and corpus.info == {}


def test_tsv_with_integer_labels_numbers_the_distinct_ones(tmp_path):
    path = write(tmp_path / "d.tsv", "sentence\tclass\nfirst one\t2\nsecond\t0\nthird\t2\n")
    corpus = TextFile(path=path, text_column="sentence", label_column="class").load()
    # the distinct labels, numbered from 0: no empty class "1"
    assert corpus.classes == ("0", "2") and corpus.train.y.tolist() == [1, 0, 1]
    assert corpus.test is None


def test_jsonl_and_an_explicit_format(tmp_path):
    path = jsonl(tmp_path / "d.jsonl", [{"text": "a", "label": "7"}, {"text": "b", "label": "10"}])
    corpus = TextFile(path=path).load()
    assert corpus.classes == ("10", "7") and corpus.train.y.tolist() == [1, 0], "quoted labels stay strings"
    other = jsonl(tmp_path / "d.txt", [{"text": "a", "label": 1}, {"text": "b", "label": 0}])
    corpus = TextFile(path=other, format="jsonl").load()
    assert corpus.classes == ("0", "1") and corpus.train.y.tolist() == [1, 0]


def test_missing_files(tmp_path):
    train = write(tmp_path / "train.csv", "text,label\na,x\nb,y\n")
    with pytest.raises(DataUnavailable, match=r"nope\.csv: no such file \(dataset\.loader\.path\)"):
        TextFile(path=str(tmp_path / "nope.csv")).load()
    with pytest.raises(DataUnavailable, match=r"test\.csv: no such file \(dataset\.loader\.test_path\)"):
        TextFile(path=train, test_path=str(tmp_path / "test.csv")).load()


def test_unknown_format(tmp_path):
    path = write(tmp_path / "d.txt", "text,label\na,x\nb,y\n")
    with pytest.raises(ConfigError, match=r"d\.txt: cannot tell the format from the suffix '\.txt'; "
                                          r"set dataset\.loader\.format to one of csv, tsv, jsonl"):
        TextFile(path=path).load()
    with pytest.raises(ConfigError, match=r"dataset\.loader\.format='xml' must be a str among"):
        TextFile(path=path, format="xml").load()


def test_missing_column_lists_the_columns(tmp_path):
    path = write(tmp_path / "d.csv", "sentence,label\na,x\nb,y\n")
    with pytest.raises(DataUnavailable, match=r"d\.csv has no column 'text' \(dataset\.loader\.text_column\); "
                                              r"its columns: sentence, label"):
        TextFile(path=path).load()
    with pytest.raises(DataUnavailable, match=r"has no column 'topic' \(dataset\.loader\.label_column\)"):
        TextFile(path=path, text_column="sentence", label_column="topic").load()


@pytest.mark.parametrize("name, content", [("empty.csv", ""), ("header.csv", "text,label\n"), ("empty.jsonl", "")])
def test_empty_file(tmp_path, name, content):
    with pytest.raises(DataUnavailable, match=rf"{name.replace('.', '[.]')} is empty: no (csv|jsonl) rows"):
        TextFile(path=write(tmp_path / name, content)).load()


def test_malformed_file(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"text": "a", "label": 1}\n{"text": \n')
    with pytest.raises(DataUnavailable, match=r"d\.jsonl is not a valid jsonl file: "):
        TextFile(path=path).load()


@pytest.mark.parametrize("name, content, message", [
    ("d.csv", "text,label\na,x\n,y\n", r"d\.csv, row 2: empty text"),
    ("d.csv", "text,label\na,x\n   ,y\n", r"d\.csv, row 2: empty text"),
    ("d.csv", "text,label\na,1\nb,\nc,2\n", r"d\.csv, row 2: empty or missing label"),
    ("d.jsonl", '{"text": "a", "label": 1}\n{"label": 0}\n', r"d\.jsonl, row 2: missing text"),
    ("d.jsonl", '{"text": "a", "label": 1}\n{"text": 5, "label": 0}\n', r"row 2: the text 5 is int, not a string"),
    ("d.jsonl", '{"text": "a", "label": 1}\n{"text": "b"}\n', r"d\.jsonl, row 2: empty or missing label"),
    ("d.jsonl", '{"text": "a", "label": 1}\n{"text": "b", "label": "x"}\n',
     r"row 2: label 'x' is str but the labels before it are int; labels must be all strings or all integers"),
    ("d.jsonl", '{"text": "a", "label": 1}\n{"text": "b", "label": -1}\n', r"row 2: label -1 is negative"),
    ("d.jsonl", '{"text": "a", "label": 0.5}\n{"text": "b", "label": 1}\n',
     r"row 1: label 0\.5 is float; labels must be strings or integers"),
])
def test_bad_rows_are_named(tmp_path, name, content, message):
    with pytest.raises(DataUnavailable, match=message):
        TextFile(path=write(tmp_path / name, content)).load()


def test_fewer_than_two_classes(tmp_path):
    path = write(tmp_path / "d.csv", "text,label\na,x\nb,x\n")
    with pytest.raises(DataUnavailable,
                       match=r"d\.csv: the labels hold 1 class \('x'\); classification needs at least 2"):
        TextFile(path=path).load()


def test_test_labels_must_be_training_labels(tmp_path):
    train = write(tmp_path / "train.csv", "text,label\na,x\nb,y\n")
    test = write(tmp_path / "test.csv", "text,label\nc,y\nd,z\n")
    with pytest.raises(DataUnavailable,
                       match=r"test\.csv, row 2: label 'z' is not among the training labels \('x', 'y'\)"):
        TextFile(path=train, test_path=test).load()
    ints = write(tmp_path / "ints.csv", "text,label\na,0\nb,2\n")
    one = write(tmp_path / "one.csv", "text,label\nc,1\n")
    with pytest.raises(DataUnavailable, match=r"one\.csv, row 1: label 1 is not among the training labels \(0, 2\)"):
        TextFile(path=ints, test_path=one).load()


@pytest.mark.parametrize("kwargs, message", [
    ({}, r"dataset\.loader\.path is required"),
    ({"path": "a.csv", "label_column": None}, r"dataset\.loader\.label_column=None must be an instance of 'str'"),
])
def test_bad_parameters_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        TextFile(**kwargs).load()
