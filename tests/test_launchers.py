"""Launchers: submitit_local runs the same executor SLURM uses; joblib runs jobs in parallel."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import records


def _sweep(tmp_path, launcher: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "-m", f"hydra/launcher={launcher}", "approach=pipeline",
         "train_size=100,200", "seed=0", "task.val_size=1000", "tuning.budget=1",
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
