"""Expert demonstrations in ``CarRacing-v3``, recorded once per track into the dataset cache.

Each track seed is one cache entry (:func:`benchmarks.cache.cached_build`), so
presets with different track counts share the tracks they have in common. A
recording drives the pure-pursuit expert (:mod:`benchmarks.experts.pure_pursuit`)
with small AR(1) steering noise added to the applied action, and stores the
expert's *clean* steering as each frame's label, so the data covers recoveries
from off-centre positions (the noise-injection idea of DART, Laskey et al. 2017,
"DART: Noise Injection for Robust Imitation Learning"). The 50 zoom-in frames
are not stored. Everything is deterministic from the track seed: the simulator
is bit-identical per seed and the noise is seeded with the track seed.
"""

from __future__ import annotations

import numbers
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from tqdm import tqdm

from benchmarks.cache import cached_build
from benchmarks.datasets.base import Corpus, DatasetLoader, Split
from benchmarks.driving_sim import drive
from benchmarks.errors import ConfigError
from benchmarks.experts.pure_pursuit import PurePursuit
from benchmarks.params import Interval, check_params

#: builder version: bump when a recording changes for the same parameters
VERSION = "2"


@dataclass(frozen=True)
class Demonstrations:
    """Frames and expert steering of several tracks, concatenated track by track.

    Attributes:
        frames: ``(n, 96, 96, 3)`` uint8 camera frames (zoom-in dropped).
        steer: ``(n,)`` float32 expert steering in [-1, 1] (positive: right).
        track: ``(n,)`` int64 track seed of each frame.
    """

    frames: np.ndarray
    steer: np.ndarray
    track: np.ndarray


def record_track(data_dir: str | Path, seed: int, episode_steps: int = 1000, noise_std: float = 0.15) -> Path:
    """The cache folder holding the demonstration of track ``seed``, recording it if needed.

    Args:
        data_dir: the dataset cache (``paths.data_dir``).
        seed: the track seed.
        episode_steps: steps per episode, zoom-in included (the episode also ends
            when the lap is finished); at most ``episode_steps - 50`` frames are kept.
        noise_std: standard deviation of the steering noise injected while recording.

    Returns:
        A folder with ``frames.npy`` (``(k, 96, 96, 3)`` uint8) and ``steer.npy`` (``(k,)`` float32).
    """
    expert = PurePursuit()
    params = {"seed": int(seed), "episode_steps": int(episode_steps), "noise_std": float(noise_std),
              "expert": vars(expert)}

    def build(folder: Path) -> dict:
        start = time.perf_counter()
        ep = drive(expert, seed, episode_steps, label_fn=expert, noise_std=noise_std, noise_seed=seed, record=True)
        np.save(folder / "frames.npy", np.stack(ep.frames).astype(np.uint8))
        np.save(folder / "steer.npy", np.asarray(ep.labels, dtype=np.float32))
        return {"frames": len(ep.frames), "seconds": time.perf_counter() - start, "reward": ep.reward,
                "offtrack_steps": ep.offtrack_steps}

    name = f"driving/carracing-v3-{VERSION}/steps{episode_steps}-noise{noise_std:g}/track-{seed}"
    return cached_build(data_dir, name, build, version=VERSION, params=params)


def load_demonstrations(data_dir: str | Path, seeds: Sequence[int], episode_steps: int = 1000,
                        noise_std: float = 0.15, desc: str = "recording") -> Demonstrations:
    """Demonstrations of the tracks ``seeds``, in that order, recording the missing ones.

    Recording shows a progress bar on stderr (one tick per track; about 7 ms a
    frame on one core).

    Raises:
        benchmarks.errors.DataUnavailable: gymnasium's Box2D extra is missing.
    """
    folders = []
    with tqdm(seeds, desc=f"driving: {desc} tracks", unit="track", file=sys.stderr, leave=False) as bar:
        for seed in bar:
            folders.append(record_track(data_dir, int(seed), episode_steps, noise_std))
    steers = [np.load(f / "steer.npy") for f in folders]
    n = sum(len(s) for s in steers)
    frames = np.empty((n, 96, 96, 3), dtype=np.uint8)  # filled in place: 50k frames are 1.4 GB
    start = 0
    for folder, s in zip(folders, steers):
        frames[start:start + len(s)] = np.load(folder / "frames.npy")
        start += len(s)
    track = np.concatenate([np.full(len(s), seed, dtype=np.int64) for seed, s in zip(seeds, steers)])
    return Demonstrations(frames, np.concatenate(steers).astype(np.float32), track)


