"""The driving task: steer a car in gymnasium's ``CarRacing-v3`` from its camera frame."""

from __future__ import annotations

import json
import logging
import numbers
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.cache import cached_build
from benchmarks.datasets.carracing import VERSION, CarRacing
from benchmarks.driving_sim import drive, summarise
from benchmarks.errors import ConfigError
from benchmarks.experts.pure_pursuit import PurePursuit
from benchmarks.splits import validate_train_size
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.tasks.base import Split, Task, TaskData, UnitScores

log = logging.getLogger(__name__)

class DrivingTask(Task):
    """Behaviour cloning of a privileged expert in ``CarRacing-v3``, judged in closed loop.

    Data (``conf/dataset/carracing.yaml``, :class:`benchmarks.datasets.carracing.CarRacing`):
    one expert demonstration per track, recorded with small steering noise and
    labelled with the expert's clean steering. Inputs ``X`` are ``(n, 96, 96, 3)``
    uint8 RGB frames, targets ``y`` ``(n,)`` float32 steering in [-1, 1] (positive:
    right); ``groups`` is each frame's track seed. Splits are by track and fixed
    (the loader's seeds); ``train_size`` counts frames, taken a whole track at a time.
    A track gives 850–950 frames: the 60 training tracks about 57k, the full
    73-track cache 68.5k frames, 1.8 GB, about 8 CPU-minutes to record.

    Both sides only steer: gas and brake come from the shared
    :func:`benchmarks.driving_sim.speed_rule`. Metrics: offline, steering MAE
    and RMSE on the test tracks' frames (:meth:`evaluate`); in closed loop
    (:meth:`extra_metrics`), the fitted estimator drives every test track:
    mean ``reward`` (the primary metric), ``tiles_visited``, ``laps``,
    ``offtrack_per_1000`` (steps after which no wheel touches a road tile, per
    1000 steps), ``autonomy`` (percent, PilotNet's: ``100 * (1 - 6 s * interventions /
    driving time)``, one intervention per off-track run; Bojarski et al. 2016;
    :func:`benchmarks.driving_sim.summarise`), and the expert's closed-loop scores on
    the same tracks as the reference (``expert_reward`` ...: any metric
    ``expert_<name>`` is the teacher's ``<name>``, which the report shows as a
    reference line, not as a side). The first test drive is kept as
    ``artifacts/filmstrip.png``.

    Args:
        dataset: a :class:`~benchmarks.datasets.carracing.CarRacing` loader.
        val_size: validation frames kept (evenly spaced over the validation
            tracks' frames); ``None`` keeps all.
        test_max_steps: closed-loop episode cap in steps (CarRacing's own limit is 1000).
        closed_loop: drive the test tracks in :meth:`extra_metrics` (off: offline metrics only).
        filmstrip_frames: frames of the first test track's drive in ``filmstrip.png`` (0: none).
    """

    name = "driving"
    primary_metric = "reward"
    higher_is_better = True

    _parameter_constraints = {
        "val_size": positive_int(allow_none=True),
        "test_max_steps": [Interval(numbers.Integral, 51, None, closed="left")],
        "closed_loop": ["boolean"],
        "filmstrip_frames": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, dataset: CarRacing, val_size: int | None = None, test_max_steps: int = 1000,
                 closed_loop: bool = True, filmstrip_frames: int = 8) -> None:
        self.dataset = dataset
        self.val_size = val_size
        self.test_max_steps = test_max_steps
        self.closed_loop = closed_loop
        self.filmstrip_frames = filmstrip_frames

    def load(self) -> TaskData:
        check_params(self, self._parameter_constraints, "task.")
        if not isinstance(self.dataset, CarRacing):
            raise ConfigError(f"task=driving drives CarRacing tracks; dataset {type(self.dataset).__name__} "
                              f"is not a CarRacing loader")
        corpus = self.dataset.load()
        val = corpus.val
        if self.val_size is not None and self.val_size < len(val):
            val = val.take(np.linspace(0, len(val) - 1, self.val_size).round().astype(np.int64))
        info = {"frames": corpus.info["frames"], "val_frames": len(val)}
        return TaskData(train=corpus.train, val=val, test=corpus.test, info=info)

    def evaluate(self, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
        """Offline steering error: ``steer_mae`` and ``steer_rmse``, in steering units."""
        err = np.asarray(y_pred, dtype=np.float64).ravel() - np.asarray(y_true, dtype=np.float64).ravel()
        return {"steer_mae": float(np.mean(np.abs(err))), "steer_rmse": float(np.sqrt(np.mean(err ** 2)))}

    def trivial_score(self, data: TaskData) -> tuple[str, float, bool]:
        """Offline steering MAE of steering every test frame by the training pool's mean steering.

        (The closed-loop reward needs a drive; the offline error is the floor a learner must clear.)
        """
        mean = np.full(len(data.test), float(np.mean(data.train.y)), dtype=np.float32)
        return "steer_mae", self.evaluate(data.test.y, mean)["steer_mae"], False

    def training_indices(self, pool: Split, train_size: int | None, seed: int) -> np.ndarray:
        """Whole tracks in a seeded order, each track's frames in time order; the first ``train_size``.

        Nested for one seed (a prefix of one order), and paired across
        approaches. Demonstrations come a drive at a time, so a small subset
        covers few tracks rather than a thin sample of every track: the number
        of drives is the cost of collecting data.

        Raises:
            ConfigError: ``train_size`` is not a positive integer up to the pool's frame count.
        """
        n_pool = len(pool)
        train_size = n_pool if train_size is None else train_size
        validate_train_size(train_size, n_pool)
        tracks = np.unique(pool.groups)
        order = np.random.default_rng(seed).permutation(tracks)
        indices = np.concatenate([np.flatnonzero(pool.groups == track) for track in order])
        return indices[:train_size]

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """Closed-loop metrics of ``estimator`` on the test tracks, the expert's reference, and a filmstrip.

        The estimator steers from each frame through ``estimator.predict(frame[None])``;
        gas and brake come from the shared speed rule.
        """
        if not self.closed_loop:
            return {}

        def steer(frame: np.ndarray, env: Any) -> float:
            return float(np.asarray(estimator.predict(frame[None])).ravel()[0])

        episodes = []
        for i, seed in enumerate(self.dataset.seeds("test")):
            episodes.append(drive(steer, seed, self.test_max_steps, record=i == 0 and self.filmstrip_frames > 0))
            log.info("closed loop, test track %d: reward %.1f, off-track steps %d",
                     seed, episodes[-1].reward, episodes[-1].offtrack_steps)
        self._test_episodes = {seed: ep for seed, ep in zip(self.dataset.seeds("test"), episodes)}
        metrics = summarise(episodes)
        if self.filmstrip_frames > 0 and episodes[0].frames:
            artifacts_dir.mkdir(parents=True, exist_ok=True)
            write_filmstrip(artifacts_dir / "filmstrip.png", episodes[0].frames, episodes[0].steers,
                            self.filmstrip_frames)
        metrics |= {f"expert_{k}": v for k, v in self.expert_metrics().items()}
        return metrics

    def unit_scores(self, data: TaskData, test_pred: Any) -> UnitScores | None:
        """One unit per test track: the reward of its closed-loop drive (``None`` without closed loop)."""
        episodes = getattr(self, "_test_episodes", None)
        if not episodes:
            return None
        seeds = np.array(list(episodes), dtype=np.int64)
        rewards = np.array([e.reward for e in episodes.values()], dtype=np.float64)
        return UnitScores(seeds, rewards, np.ones_like(rewards), seeds)

    def expert_metrics(self) -> dict[str, float]:
        """The pure-pursuit expert's closed-loop metrics on the test tracks, computed once into the cache."""
        expert = PurePursuit()
        params = {"seeds": self.dataset.seeds("test"), "max_steps": self.test_max_steps, "expert": vars(expert)}

        def build(folder: Path) -> dict:
            episodes = [drive(expert, seed, self.test_max_steps) for seed in params["seeds"]]
            (folder / "metrics.json").write_text(json.dumps(summarise(episodes)))
            return {"rewards": [e.reward for e in episodes]}

        name = (f"driving/carracing-v3-{VERSION}/expert-closed-loop/"
                f"tracks{self.dataset.n_test_tracks}-from{self.dataset.test_seed}-steps{self.test_max_steps}")
        folder = cached_build(self.dataset.data_dir, name, build, version=VERSION, params=params)
        return json.loads((folder / "metrics.json").read_text())


def write_filmstrip(path: Path, frames: list[np.ndarray], steers: list[float], n: int, scale: int = 4) -> None:
    """Save ``n`` evenly spaced frames of a drive in rows of four, each with its steering drawn on it.

    A yellow line from the car shows the steering direction (full lock: 45°
    from straight ahead) and the value is printed in the corner.

    Args:
        path: the PNG file to write.
        frames: ``(96, 96, 3)`` uint8 RGB frames of one drive.
        steers: the steering applied after each frame, in [-1, 1].
        n: frames in the strip.
        scale: upscaling factor of each frame (nearest neighbour).
    """
    picks = np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int)
    tiles = []
    for i in picks:
        img = cv2.resize(cv2.cvtColor(frames[i], cv2.COLOR_RGB2BGR), None, fx=scale, fy=scale,
                         interpolation=cv2.INTER_NEAREST)
        origin = np.array([48 * scale, 68 * scale])  # the car's nose
        angle = float(steers[i]) * np.pi / 4
        tip = origin + 30 * scale * np.array([np.sin(angle), -np.cos(angle)])
        cv2.arrowedLine(img, tuple(int(v) for v in origin), tuple(int(v) for v in tip), (0, 220, 255), 3,
                        tipLength=0.25)
        cv2.putText(img, f"t={i + 50} steer {float(steers[i]):+.2f}", (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
                    (255, 255, 255), 2)
        tiles.append(cv2.copyMakeBorder(img, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=(255, 255, 255)))
    # rows of four frames, the last row padded with white
    per_row = 4
    tiles += [np.full_like(tiles[0], 255)] * (-len(tiles) % per_row)
    rows = [np.concatenate(tiles[i:i + per_row], axis=1) for i in range(0, len(tiles), per_row)]
    cv2.imwrite(str(path), np.concatenate(rows, axis=0))
