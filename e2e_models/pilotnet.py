"""PilotNet: a CNN from the camera frame straight to the steering command."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from e2e_models.module import SupervisedModule


class PilotNet(SupervisedModule):
    """The PilotNet layout (Bojarski et al. 2016, "End to End Learning for
    Self-Driving Cars", arXiv:1604.07316, Fig. 4), sized for 96×96 frames.

    A normalisation layer, three 5×5 stride-2 convolutions (24, 36, 48 channels),
    two 3×3 convolutions (64, 64), and fully connected layers of 100, 50 and 10
    units to one output, the steering command. As in the paper the
    normalisation is part of the network: ``x / 255`` then a learned per-channel
    ``BatchNorm2d`` (the paper's layer is fixed; learning it costs six numbers).
    The whole frame goes in, indicator bar included: nothing is handcrafted.
    Trained as a regressor by ``LightningEstimator`` (mean squared error on the
    expert's steering; epochs and candidates selected by ``val_loss``).

    Args:
        dropout: dropout before each fully connected layer.
        lr: AdamW learning rate; weight_decay: AdamW weight decay.

    Input: ``(B, 96, 96, 3)`` uint8 (or float in [0, 255]) RGB frames.
    Output of ``forward``: ``(B,)`` float32 steering (unbounded; ``decode``
    clips it to [-1, 1]). For 96×96 inputs the network has about 250k parameters.
    """

    def __init__(self, dropout: float = 0.2, lr: float = 1e-3, weight_decay: float = 1e-4) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.input_norm = nn.BatchNorm2d(3)
        self.features = nn.Sequential(
            nn.Conv2d(3, 24, 5, stride=2), nn.ELU(),
            nn.Conv2d(24, 36, 5, stride=2), nn.ELU(),
            nn.Conv2d(36, 48, 5, stride=2), nn.ELU(),
            nn.Conv2d(48, 64, 3), nn.ELU(),
            nn.Conv2d(64, 64, 3), nn.ELU(),
        )
        # 96 -> 46 -> 21 -> 9 -> 7 -> 5
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(64 * 5 * 5, 100), nn.ELU(),
            nn.Dropout(dropout), nn.Linear(100, 50), nn.ELU(), nn.Linear(50, 10), nn.ELU(), nn.Linear(10, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 3, 1, 2).float() / 255.0  # NHWC frames -> NCHW
        return self.head(self.features(self.input_norm(x))).squeeze(1)

    def loss(self, outputs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(outputs, y)

    def metrics(self, outputs: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"mae": (outputs.clamp(-1, 1) - y).abs().mean()}

    def decode(self, outputs: torch.Tensor) -> torch.Tensor:
        return outputs.clamp(-1.0, 1.0)

    def encode_targets(self, y: Any) -> np.ndarray:
        return np.asarray(y, dtype=np.float32)
