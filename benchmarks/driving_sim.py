"""Closed-loop driving in gymnasium's ``CarRacing-v3``: the shared speed rule, the
off-track counter and one rollout loop used by the expert, the demonstrations and
both sides of the driving pair.

Facts this module relies on (measured on gymnasium 1.x): frames are ``(96, 96, 3)`` uint8; the
same track seed gives a bit-identical episode for the same actions; the first 50
frames zoom in from far above (:data:`ZOOM_FRAMES`), so nobody steers during them;
the bottom 12 rows are the indicator bar. Leaving the road does not end an
episode, so :func:`drive` counts off-track steps itself: steps after which no
wheel touches a road tile.

Actions are ``[steer, gas, brake]``: steer in [-1, 1] (positive turns right),
gas and brake in [0, 1]. Drivers only steer; gas and brake always come from
:func:`speed_rule`, the same for every driver, so a comparison is about steering.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: frames of the camera's zoom-in at the start of every episode (1 s at 50 FPS)
ZOOM_FRAMES = 50
#: frames per second of the simulation
FPS = 50
#: bottom rows of a frame that hold the speed/steering indicator bar, not the scene
INDICATOR_ROWS = 12
#: seconds charged per intervention in the autonomy metric (Bojarski et al. 2016,
#: "End to End Learning for Self-Driving Cars", arXiv:1604.07316, §6.2)
SECONDS_PER_INTERVENTION = 6.0

#: ``steer_fn(frame, env) -> steering``: ``frame`` is the ``(96, 96, 3)`` uint8 observation,
#: ``env`` the unwrapped ``CarRacing`` (privileged: only the expert may read it)
SteerFn = Callable[[np.ndarray, Any], float]


def make_env() -> Any:
    """A ``CarRacing-v3`` environment (continuous actions, no window).

    Raises:
        benchmarks.errors.DataUnavailable: gymnasium's Box2D extra is not installed.
    """
    # pygame needs a video driver even for off-screen rendering
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    try:
        import gymnasium as gym
        import Box2D  # noqa: F401  # imported here to name the missing package in the error
    except ImportError as exc:
        from benchmarks.errors import DataUnavailable

        raise DataUnavailable(f"task=driving needs gymnasium's Box2D extra ({exc}); "
                              f"run: pip install 'gymnasium[box2d]'") from exc
    # TimeLimit (1000 steps) stays in place: episodes are capped by drive's max_steps
    return gym.make("CarRacing-v3", continuous=True, domain_randomize=False)


def car_speed(env: Any) -> float:
    """The car's speed in Box2D units per second (what the indicator bar shows)."""
    vx, vy = env.car.hull.linearVelocity
    return float(np.hypot(vx, vy))


def speed_rule(speed: float, steer: float, v_max: float = 65.0, v_min: float = 30.0) -> tuple[float, float]:
    """Gas and brake for a target speed that drops with the steering magnitude.

    The target is ``v_max - (v_max - v_min) * |steer|``: straight ahead the car
    runs at ``v_max``, in a full-lock curve at ``v_min``. Below the target it
    accelerates (gas proportional to the gap, at most 0.5: full gas spins the
    rear-wheel-drive car out when it steers at speed), more than 5 units above
    it brakes. The same rule serves every driver (expert, pipeline, e2e).

    Args:
        speed: current speed, units per second (:func:`car_speed`).
        steer: the steering about to be applied, in [-1, 1].

    Returns:
        ``(gas, brake)``, each in [0, 1].
    """
    target = v_max - (v_max - v_min) * min(abs(steer), 1.0)
    gap = target - speed
    gas = float(np.clip(0.1 * gap, 0.0, 0.5))
    brake = 0.3 if gap < -5.0 else 0.0
    return gas, brake


def off_track(env: Any) -> bool:
    """True when no wheel of the car touches a road tile."""
    return all(len(wheel.tiles) == 0 for wheel in env.car.wheels)


@dataclass
class Episode:
    """What one closed-loop drive produced.

    Attributes:
        reward: the environment's episode return (1000 for a full lap minus 0.1 per step).
        tiles_visited: fraction of the track's road tiles visited, in [0, 1].
        lap: 1 when the lap was completed, else 0.
        steps: steps driven after the zoom-in.
        offtrack_steps: steps (after the zoom-in) with no wheel on a road tile.
        interventions: off-track segments (a maximal run of off-track steps counts once).
        frames: ``(k, 96, 96, 3)`` uint8 frames after the zoom-in when recorded, else empty.
        labels: ``(k,)`` float32 steering of ``label_fn`` for each recorded frame.
        steers: ``(k,)`` float32 steering actually applied after each recorded frame.
    """

    reward: float = 0.0
    tiles_visited: float = 0.0
    lap: int = 0
    steps: int = 0
    offtrack_steps: int = 0
    interventions: int = 0
    frames: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    steers: list = field(default_factory=list)


