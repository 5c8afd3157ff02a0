"""Road perception for the driving pipeline: a grey-road mask in HSV and the road's
centre in a near and a far look-ahead band of the camera frame (OpenCV)."""

from __future__ import annotations

import cv2
import numpy as np

from pipelines.stateless import StatelessTransformer

#: rows of the 96-pixel frame above the indicator bar (the bottom 12 rows)
SCENE_ROWS = 84
#: column of the car's centre line in the frame
CAR_COLUMN = 47.5


#: frames per chunk in transform
_CHUNK = 2048

class RoadPerception(StatelessTransformer):
    """Lateral offset and heading of the road ahead of the car, from one frame.

    The road is asphalt grey: low saturation and medium value in HSV (grass is
    saturated green, kerbs are red or bright white). In each look-ahead band
    (``band_height`` rows centred on a row), a column is road when at least half
    of its band pixels are; the road's centre in the band is the middle of the
    run of road columns nearest the car's column. Offsets are in half-frame
    widths: ``(centre - 47.5) / 48``, negative left of the car, positive right.
    A band with no road takes the offset of the whole scene's road pixels
    (0 when none is visible), so the controller still steers back.

    Args:
        near_row: centre row of the near band (the car's nose is near row 66).
        far_row: centre row of the far band (smaller: further ahead).
        band_height: rows per band.
        max_saturation: HSV saturation (0–255) at or below which a pixel may be road.
        value_range: HSV value (0–255) range of road pixels, ``[low, high]``.

    Input ``X``: ``(n, 96, 96, 3)`` uint8 RGB frames. Output: ``(n, 2)`` float32
    ``[offset, heading]``: the near-band offset, and far minus near offset (how
    the road bends ahead).

    Raises:
        ValueError: ``X`` is not ``(n, 96, 96, 3)`` uint8, or a band lies outside the scene rows.
    """

    def __init__(self, near_row: int = 60, far_row: int = 40, band_height: int = 5,
                 max_saturation: int = 40, value_range: tuple[int, int] = (70, 160)) -> None:
        self.near_row = near_row
        self.far_row = far_row
        self.band_height = band_height
        self.max_saturation = max_saturation
        self.value_range = value_range

    def road_mask(self, X: np.ndarray) -> np.ndarray:
        """``(n, 84, 96)`` bool road pixels of the scene (indicator bar cut off)."""
        X = self._check(np.asarray(X))
        scene = np.ascontiguousarray(X[:, :SCENE_ROWS])
        # one cvtColor call for the whole batch, stacked as a tall image
        hsv = cv2.cvtColor(scene.reshape(-1, scene.shape[2], 3), cv2.COLOR_RGB2HSV).reshape(scene.shape)
        low, high = self.value_range
        return (hsv[..., 1] <= self.max_saturation) & (hsv[..., 2] >= low) & (hsv[..., 2] <= high)

    def transform(self, X: np.ndarray) -> np.ndarray:
        # In chunks: masks of 50k frames at once peaked at 7 GB.
        return np.concatenate([self._features(X[i:i + _CHUNK]) for i in range(0, len(X), _CHUNK)]
                              or [np.empty((0, 2), np.float32)])

    def _features(self, X: np.ndarray) -> np.ndarray:
        mask = self.road_mask(X)
        fallback = np.array([_scene_offset(m) for m in mask])
        near = self._band_offsets(mask, self.near_row, fallback)
        far = self._band_offsets(mask, self.far_row, fallback)
        return np.stack([near, far - near], axis=1).astype(np.float32)

    def _band_offsets(self, mask: np.ndarray, row: int, fallback: np.ndarray) -> np.ndarray:
        top = row - self.band_height // 2
        road_cols = mask[:, top:top + self.band_height].mean(axis=1) >= 0.5  # (n, 96)
        offsets = fallback.copy()
        for i, cols in enumerate(road_cols):
            centre = _nearest_run_centre(cols)
            if centre is not None:
                offsets[i] = (centre - CAR_COLUMN) / 48.0
        return offsets

    def _check(self, X: np.ndarray) -> np.ndarray:
        if X.ndim != 4 or X.shape[1:] != (96, 96, 3) or X.dtype != np.uint8:
            raise ValueError(f"RoadPerception expects (n, 96, 96, 3) uint8 frames, got {X.dtype} {X.shape}")
        for name in ("near_row", "far_row"):
            row = getattr(self, name)
            if not self.band_height // 2 <= row < SCENE_ROWS - self.band_height // 2:
                raise ValueError(f"{name}={row} puts its band outside the scene rows 0..{SCENE_ROWS - 1}")
        return X


def _nearest_run_centre(cols: np.ndarray) -> float | None:
    """Middle column of the run of True values nearest :data:`CAR_COLUMN`, or None."""
    idx = np.flatnonzero(cols)
    if idx.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    dist = np.maximum(0, np.maximum(starts - CAR_COLUMN, CAR_COLUMN - ends))
    best = int(np.argmin(dist))
    return (starts[best] + ends[best]) / 2.0


def _scene_offset(mask: np.ndarray) -> float:
    cols = np.flatnonzero(mask.any(axis=0))
    return 0.0 if cols.size == 0 else float((np.mean(np.nonzero(mask)[1]) - CAR_COLUMN) / 48.0)
