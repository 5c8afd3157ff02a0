"""Image corruptions at five severities, after MNIST-C and ImageNet-C, for the robustness claim.

Sources: Mu & Gilmer 2019, "MNIST-C: A Robustness Benchmark for Computer Vision"
(arXiv:1906.02337), and Hendrycks & Dietterich 2019, "Benchmarking Neural Network
Robustness to Common Corruptions and Perturbations" (ICLR), whose severity scales
the noise, contrast, brightness and JPEG settings follow; elastic distortion after
Simard, Steinkraus & Platt 2003 (ICDAR). Geometric sizes scale with the image side
(given for 28 pixels). No side trains on any of them.

Every corruption is deterministic given its seed: image ``i`` of a batch draws from
``numpy.random.default_rng([seed, corruption, severity, i])``, so both sides see the
same corrupted images, and a subset sees what the full batch would.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter, map_coordinates

__all__ = ["CORRUPTIONS", "SEVERITIES", "corrupt_images"]

SEVERITIES = (1, 2, 3, 4, 5)


def _gaussian_noise(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    sigma = (0.08, 0.12, 0.18, 0.26, 0.38)[s - 1] * 255
    return x + rng.normal(0.0, sigma, x.shape)


def _shot_noise(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    lam = (60, 25, 12, 5, 3)[s - 1]  # photons per unit intensity: fewer, noisier
    return rng.poisson(x / 255.0 * lam) / lam * 255.0


def _gaussian_blur(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    sigma = (0.4, 0.6, 0.8, 1.0, 1.3)[s - 1] * _scale(x)
    return cv2.GaussianBlur(x, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REFLECT)


def _contrast(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    c = (0.4, 0.3, 0.2, 0.1, 0.05)[s - 1]
    mean = x.mean(axis=(0, 1), keepdims=True)
    return (x - mean) * c + mean


def _brightness(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    return x + (0.1, 0.2, 0.3, 0.4, 0.5)[s - 1] * 255


def _rotation(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    degrees = (8, 16, 24, 32, 40)[s - 1] * rng.choice((-1.0, 1.0))
    h, w = x.shape[:2]
    return _warp(x, cv2.getRotationMatrix2D((w / 2 - 0.5, h / 2 - 0.5), degrees, 1.0))


def _translation(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    h, w = x.shape[:2]
    shift = (0.05, 0.1, 0.15, 0.2, 0.25)[s - 1] * min(h, w)
    angle = rng.uniform(0, 2 * np.pi)
    return _warp(x, np.float32([[1, 0, shift * np.cos(angle)], [0, 1, shift * np.sin(angle)]]))


def _jpeg(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    quality = (25, 18, 15, 10, 7)[s - 1]
    image = np.clip(x, 0, 255).astype(np.uint8)
    colour = image.ndim == 3
    ok, buffer = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if colour else image,
                              [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB) if colour else decoded


def _elastic(x: np.ndarray, s: int, rng: np.random.Generator) -> np.ndarray:
    h, w = x.shape[:2]
    alpha, sigma = (8, 14, 20, 28, 36)[s - 1] * _scale(x), 4 * _scale(x)
    dx = gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma) * alpha
    dy = gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma) * alpha
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    coords = [rows + dy, cols + dx]
    if x.ndim == 2:
        return map_coordinates(x, coords, order=1, mode="constant")
    return np.stack([map_coordinates(x[..., c], coords, order=1, mode="constant") for c in range(x.shape[2])],
                    axis=-1)


def _scale(x: np.ndarray) -> float:
    return min(x.shape[:2]) / 28.0


def _warp(x: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    h, w = x.shape[:2]
    # background (0) comes in at the edges, as in MNIST-C's affine corruptions
    return cv2.warpAffine(x, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


#: name -> ``f(image float64 (H, W) or (H, W, C) in 0..255, severity 1..5, rng) -> image``
CORRUPTIONS: dict[str, Callable[[np.ndarray, int, np.random.Generator], np.ndarray]] = {
    "gaussian_noise": _gaussian_noise,
    "shot_noise": _shot_noise,
    "gaussian_blur": _gaussian_blur,
    "contrast": _contrast,
    "brightness": _brightness,
    "rotation": _rotation,
    "translation": _translation,
    "jpeg": _jpeg,
    "elastic": _elastic,
}


def corrupt_images(X: np.ndarray, name: str, severity: int, seed: int = 0) -> np.ndarray:
    """``X`` with corruption ``name`` at ``severity``, each image seeded by its position.

    Args:
        X: ``(n, H, W)`` or ``(n, H, W, 3)`` uint8 images.
        name: one of :data:`CORRUPTIONS`.
        severity: 1 (mildest) to 5.
        seed: the corruption seed (fixed by the task, never the run's seed).

    Returns:
        An array of ``X``'s shape and dtype (uint8, clipped to 0..255).

    Raises:
        ValueError: an unknown ``name``, a severity outside 1..5, or ``X`` not uint8 images.
    """
    if name not in CORRUPTIONS:
        raise ValueError(f"unknown image corruption {name!r}; known: {', '.join(CORRUPTIONS)}")
    if severity not in SEVERITIES:
        raise ValueError(f"severity={severity!r} must be one of {list(SEVERITIES)}")
    X = np.asarray(X)
    if X.dtype != np.uint8 or X.ndim not in (3, 4):
        raise ValueError(f"images must be (n, H, W) or (n, H, W, C) uint8, got {X.shape} {X.dtype}")
    index = list(CORRUPTIONS).index(name)
    out = np.empty_like(X)
    for i, image in enumerate(X):
        rng = np.random.default_rng([seed, index, severity, i])
        out[i] = np.clip(np.rint(CORRUPTIONS[name](image.astype(np.float64), severity, rng)), 0, 255)
    return out
