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

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from tqdm import tqdm

from benchmarks.cache import cached_build
from benchmarks.driving_sim import drive
from benchmarks.experts.pure_pursuit import PurePursuit

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
