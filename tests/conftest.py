"""Shared helpers (run the `e2ebench` app in-process, read run records) and data built once a session."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks.datasets.carracing import CarRacing
from benchmarks.datasets.spoken_digits import SpokenDigits
from benchmarks.tasks.driving import DrivingTask
from benchmarks.tasks.speech import SpeechTask

# Small and fast: a 1,000-image validation split and one short trial per side.
FAST = [
    "task.val_size=1000",
    "tuning.budget=1",
    "trainer.max_epochs=2",
    "logger=csv",
]


def run_app(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run ``e2ebench ARGS`` in this process (imports stay warm); return the exit code."""
    from benchmarks.app import main

    monkeypatch.setattr(sys, "argv", ["e2ebench", *args])  # as the console script sees them
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def records(root: Path) -> list[dict]:
    """All run records below ``root``."""
    return [json.loads(p.read_text()) for p in sorted(Path(root).rglob("result.json"))]


@pytest.fixture
def app(monkeypatch):
    return lambda *args: run_app(list(args), monkeypatch)


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Block every connection and DNS lookup (OSError); return the list of attempts.

    OpenML's retry pauses are skipped, so an offline failure is immediate.
    """
    import socket
    import types

    import sklearn.datasets._openml as sk_openml

    attempts: list = []

    def blocked(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access blocked by the test")

    for target, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                         (socket, "getaddrinfo"), (socket, "create_connection")):
        monkeypatch.setattr(target, name, blocked)
    monkeypatch.setattr(sk_openml, "time", types.SimpleNamespace(sleep=lambda s: None))
    return attempts


# --------------------------------------------------------------------------- shared data, built once a session

#: a tiny spoken-digit corpus: utterances per split
TINY = {"train": 240, "val": 40, "test": 40, "heldout": 18}
#: two short training tracks (600 frames), one validation and one test track: about 10 s of recording
SMALL = dict(n_train_tracks=2, n_val_tracks=1, n_test_tracks=1, episode_steps=350)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture(scope="session")
def tiny_loader(corpus_dir):
    return SpokenDigits(data_dir=str(corpus_dir), seed=0, **TINY)


@pytest.fixture(scope="session")
def tiny(tiny_loader):
    return tiny_loader.load()


@pytest.fixture(scope="session")
def tiny_task(tiny_loader):
    return SpeechTask(dataset=tiny_loader, noisy_size=12, snrs=[10, 0])


@pytest.fixture(scope="session")
def tiny_data(tiny_task, tiny):
    return tiny_task.load()


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("driving-data")
    task = DrivingTask(CarRacing(data_dir=str(data_dir), **SMALL), test_max_steps=350)
    return task, task.load()


@pytest.fixture(scope="session")
def bible_corpus(tmp_path_factory):
    """The verse-aligned English-Spanish corpus (about 3 s to build from the Debian SWORD modules)."""
    from benchmarks.datasets.bible import Bible

    return Bible(str(tmp_path_factory.mktemp("bible"))).load()