#: the most tracks of one split: a split's seeds are ``first seed + 0 .. n - 1``
MAX_TRACKS = 1000


@dataclass(frozen=True)
class CarRacing(DatasetLoader):
    """Expert demonstrations of ``CarRacing-v3`` (gymnasium), split by track seed.

    Each split is a run of consecutive track seeds; the default runs (training
    1000–1059, validation 2000–2002, test 3000–3009) never overlap, and none
    depends on the run's seed. A track is recorded once into the data cache
    (:func:`record_track`). The driving task drives the test tracks in closed loop
    (``Corpus.info["tracks"]``) as well as scoring the frames offline.

    Args:
        data_dir: the dataset cache (``paths.data_dir``).
        n_train_tracks, n_val_tracks, n_test_tracks: tracks per split (1..1000).
        train_seed, val_seed, test_seed: the first track seed of each split.
        episode_steps: steps per recorded episode, zoom-in included (about
            ``n_tracks * (episode_steps - 50)`` frames per split; a finished lap
            ends an episode earlier).
        noise_std: standard deviation of the steering noise injected while recording.

    ``load()`` returns frames ``(n, 96, 96, 3)`` uint8 RGB as ``X``, the expert's
    clean steering ``(n,)`` float32 in [-1, 1] (positive: right) as ``y``, and each
    frame's track seed ``(n,)`` int64 as ``groups``.
    """

    data_dir: str = "~/.cache/e2ebench"
    n_train_tracks: int = 60
    n_val_tracks: int = 3
    n_test_tracks: int = 10
    train_seed: int = 1000
    val_seed: int = 2000
    test_seed: int = 3000
    episode_steps: int = 1000
    noise_std: float = 0.2

    _parameter_constraints = {
        **{f"n_{split}_tracks": [Interval(numbers.Integral, 1, MAX_TRACKS, closed="both")]
           for split in ("train", "val", "test")},
        **{f"{split}_seed": [Interval(numbers.Integral, 0, None, closed="left")] for split in ("train", "val", "test")},
        # the first 50 steps are the zoom-in, which is not recorded
        "episode_steps": [Interval(numbers.Integral, 51, None, closed="left")],
        "noise_std": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def seeds(self, split: str) -> list[int]:
        """Track seeds of ``split`` (``"train"``, ``"val"`` or ``"test"``)."""
        first, n = getattr(self, f"{split}_seed"), getattr(self, f"n_{split}_tracks")
        return list(range(first, first + n))

    def load(self) -> Corpus:
        check_params(self, self._parameter_constraints, "dataset.loader.")
        seeds = {split: self.seeds(split) for split in ("train", "val", "test")}
        for a, b in (("train", "val"), ("train", "test"), ("val", "test")):
            if set(seeds[a]) & set(seeds[b]):
                raise ConfigError(f"the {a} and {b} tracks overlap (seeds {seeds[a][0]}..{seeds[a][-1]} and "
                                  f"{seeds[b][0]}..{seeds[b][-1]}): set dataset.loader.{b}_seed apart")
        splits = {}
        for split, split_seeds in seeds.items():
            demo = load_demonstrations(self.data_dir, split_seeds, self.episode_steps, self.noise_std, split)
            splits[split] = Split(demo.frames, demo.steer, demo.track)
        return Corpus(train=splits["train"], val=splits["val"], test=splits["test"],
                      info={"tracks": seeds, "frames": {k: len(v) for k, v in splits.items()}})
