"""The sweep index (benchmarks/sweep_index.py): claims read O(1) files, and the records stay the truth."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

from benchmarks import sweep_index
from benchmarks.record import RunRecord, write_record


def _sweep(root: Path, n: int) -> list[str]:
    """``n`` ok records in job folders below ``root``; return their hashes."""
    hashes = []
    for i in range(n):
        record = RunRecord(task="image", approach="pipeline", status="ok", config_hash=f"h{i:05d}",
                           primary_metric="accuracy", metrics={"accuracy": 0.5}).to_dict()
        write_record(record, root / f"job{i}")
        hashes.append(record["config_hash"])
    return hashes


def _count_reads(monkeypatch) -> list[str]:
    opened = []
    real = builtins.open

    def counting(file, *args, **kwargs):
        opened.append(str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting)
    def read_text(self, *args, **kwargs):
        opened.append(str(self))
        with real(self, encoding=kwargs.get("encoding")) as fh:
            return fh.read()

    monkeypatch.setattr(Path, "read_text", read_text)
    return opened


@pytest.mark.parametrize("n", [10, 300])
def test_a_claim_reads_the_same_few_files_whatever_the_sweep_holds(tmp_path, monkeypatch, n):
    hashes = _sweep(tmp_path, n)
    sweep_index.ensure_built(tmp_path, launch="L")  # once per launch: reads every record
    opened = _count_reads(monkeypatch)
    sweep_index.ensure_built(tmp_path, launch="L")
    assert sweep_index.ok_path(tmp_path, hashes[n // 2]) == tmp_path / f"job{n // 2}" / "result.json"
    assert sweep_index.ok_path(tmp_path, "not-there") is None
    assert sweep_index.running_marker(tmp_path, hashes[0]) is None
    # three index entries and the one record the first points to, whatever n is
    assert len(opened) == 4 and [p for p in opened if p.endswith("result.json")] == [
        str(tmp_path / f"job{n // 2}" / "result.json")], opened


def test_a_missing_index_is_rebuilt_and_a_copied_in_record_found_by_the_next_launch(tmp_path):
    hashes = _sweep(tmp_path, 3)
    sweep_index.ensure_built(tmp_path, launch="first")
    extra = RunRecord(task="image", approach="pipeline", status="ok", config_hash="copied",
                      primary_metric="accuracy", metrics={"accuracy": 0.7}).to_dict()
    write_record(extra, tmp_path / "copied-job")
    assert sweep_index.ok_path(tmp_path, "copied") is None  # this launch's index predates it
    sweep_index.ensure_built(tmp_path, launch="second")
    assert sweep_index.ok_path(tmp_path, "copied") == tmp_path / "copied-job" / "result.json"
    import shutil

    shutil.rmtree(tmp_path / sweep_index.INDEX_DIR)
    sweep_index.ensure_built(tmp_path, launch="third")
    assert sweep_index.ok_path(tmp_path, hashes[1]) is not None


def test_a_stale_or_corrupt_entry_is_dropped_with_a_warning_and_the_records_decide(tmp_path, caplog):
    hashes = _sweep(tmp_path, 3)
    sweep_index.ensure_built(tmp_path, launch="L")
    (tmp_path / "job1" / "result.json").unlink()  # the record is gone: its entry is stale
    assert sweep_index.ok_path(tmp_path, hashes[1]) is None
    assert "is stale" in caplog.text
    (tmp_path / sweep_index.INDEX_DIR / "ok" / hashes[2]).write_text("job0/result.json")  # points elsewhere
    assert sweep_index.ok_path(tmp_path, hashes[2]) == tmp_path / "job2" / "result.json"  # rebuilt, found
    edited = json.loads((tmp_path / "job0" / "result.json").read_text()) | {"status": "failed"}
    (tmp_path / "job0" / "result.json").write_text(json.dumps(edited))
    assert sweep_index.ok_path(tmp_path, hashes[0]) is None


def test_a_running_entry_lives_only_as_long_as_its_marker(tmp_path):
    marker = tmp_path / "job" / "running.json"
    marker.parent.mkdir()
    marker.write_text("{}")
    sweep_index.add_running(tmp_path, "h", {"pid": 1, "path": "job/running.json"})
    assert sweep_index.running_marker(tmp_path, "h")["pid"] == 1
    marker.unlink()
    assert sweep_index.running_marker(tmp_path, "h") is None
    (tmp_path / sweep_index.INDEX_DIR / "running" / "bad").write_text("{not json")
    assert sweep_index.running_marker(tmp_path, "bad") is None
