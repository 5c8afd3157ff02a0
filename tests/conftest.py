"""Shared helpers: run the ``e2ebench`` Hydra app in-process, read run records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

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
