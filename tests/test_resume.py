"""Kill a real sweep with SIGKILL, re-launch the same command: one ok record per config."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.record import RunRecord, write_record
from tests.conftest import FAST, records

SIZES = (100, 200, 300, 400)


def _sweep_cmd(sweep: Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks", "-m", "approach=pipeline",
            f"train_size={','.join(map(str, SIZES))}", "seed=0", "task.val_size=1000",
            "tuning.budget=1", f"hydra.sweep.dir={sweep}"]


def _kill_after(sweep: Path, n_records: int, timeout: float = 240) -> int:
    """Start the sweep, SIGKILL its process group once ``n_records`` records exist."""
    proc = subprocess.Popen(_sweep_cmd(sweep), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(sweep.rglob("result.json"))) >= n_records and (n_records or sweep.exists()):
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return len(list(sweep.rglob("result.json")))


@pytest.mark.parametrize("kill_at", [0, 2])
def test_killed_sweep_resumes_without_duplicates_or_losses(tmp_path, kill_at):
    sweep = tmp_path / "sweep"
    before = _kill_after(sweep, kill_at)
    assert before < len(SIZES), "the sweep was killed before it finished"
    survivors = {r["config_hash"]: r["finished_at"] for r in records(sweep)}

    done = subprocess.run(_sweep_cmd(sweep), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    after = records(sweep)
    assert sorted(r["config"]["train_size"] for r in after) == list(SIZES)
    assert all(r["status"] == "ok" for r in after)
    assert len({r["config_hash"] for r in after}) == len(SIZES)
    # jobs finished before the kill were not re-run
    assert {h: t for h, t in ((r["config_hash"], r["finished_at"]) for r in after) if h in survivors} == survivors


def test_disk_full_while_writing_keeps_the_previous_record(tmp_path, monkeypatch):
    first = RunRecord(task="image", approach="pipeline", status="ok", config_hash="h", metrics={"n": 1}).to_dict()
    write_record(first, tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_record(first | {"metrics": {"n": 2}}, tmp_path)
    assert json.loads((tmp_path / "result.json").read_text())["metrics"] == {"n": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"], "no temporary file left"


def test_an_override_that_restates_a_default_still_resumes_e2e_jobs(app, tmp_path):
    # The folder name changes with the overrides; an e2e method's output_dir
    # (a path) must not change the config hash, or the job would run twice.
    sweep = f"hydra.sweep.dir={tmp_path / 'sweep'}"
    common = ["-m", sweep, "approach=e2e", "train_size=100", *FAST, "trainer.max_epochs=1"]
    assert app(*common, "seed=0") == 0
    assert app(*common) == 0
    found = records(tmp_path / "sweep")
    assert len(found) == 1 and found[0]["status"] == "ok"


def test_records_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_record(RunRecord(task="image", approach="pipeline", status="ok", config_hash="h").to_dict(), tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def _pipeline_sweep(app, sweep: Path, *extra: str) -> int:
    return app("-m", f"hydra.sweep.dir={sweep}", "train_size=100", "seed=0", *FAST, *extra)


def test_an_ok_record_without_its_metric_is_run_again(app, tmp_path, capsys):
    sweep = tmp_path / "sweep"
    assert _pipeline_sweep(app, sweep) == 0
    [path] = sweep.rglob("result.json")
    broken = json.loads(path.read_text()) | {"metrics": {}}
    path.write_text(json.dumps(broken))
    assert _pipeline_sweep(app, sweep) == 0
    assert "says ok but has no numeric 'accuracy' metric" in _output(capsys)
    assert json.loads(path.read_text())["metrics"]["accuracy"] > 0.3


def test_a_job_still_running_from_a_killed_launch_is_not_started_twice(app, tmp_path, capsys):
    import platform

    sweep = tmp_path / "sweep"
    assert _pipeline_sweep(app, sweep) == 0
    [path] = sweep.rglob("result.json")
    hash_ = json.loads(path.read_text())["config_hash"]
    path.unlink()
    # An orphaned worker of a killed joblib launch: alive, and marked as running this job.
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        write_record({"pid": orphan.pid, "host": platform.node(), "started_at": "2000-01-01T00:00:00+00:00",
                      "overrides": ["train_size=100", "seed=0"], "config_hash": hash_},
                     path.parent, "running.json")
        assert _pipeline_sweep(app, sweep) == 1
    finally:
        orphan.kill()
    assert not path.exists(), "the job was not run a second time"
    assert f"still running in process {orphan.pid}, not started again" in _output(capsys)
    # Once that process is gone, the job runs.
    orphan.wait()
    assert _pipeline_sweep(app, sweep) == 0 and json.loads(path.read_text())["status"] == "ok"


def test_a_launch_running_at_once_into_the_same_folder_is_not_counted_as_failed(app, tmp_path, capsys):
    import platform

    sweep = tmp_path / "sweep"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Another terminal's launch, started after this one, is running a job of its own here.
        write_record({"pid": other.pid, "host": platform.node(), "launch": "another-launch",
                      "started_at": "2999-01-01T00:00:00+00:00", "overrides": ["train_size=200", "seed=0"]},
                     sweep / "approach=pipeline,seed=0,task=image,train_size=200", "running.json")
        assert _pipeline_sweep(app, sweep) == 0
    finally:
        other.kill()
    output = _output(capsys)
    assert "1 jobs ran now, 0 failed" in output and "no run record was written" not in output
    assert not (sweep / ".launches").exists(), "the summary deletes its ledger"


def _claim_and_wait(job_dir: Path, root: Path, queue, barrier) -> None:
    from benchmarks import runner

    record = {"config_hash": "h", "overrides": ["seed=0"], "status": "failed"}
    queue.put(runner._claim(job_dir, root, record) is None)
    barrier.wait(timeout=60)  # stay alive until the other has decided: a live marker blocks


def test_of_two_processes_reaching_one_job_at_once_exactly_one_claims_it(tmp_path, monkeypatch):
    import multiprocessing

    from benchmarks import runner

    # A slow resume check (a sweep folder of thousands of records) holds both in the window
    # between "nobody runs this job" and "now I do".
    monkeypatch.setattr(runner.sweep_index, "ok_path", lambda root, cfg_hash: time.sleep(0.5))
    ctx = multiprocessing.get_context("fork")
    queue, barrier = ctx.Queue(), ctx.Barrier(2)
    procs = [ctx.Process(target=_claim_and_wait, args=(tmp_path / "job", tmp_path, queue, barrier))
             for _ in range(2)]
    for proc in procs:
        proc.start()
    claimed = sorted(queue.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
    assert claimed == [False, True]


def test_two_launches_of_the_same_sweep_at_once_run_each_job_once(tmp_path):
    sweep = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "benchmarks", "-m", "approach=pipeline", "train_size=100",
           "seed=range(0,6)", "task.val_size=1000", "tuning.budget=1", f"hydra.sweep.dir={sweep}"]
    first, second = (subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                     for _ in range(2))
    outputs = [proc.communicate(timeout=600)[0] for proc in (first, second)]
    started = {log.parent.name: log.read_text().count("training examples") for log in sweep.rglob("app.log")}
    assert len(started) == 6 and set(started.values()) == {1}, started
    ran = sum(int(out.split(" jobs ran now")[0].rsplit(": ", 1)[1]) for out in outputs)
    assert ran == 6 and "failed: " not in "".join(outputs)
    # A launch that left a job to the other may end first: it then says so, and exits 1.
    for proc, out in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0 or "still running in process" in out


def test_one_configuration_under_two_folder_names_runs_once(app, tmp_path, capsys):
    import platform

    sweep = tmp_path / "sweep"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Another launch runs this configuration with seed=0 left to its default: another folder name.
        assert _pipeline_sweep(app, sweep) == 0
        [path] = sweep.rglob("result.json")
        record = json.loads(path.read_text())
        path.unlink()
        write_record(record | {"pid": other.pid, "host": platform.node(), "launch": "another"},
                     sweep / "train_size=100", "running.json")
        assert _pipeline_sweep(app, sweep) == 1
    finally:
        other.kill()
    assert not path.exists(), "the job was not run a second time"
    assert f"still running in process {other.pid}, not started again" in _output(capsys)


def test_the_summary_falls_back_to_records_when_the_ledger_cannot_be_written(app, tmp_path, capsys):
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / ".launches").write_text("")  # a file where the ledger folder goes
    assert app("-m", f"hydra.sweep.dir={sweep}", "train_size=-5,100", "seed=0", *FAST) == 1
    output = _output(capsys)
    assert "2 jobs ran now, 1 failed" in output and "failed: train_size=-5 seed=0" in output


def test_a_single_run_already_running_elsewhere_is_refused_in_one_line(tmp_path):
    import platform

    run_dir = tmp_path / "run"
    cmd = [sys.executable, "-m", "benchmarks", "approach=pipeline", "train_size=100", *FAST,
           f"hydra.run.dir={run_dir}"]
    assert subprocess.run(cmd, capture_output=True, timeout=300).returncode == 0
    record = json.loads((run_dir / "result.json").read_text())
    (run_dir / "result.json").unlink()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Another terminal runs the same single run: its marker names its process.
        write_record(record | {"pid": other.pid, "host": platform.node()}, run_dir, "running.json")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    finally:
        other.kill()
    assert proc.returncode == 1
    assert f"e2ebench: error: not started: process {other.pid} is already running this job" in proc.stderr
    assert not (run_dir / "result.json").exists()


@pytest.mark.parametrize("pid", [0, -1, 2**80, "12", True])
def test_a_marker_with_an_impossible_pid_blocks_nothing(pid):
    from benchmarks.record import marker_alive

    assert marker_alive({"pid": pid}) is False


def test_a_record_that_cannot_be_written_fails_the_sweep(app, tmp_path, capsys):
    sweep = tmp_path / "sweep"
    assert _pipeline_sweep(app, sweep) == 0
    [path] = sweep.rglob("result.json")
    path.unlink()
    path.mkdir()  # os.replace onto a directory fails, as a full disk would
    assert _pipeline_sweep(app, sweep) == 1
    output = _output(capsys)
    assert "no run record was written" in output and "1 failed" in output


def _output(capsys) -> str:
    out, err = capsys.readouterr()
    return out + err


def test_resume_counts_what_the_report_counts_and_keeps_a_foreign_schema(app, tmp_path):
    """A record the schema refuses is rerun (as the report drops it); one of another schema is renamed aside."""
    sweep = tmp_path / "sweep"
    assert _pipeline_sweep(app, sweep, "train_size=100,200") == 0
    small, large = sorted(sweep.glob("*train_size=*/result.json"), key=lambda p: "200" in str(p.parent))
    edited = json.loads(small.read_text()) | {"bogus": 1}  # an unknown field
    small.write_text(json.dumps(edited))
    foreign = json.loads(large.read_text()) | {"schema": 99}
    large.write_text(json.dumps(foreign))
    assert _pipeline_sweep(app, sweep, "train_size=100,200") == 0
    for path in (small, large):
        assert "bogus" not in (record := json.loads(path.read_text())) and record["schema"] == 2, "ran again"
    [kept] = large.parent.glob("result.schema99.*.json")
    assert json.loads(kept.read_text()) == foreign, "the other schema's record is kept, not overwritten"


def test_a_sweep_folder_given_relative_to_the_working_folder_resumes(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # hydra.sweep.dir as the default outputs/multirun/<name> is: relative
    assert _pipeline_sweep(app, Path("sweep")) == 0
    assert _pipeline_sweep(app, Path("sweep")) == 0
    assert len(list((tmp_path / "sweep").rglob("result.json"))) == 1
    assert list((tmp_path / "sweep" / ".index" / "ok").iterdir())
