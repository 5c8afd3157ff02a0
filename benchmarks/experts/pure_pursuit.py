"""Pure pursuit on the track's waypoints: the driving task's privileged expert.

Pure pursuit (Coulter 1992, "Implementation of the Pure Pursuit Path Tracking
Algorithm", CMU-RI-TR-92-01) steers the car onto the circular arc that passes
through a look-ahead point on the path. Here the path is ``CarRacing``'s centre
line (``env.track``, one waypoint about 3.5 units apart) and the car's pose is
read from the Box2D body: the expert sees the state, not the frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: front-to-rear axle distance of the CarRacing car (wheel rows at y = +80 and -82, times SIZE 0.02)
WHEELBASE = 162 * 0.02
#: the front wheels' joint limit in radians; action steer 1.0 asks for this angle
MAX_WHEEL_ANGLE = 0.4


class PurePursuit:
    """Steering from the car's pose and the track's centre line.

    Args:
        lookahead: look-ahead distance at standstill, Box2D units (the road is
            13.3 units wide).
        lookahead_per_speed: extra look-ahead per unit of speed (seconds).

    Call ``expert(frame, env)`` with the unwrapped ``CarRacing`` env; the frame is
    ignored. Returns the steering action in [-1, 1] (positive: right).
    """

    def __init__(self, lookahead: float = 8.0, lookahead_per_speed: float = 0.15) -> None:
        self.lookahead = lookahead
        self.lookahead_per_speed = lookahead_per_speed

    def __call__(self, frame: np.ndarray, env: Any) -> float:
        points = np.asarray([p[2:4] for p in env.track])
        hull = env.car.hull
        pos = np.asarray(hull.position)
        speed = float(np.hypot(*hull.linearVelocity))
        ld = self.lookahead + self.lookahead_per_speed * speed
        nearest = int(np.argmin(np.sum((points - pos) ** 2, axis=1)))
        # walk forward along the centre line to the first waypoint ld away
        order = (nearest + np.arange(len(points))) % len(points)
        dist = np.linalg.norm(points[order] - pos, axis=1)
        ahead = order[np.argmax(dist >= ld)]
        d = points[ahead] - pos
        angle = hull.angle
        forward = d @ np.array([-np.sin(angle), np.cos(angle)])
        right = d @ np.array([np.cos(angle), np.sin(angle)])
        alpha = np.arctan2(right, forward)
        wheel = np.arctan(2.0 * WHEELBASE * np.sin(alpha) / max(np.hypot(forward, right), 1e-6))
        return float(np.clip(wheel / MAX_WHEEL_ANGLE, -1.0, 1.0))