def drive(steer_fn: SteerFn, seed: int, max_steps: int = 1000, *, label_fn: SteerFn | None = None,
          noise_std: float = 0.0, noise_seed: int = 0, record: bool = False,
          env: Any = None) -> Episode:
    """Drive one episode on the track of ``seed`` and measure it.

    For the first :data:`ZOOM_FRAMES` steps the car goes straight (steer 0) under
    the speed rule; after that ``steer_fn`` steers every step. With ``noise_std``
    > 0, an AR(1) perturbation (coefficient 0.9, stationary standard deviation
    ``noise_std``, seeded by ``noise_seed``) is added to the applied steering,
    so that a demonstration drifts off the ideal line and shows recoveries.

    Args:
        steer_fn: the driver, ``(frame, env) -> steer`` in [-1, 1].
        seed: the track seed (``env.reset(seed=seed)``).
        max_steps: episode length cap in steps, zoom-in included.
        label_fn: when given and ``record`` is set, its steering for each frame is
            stored as the label (the expert's clean action), not the applied one.
        noise_std: steering noise, in steering units.
        noise_seed: seed of the noise.
        record: keep the frames after the zoom-in (``(96, 96, 3)`` uint8 each).
        env: an environment from :func:`make_env` to reuse (it is reset here).

    Returns:
        An :class:`Episode`.
    """
    own_env = env is None
    env = make_env() if own_env else env
    try:
        frame, _ = env.reset(seed=int(seed))
        car_env = env.unwrapped
        rng = np.random.default_rng(noise_seed)
        noise = 0.0
        ep = Episode()
        was_off = False
        for t in range(max_steps):
            if t < ZOOM_FRAMES:
                steer = 0.0
            else:
                steer = float(np.clip(steer_fn(frame, car_env), -1.0, 1.0))
                if noise_std > 0:
                    noise = 0.9 * noise + rng.normal(0.0, noise_std * np.sqrt(1 - 0.81))
                    steer = float(np.clip(steer + noise, -1.0, 1.0))
                if record:
                    ep.frames.append(frame)
                    ep.labels.append(steer if label_fn is None else float(label_fn(frame, car_env)))
                    ep.steers.append(steer)
            gas, brake = speed_rule(car_speed(car_env), steer)
            frame, reward, terminated, truncated, info = env.step(np.array([steer, gas, brake], dtype=np.float64))
            ep.reward += float(reward)
            if t >= ZOOM_FRAMES:
                ep.steps += 1
                is_off = off_track(car_env)
                ep.offtrack_steps += is_off
                ep.interventions += is_off and not was_off
                was_off = is_off
            if terminated or truncated:
                ep.lap = int(bool(info.get("lap_finished", False)))
                break
        ep.tiles_visited = car_env.tile_visited_count / len(car_env.track)
        return ep
    finally:
        if own_env:
            env.close()


def summarise(episodes: list[Episode]) -> dict[str, float]:
    """Closed-loop metrics over episodes (one per track).

    Returns:
        ``reward`` (mean episode return), ``tiles_visited`` (mean fraction of road
        tiles visited), ``laps`` (fraction of episodes that finished the lap:
        the environment's ``lap_finished``, which in practice needs every tile,
        since its 95% rule fires on a first visit of the start tile and the car
        starts on it),
        ``offtrack_per_1000`` (off-track steps per 1000 driven steps) and
        ``autonomy`` (percent, PilotNet's definition: ``100 * (1 - 6 s *
        interventions / driving time)``, one intervention per off-track segment,
        floored at 0).
    """
    steps = sum(e.steps for e in episodes)
    seconds = steps / FPS
    interventions = sum(e.interventions for e in episodes)
    autonomy = 100.0 * (1.0 - SECONDS_PER_INTERVENTION * interventions / seconds) if seconds else 0.0
    return {
        "reward": float(np.mean([e.reward for e in episodes])),
        "tiles_visited": float(np.mean([e.tiles_visited for e in episodes])),
        "laps": float(np.mean([e.lap for e in episodes])),
        "offtrack_per_1000": 1000.0 * sum(e.offtrack_steps for e in episodes) / max(steps, 1),
        "autonomy": max(autonomy, 0.0),
    }
