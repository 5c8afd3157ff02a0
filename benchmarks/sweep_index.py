"""An index of a sweep's finished and running configurations, so that a claim costs O(1) in the sweep's size.

Before a job runs it asks, under the sweep's claim lock, whether its configuration is
running elsewhere or already has an ``ok`` record. Reading every ``result.json`` of the
sweep for that makes claims linear in the sweep's size and serialised behind the lock
(a 10,000-job array spends about an hour in claims on a local disk). The index answers
with one file read per question:

- ``<sweep>/.index/ok/<config hash>``: the record's path, relative to the sweep;
- ``<sweep>/.index/running/<config hash>``: a copy of the job's ``running.json`` marker.

The records and markers are the truth, the index only a cache: the first claim of each
launch rebuilds it from the records (``.index/built-<launch id>`` marks that it did),
an entry that no longer matches its record is dropped with a warning and the
records are scanned again, and every write is atomic. Records copied into a sweep
folder while a launch runs are seen by the next launch.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INDEX_DIR = ".index"


def _folder(root: Path, kind: str) -> Path:
    return root / INDEX_DIR / kind


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_built(root: Path, launch: str | None) -> None:
    """Rebuild the index from the records once per launch (always for a single run, whose folder is small).

    Call under the sweep's claim lock.
    """
    marker = root / INDEX_DIR / f"built-{launch}"
    if launch is not None and marker.exists():
        return
    rebuild(root)
    if launch is not None:
        _write(marker, "")


def rebuild(root: Path) -> int:
    """Index every valid ``ok`` record and live ``running.json`` below ``root`` afresh; return the ok count."""
    from benchmarks.record import RUNNING_NAME, counts_as_done, iter_records, read_record

    shutil.rmtree(root / INDEX_DIR / "ok", ignore_errors=True)
    shutil.rmtree(root / INDEX_DIR / "running", ignore_errors=True)
    n = 0
    for path, record in iter_records(root):
        if not counts_as_done(path, record):
            continue
        _write(_folder(root, "ok") / str(record["config_hash"]), path.relative_to(root).as_posix())
        n += 1
    for path in root.rglob(RUNNING_NAME):
        if INDEX_DIR in path.relative_to(root).parts:
            continue
        marker = read_record(path)
        if marker is not None and marker.get("config_hash"):
            add_running(root, marker["config_hash"], marker | {"path": path.relative_to(root).as_posix()})
    return n


def ok_path(root: Path, cfg_hash: str) -> Path | None:
    """The indexed ``ok`` record of ``cfg_hash``, checked against the record itself; ``None`` if none.

    A stale or corrupt entry (its record gone, changed or unreadable) is dropped with a
    warning and the index rebuilt from the records, so the answer is the records'.
    """
    from benchmarks.migrations import upgrade
    from benchmarks.record import config_hash, counts_as_done, read_record

    entry = _folder(root, "ok") / cfg_hash
    try:
        relative = entry.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        relative = ""
    path = root / relative if relative else None
    record = read_record(path) if path is not None and path.is_file() else None
    try:
        record = None if record is None else upgrade(record)
    except (KeyError, TypeError, ValueError, AttributeError):  # a hand-edited old record
        record = None
    if record is not None and (record.get("config_hash") == cfg_hash or (
            isinstance(record.get("config"), dict) and config_hash(record["config"]) == cfg_hash)) \
            and counts_as_done(path, record):
        return path
    log.warning("the sweep index entry %s is stale (its record %s is gone, changed or unreadable): rebuilding "
                "the index from the records", entry, relative or "?")
    rebuild(root)
    entry = _folder(root, "ok") / cfg_hash
    return root / entry.read_text(encoding="utf-8").strip() if entry.exists() else None


def add_ok(root: Path, cfg_hash: str, record_path: Path) -> None:
    """Index a just-written ``ok`` record."""
    _write(_folder(root, "ok") / cfg_hash, record_path.relative_to(root).as_posix())


def add_running(root: Path, cfg_hash: str, marker: dict[str, Any]) -> None:
    """Index a job's ``running.json`` marker (with ``path``, relative to the sweep)."""
    _write(_folder(root, "running") / cfg_hash, json.dumps(marker, default=str))


def remove_running(root: Path, cfg_hash: str) -> None:
    (_folder(root, "running") / cfg_hash).unlink(missing_ok=True)


def running_marker(root: Path, cfg_hash: str) -> dict[str, Any] | None:
    """The indexed marker of ``cfg_hash``'s running job, if its ``running.json`` is still there; else ``None``."""
    entry = _folder(root, "running") / cfg_hash
    try:
        marker = json.loads(entry.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        entry.unlink(missing_ok=True)  # corrupt: the job's own marker decides next time
        return None
    if not isinstance(marker, dict) or not (root / str(marker.get("path", ""))).is_file():
        entry.unlink(missing_ok=True)  # the job finished or its folder is gone
        return None
    return marker
