"""Launches: one ``e2ebench -m`` command, its id, and the ledger of what it did with each job.

Several launches may write into one sweep folder at once (two terminals with
different sizes, a re-launch while orphaned workers of a killed one finish), and
a later launch may overwrite an earlier one's record of the same job. So the end
of sweep summary does not infer "my jobs" from the records: every job appends
one line to its launch's ledger, ``<sweep>/.launches/<launch id>.jsonl``, saying
what became of it (``ok``, ``failed``, ``skipped`` because an ok record exists,
``blocked`` because another process is running it). The summary reads its own
ledger and deletes it.

The launch id lives in the environment (``E2EBENCH_LAUNCH``), where launcher
workers and cluster jobs inherit it; e2ebench's joblib launcher also sets it in
each job, since loky reuses workers across launches in one process.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

LAUNCH_ENV = "E2EBENCH_LAUNCH"
LEDGER_DIR = ".launches"
#: What became of a job, as its ledger line says.
OUTCOMES = ("ok", "failed", "skipped", "blocked")


def new_launch() -> str:
    """Give this process (and the launcher workers it starts) a fresh launch id; return it."""
    os.environ[LAUNCH_ENV] = uuid.uuid4().hex
    return os.environ[LAUNCH_ENV]


def launch_id() -> str | None:
    """The id of the launch this process works for (``None`` in a single run)."""
    return os.environ.get(LAUNCH_ENV)


def record_outcome(sweep_root: str | Path, outcome: str, overrides: list[str], **details: Any) -> None:
    """Append what became of one job to the current launch's ledger (nothing outside a launch).

    One ``write`` of one line in append mode, so lines of jobs running at once do
    not interleave; each starts with a newline, so a line torn by a crash does not
    swallow the next. A ledger that can't be written (disk full) is skipped: the
    summary falls back to the launch's records and ``running.json`` markers.

    Raises:
        ValueError: ``outcome`` is not one of ``OUTCOMES``.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown job outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
    launch = launch_id()
    if launch is None:
        return
    line = "\n" + json.dumps({"outcome": outcome, "overrides": list(overrides), **details}, default=str)
    try:
        path = Path(sweep_root) / LEDGER_DIR / f"{launch}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except OSError:
        pass


def read_ledger(sweep_root: str | Path, launch: str | None) -> list[dict[str, Any]]:
    """The ledger lines of ``launch`` under ``sweep_root`` (unreadable lines are left out)."""
    if launch is None:
        return []
    try:
        text = (Path(sweep_root) / LEDGER_DIR / f"{launch}.jsonl").read_text(encoding="utf-8")
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # blank, or torn by a crash
        if (isinstance(entry, dict) and entry.get("outcome") in OUTCOMES and isinstance(entry.get("overrides"), list)
                and all(isinstance(o, str) for o in entry["overrides"])):
            entries.append(entry)
    return entries


def discard_ledger(sweep_root: str | Path, launch: str | None) -> None:
    """Delete ``launch``'s ledger once summarised, and the ledger folder when it is empty."""
    folder = Path(sweep_root) / LEDGER_DIR
    try:
        (folder / f"{launch}.jsonl").unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        pass  # other launches' ledgers, already gone, or not a ledger: nothing to tidy

