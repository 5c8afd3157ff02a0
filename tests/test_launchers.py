"""Launchers: submitit_local runs the same executor SLURM uses; joblib runs jobs in parallel."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import records


def _sweep(tmp_path, launcher: str, *extra: str, sizes: str = "100,200") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "-m", f"hydra/launcher={launcher}", "approach=pipeline",
         f"train_size={sizes}", "seed=0", "task.val_size=1000", "tuning.budget=1",
         f"hydra.sweep.dir={tmp_path / 'sweep'}", *extra],
        capture_output=True, text=True, timeout=600,
    )


def test_submitit_local_sweep(tmp_path):
    done = _sweep(tmp_path, "submitit_local", "hydra.launcher.timeout_min=10")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = records(tmp_path / "sweep")
    assert sorted(r["train_size"] for r in found) == [100, 200]
    assert all(r["status"] == "ok" for r in found)


def test_joblib_gives_each_job_one_thread(tmp_path):
    done = _sweep(tmp_path, "joblib", "hydra.launcher.n_jobs=2")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = records(tmp_path / "sweep")
    assert len(found) == 2 and all(r["status"] == "ok" for r in found)
    assert {r["env"]["threads"] for r in found} == {1}


def test_a_worker_killed_by_the_os_fails_its_job_and_the_sweep_finishes(tmp_path):
    # SIGKILL is what the out-of-memory killer sends; loky then terminates the
    # other worker too, whose job must still finish.
    done = _sweep(tmp_path, "joblib", "hydra.launcher.n_jobs=2",
                  "method.estimator._target_=tests.fixtures.dying.DyingPipeline", "+method.estimator.die_at=150",
                  sizes="100,150,200,250")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    found = {r["train_size"]: r for r in records(tmp_path / "sweep")}
    assert sorted(found) == [100, 150, 200, 250], "one record per job, no duplicates"
    assert found[150]["status"] == "failed" and "worker process" in found[150]["error"]
    assert "out of memory" in found[150]["error"]
    assert [found[n]["status"] for n in (100, 200, 250)] == ["ok"] * 3
    assert not list((tmp_path / "sweep").rglob("running.json"))
    assert "1 failed" in done.stdout + done.stderr and "train_size=150" in done.stdout + done.stderr
