"""A small CNN on raw pixels for 28×28 grey images."""

from __future__ import annotations

import torch
from torch import nn

from e2e_models.module import ClassificationModule


class CNN(ClassificationModule):
    """Two conv–BN–ReLU–pool stages and a dropout-regularised classifier.

    The layout follows the common small Fashion-MNIST baselines (conv 3×3, 32 then
    64 channels, max-pool 2×2, a 128-unit hidden layer); batch normalisation is
    from Ioffe & Szegedy 2015. Scaling of the raw uint8 pixels happens inside the
    network (``x / 255`` then a learned ``BatchNorm2d``), so no preprocessing is
    handcrafted.

    Args:
        n_classes: output classes.
        image_size: input side in pixels (square images).
        channels: output channels of the two conv stages.
        hidden: width of the fully connected layer.
        dropout: dropout before each linear layer.
        lr: AdamW learning rate; weight_decay: AdamW weight decay.

    Input: ``(B, H, W)`` or ``(B, 1, H, W)`` uint8 or float pixels in [0, 255].
    Output of ``forward``: ``(B, n_classes)`` float32 logits.
    """

    def __init__(self, n_classes: int = 10, image_size: int = 28, channels: tuple[int, int] = (32, 64),
                 hidden: int = 128, dropout: float = 0.25, lr: float = 1e-3,
                 weight_decay: float = 1e-4) -> None:
        super().__init__()
        self.save_hyperparameters()
        c1, c2 = channels
        self.input_norm = nn.BatchNorm2d(1)
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        )
        side = image_size // 4
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(c2 * side * side, hidden), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3:
            x = x.unsqueeze(1)
        x = self.input_norm(x.float() / 255.0)
        return self.classifier(self.features(x))
