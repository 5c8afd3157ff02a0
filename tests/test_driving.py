"""The driving task: deterministic demonstrations, the off-track counter, and both sides learn to steer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.cache import MANIFEST_NAME
from benchmarks.datasets.carracing import CarRacing, record_track
from benchmarks.driving_sim import drive, summarise
from benchmarks.errors import ConfigError
from benchmarks.experts.pure_pursuit import PurePursuit
from tests.conftest import SMALL, records


def test_same_seed_gives_the_same_demonstration(tmp_path):
    manifests = []
    for name in ("a", "b"):
        folder = record_track(tmp_path / name, seed=7, episode_steps=120, noise_std=0.2)
        manifests.append(json.loads((folder / MANIFEST_NAME).read_text())["files"])
    assert manifests[0] == manifests[1]  # SHA-256 of frames.npy and steer.npy
    frames = np.load(folder / "frames.npy")
    assert frames.shape == (70, 96, 96, 3) and frames.dtype == np.uint8  # 50 zoom-in frames dropped
    other = record_track(tmp_path / "c", seed=8, episode_steps=120, noise_std=0.2)
    assert json.loads((other / MANIFEST_NAME).read_text())["files"] != manifests[0]


def test_offtrack_counter_counts_a_drive_off_the_road():
    off = drive(lambda frame, env: 1.0, seed=3000, max_steps=250)  # full right lock into the grass
    assert off.offtrack_steps > 50 and off.interventions >= 1
    on = drive(PurePursuit(), seed=3000, max_steps=250)
    assert on.offtrack_steps == 0 and on.interventions == 0
    metrics = summarise([off])
    assert metrics["offtrack_per_1000"] == pytest.approx(1000 * off.offtrack_steps / 200)
    assert metrics["autonomy"] < 100.0 and summarise([on])["autonomy"] == 100.0


def test_splits_share_no_track_and_subsets_are_nested_whole_tracks(small):
    task, data = small
    tracks = [set(np.unique(s.groups)) for s in (data.train, data.val, data.test)]
    assert tracks == [{1000, 1001}, {2000}, {3000}]
    assert data.train.X.shape[1:] == (96, 96, 3) and data.train.y.dtype == np.float32
    small_idx = task.training_indices(data.train, 100, seed=0)
    big_idx = task.training_indices(data.train, 400, seed=0)
    assert np.array_equal(big_idx[:100], small_idx)
    assert len(np.unique(data.train.groups[small_idx])) == 1  # one track, in time order
    assert np.all(np.diff(small_idx) == 1)
    with pytest.raises(ConfigError, match="train_size=5000 exceeds"):
        task.training_indices(data.train, 5000, seed=0)


def test_app_run_records_closed_loop_metrics_and_filmstrip(app, tmp_path, small):
    task, _ = small
    out = tmp_path / "run"
    code = app("task=driving", "approach=pipeline", "train_size=300", "tuning.budget=1",
               f"paths.data_dir={task.dataset.data_dir}", *(f"dataset.loader.{k}={v}" for k, v in SMALL.items()),
               "task.test_max_steps=350", f"hydra.run.dir={out}")
    record = records(out)[0]
    assert code == 0, record["error"]
    metrics = record["metrics"]
    assert {"steer_mae", "steer_rmse", "reward", "tiles_visited", "laps", "offtrack_per_1000", "autonomy",
            "expert_reward"} <= set(metrics)
    assert metrics["reward"] > 200 and metrics["expert_reward"] > 200
    assert record["artifacts"] == ["artifacts/filmstrip.png"] and (out / "artifacts/filmstrip.png").stat().st_size


@pytest.mark.parametrize("params, message", [
    (dict(val_seed=1001), "the train and val tracks overlap"),
    (dict(n_test_tracks=0), "dataset.loader.n_test_tracks=0 must be an int in the range"),
    (dict(episode_steps=50), "dataset.loader.episode_steps=50 must be an int in the range"),
])
def test_bad_track_settings_are_named(tmp_path, params, message):
    with pytest.raises(ConfigError, match=message):
        CarRacing(data_dir=str(tmp_path), **params).load()


def test_the_test_tracks_are_a_config_key(tmp_path):
    assert CarRacing(test_seed=5000, n_test_tracks=3).seeds("test") == [5000, 5001, 5002]