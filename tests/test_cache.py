"""benchmarks.cache: one build under parallel workers; corrupt and stale entries rebuilt with a warning."""

from __future__ import annotations

import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks.cache import MANIFEST_NAME, CacheWarning, cached_build


def _build_slowly(folder: Path) -> dict:
    # Count builds in a shared log next to the cache, outside the entry itself.
    with open(folder.parent.parent / "builds.log", "a") as log:
        log.write("build\n")
    time.sleep(1.0)
    np.save(folder / "x.npy", np.arange(1000))
    return {"n": 1000}


def _worker(data_dir: str, out: mp.Queue) -> None:
    folder = cached_build(data_dir, "race/entry", _build_slowly, version="1")
    out.put(int(np.load(folder / "x.npy").sum()))


def test_two_racing_processes_build_once(tmp_path):
    data_dir = tmp_path / "cache"
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(data_dir), out)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(out.get() for _ in procs) == [499500, 499500]
    assert (data_dir / "builds.log").read_text().count("build") == 1
    assert not list((data_dir / "race").glob("*.tmp-*"))


def _build(folder: Path) -> None:
    np.save(folder / "x.npy", np.arange(1000))


def test_truncated_file_is_detected_and_rebuilt(tmp_path):
    folder = cached_build(tmp_path, "entry", _build, version="1")
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["files"]["x.npy"]["size"] == (folder / "x.npy").stat().st_size
    data = (folder / "x.npy").read_bytes()
    (folder / "x.npy").write_bytes(data[: len(data) // 2])
    # A new process would not have verified the entry yet.
    import benchmarks.cache as cache

    cache._verified.clear()
    with pytest.warns(CacheWarning, match="truncated"):
        folder = cached_build(tmp_path, "entry", _build, version="1")
    assert np.load(folder / "x.npy").sum() == 499500


def test_flipped_byte_fails_the_checksum(tmp_path):
    folder = cached_build(tmp_path, "entry", _build, version="1")
    data = bytearray((folder / "x.npy").read_bytes())
    data[-1] ^= 0xFF
    (folder / "x.npy").write_bytes(bytes(data))
    import benchmarks.cache as cache

    cache._verified.clear()
    with pytest.warns(CacheWarning, match="SHA-256"):
        cached_build(tmp_path, "entry", _build, version="1")


def test_stale_version_or_params_rebuild(tmp_path):
    cached_build(tmp_path, "entry", _build, version="1", params={"seed": 0})
    with pytest.warns(CacheWarning, match="version '1', not '2'"):
        cached_build(tmp_path, "entry", _build, version="2", params={"seed": 0})
    with pytest.warns(CacheWarning, match="other parameters"):
        cached_build(tmp_path, "entry", _build, version="2", params={"seed": 1})


def test_failed_build_leaves_nothing(tmp_path):
    def broken(folder: Path) -> None:
        (folder / "half.bin").write_bytes(b"x")
        raise RuntimeError("generator crashed")

    with pytest.raises(RuntimeError, match="generator crashed"):
        cached_build(tmp_path, "entry", broken, version="1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.lock"]


@pytest.mark.parametrize("edit", ["[]", '{"version": "1", "params": {}, "files": 5}', "drop-entry"])
def test_a_malformed_manifest_is_rebuilt_not_trusted(tmp_path, edit):
    import benchmarks.cache as cache

    folder = cached_build(tmp_path, "entry", _build, version="1")
    manifest = folder / MANIFEST_NAME
    if edit == "drop-entry":  # a file the manifest does not vouch for
        data = json.loads(manifest.read_text())
        data["files"].pop("x.npy")
        manifest.write_text(json.dumps(data))
        (folder / "x.npy").write_bytes(b"truncated")
    else:
        manifest.write_text(edit)
    cache._verified.clear()
    with pytest.warns(CacheWarning, match="manifest"):
        folder = cached_build(tmp_path, "entry", _build, version="1")
    assert np.load(folder / "x.npy").sum() == 499500
