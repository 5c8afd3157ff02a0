"""Build-once entries in the dataset cache (``paths.data_dir``), safe under parallel workers.

A cache entry is a folder ``<data_dir>/<name>/`` written by a *builder* function and
sealed with ``MANIFEST.json``: the builder's version, its parameters, and the SHA-256
and size of every file. :func:`cached_build` returns the folder of a valid entry,
building it first when it is missing, corrupt (a file is missing, truncated or has
another checksum) or stale (built by another builder version or with other
parameters). A corrupt or stale entry is rebuilt with a :class:`CacheWarning`; it is
never used silently.

Concurrency: the build runs under a file lock (``filelock``) on ``<name>.lock``, so when
several workers of a sweep start together, one builds and the others wait, then read
the sealed entry. The entry is built in a temporary folder and renamed into place, so
a worker killed mid-build leaves no half-written entry behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock

__all__ = ["MANIFEST_NAME", "CacheWarning", "cached_build", "read_manifest"]

MANIFEST_NAME = "MANIFEST.json"
_CHUNK = 1 << 20
#: entries verified in this process: (folder, manifest mtime) -> manifest
_verified: dict[tuple[str, float], dict[str, Any]] = {}


class CacheWarning(UserWarning):
    """A cache entry was corrupt or stale and is being rebuilt."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: str | os.PathLike) -> dict[str, Any] | None:
    """The manifest of a cache entry, or ``None`` when it is missing or unreadable."""
    try:
        return json.loads((Path(folder) / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        return None


def _problem(folder: Path, version: str, params: Mapping[str, Any]) -> str | None:
    """Why the entry at ``folder`` can't be used, or ``None`` when it is valid."""
    manifest = read_manifest(folder)
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(m, dict) and {"size", "sha256"} <= m.keys()
                                              for m in files.values()):
        return "its manifest is missing or unreadable"
    if manifest.get("version") != version:
        return f"it was built by version {manifest.get('version')!r}, not {version!r}"
    if manifest.get("params") != json.loads(json.dumps(dict(params))):
        return "it was built with other parameters"
    key = (str(folder), (folder / MANIFEST_NAME).stat().st_mtime)
    if key in _verified:
        return None
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    if on_disk - files.keys():
        return f"{sorted(on_disk - files.keys())[0]} is not in its manifest"
    for rel, meta in files.items():
        path = folder / rel
        if not path.is_file():
            return f"{rel} is missing"
        if path.stat().st_size != meta["size"]:
            return f"{rel} has {path.stat().st_size} bytes, not {meta['size']} (truncated?)"
        if _sha256(path) != meta["sha256"]:
            return f"{rel} fails its SHA-256 checksum"
    _verified[key] = manifest
    return None


def _seal(folder: Path, version: str, params: Mapping[str, Any], info: Mapping[str, Any]) -> None:
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        files[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    manifest = {
        "version": version,
        "params": dict(params),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "info": dict(info),
        "files": files,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def cached_build(
    data_dir: str | os.PathLike,
    name: str,
    build: Callable[[Path], Mapping[str, Any] | None],
    *,
    version: str,
    params: Mapping[str, Any] | None = None,
) -> Path:
    """The folder of cache entry ``name``, built by ``build`` if it isn't valid yet.

    Args:
        data_dir: the dataset cache (``paths.data_dir``); ``~`` is expanded.
        name: the entry's folder name, e.g. ``"speech/corpus-v1"``.
        build: writes the entry's files into the empty folder it is given and
            may return a JSON-serialisable dict of facts about the build (sizes,
            timings) that is stored in the manifest's ``info``.
        version: the builder's code version; an entry built by another version is
            stale and rebuilt.
        params: JSON-serialisable parameters the entry depends on (seeds, sizes);
            an entry built with other parameters is rebuilt.

    Returns:
        The entry's folder, holding the builder's files and ``MANIFEST.json``.

    Raises:
        OSError: the cache can't be written (unwritable folder, full disk).
        Whatever ``build`` raises; the partial build is removed.

    Warns:
        CacheWarning: an existing entry was corrupt or stale and was rebuilt.
    """
    params = dict(params or {})
    folder = Path(os.path.expanduser(os.fspath(data_dir))) / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.is_dir() and _problem(folder, version, params) is None:
        return folder
    with FileLock(str(folder) + ".lock"):
        # Another worker may have built it while this one waited for the lock.
        if folder.is_dir():
            problem = _problem(folder, version, params)
            if problem is None:
                return folder
            warnings.warn(f"rebuilding the cache entry {folder}: {problem}", CacheWarning, stacklevel=2)
            shutil.rmtree(folder)
        # Holding the lock, no one else is building: leftovers of killed builds can go.
        for stale in folder.parent.glob(f"{folder.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
        tmp.mkdir()
        try:
            info = build(tmp) or {}
            _seal(tmp, version, params, info)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return folder
