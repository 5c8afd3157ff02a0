"""A small CNN on raw pixels, for grey or colour images of any size (28×28 grey by default)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from e2e_models.supervised import ClassificationModule


class CNN(ClassificationModule):
    """Two conv–BN–ReLU–pool stages and a dropout-regularised classifier.

    The layout follows the common small Fashion-MNIST baselines (conv 3×3, 32 then
    64 channels, max-pool 2×2, a 128-unit hidden layer); batch normalisation is
    from Ioffe & Szegedy 2015. Scaling of the raw uint8 pixels happens inside the
    network (``x / 255`` then a learned ``BatchNorm2d``), so no preprocessing is
    handcrafted.

    Args:
        n_classes: output classes.
        input_shape: one image's shape, ``(H, W)`` for grey images or
            ``(H, W, C)`` for ``C`` channels (channels last, as the image task
            gives them); ``H`` and ``W`` are in pixels, at least 4 each (two
            2×2 poolings).
        channels: output channels of the two conv stages.
        hidden: width of the fully connected layer.
        dropout: dropout before each linear layer.
        lr: AdamW learning rate; weight_decay: AdamW weight decay.

    Input of ``forward``: ``(B, H, W)`` (grey) or ``(B, H, W, C)`` uint8 or
    float pixels in [0, 255]. Output: ``(B, n_classes)`` float32 logits.

    Raises:
        ValueError: ``input_shape`` is not ``(H, W)`` or ``(H, W, C)`` with
            ``H, W >= 4`` and ``C >= 1``.
    """

    def __init__(self, n_classes: int = 10, input_shape: Sequence[int] = (28, 28),
                 channels: tuple[int, int] = (32, 64), hidden: int = 128, dropout: float = 0.25,
                 lr: float = 1e-3, weight_decay: float = 1e-4) -> None:
        super().__init__()
        input_shape = tuple(int(d) for d in input_shape)
        if len(input_shape) not in (2, 3) or min(input_shape[:2]) < 4 or min(input_shape) < 1:
            raise ValueError(f"input_shape={input_shape} must be (H, W) or (H, W, C) with H, W >= 4")
        self.save_hyperparameters()
        height, width = input_shape[:2]
        in_channels = input_shape[2] if len(input_shape) == 3 else 1
        c1, c2 = channels
        self.input_norm = nn.BatchNorm2d(in_channels)
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, 3, padding=1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(c2 * (height // 4) * (width // 4), hidden), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2)
        x = self.input_norm(x.float() / 255.0)
        return self.classifier(self.features(x))
