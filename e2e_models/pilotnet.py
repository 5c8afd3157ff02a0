"""PilotNet: a CNN from the camera frame straight to the steering command."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from e2e_models.supervised import SupervisedModule


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
        width: multiplies every layer's channel and unit count (1.0: the
            paper's 24-36-48-64-64 convolutions and 100-50-10 units; the demo
            uses 0.5, about a quarter of the multiply-adds).
        dropout: dropout before each fully connected layer.
        lr: AdamW learning rate; weight_decay: AdamW weight decay.

    Input: ``(B, 96, 96, 3)`` uint8 (or float in [0, 255]) RGB frames.
    Output of ``forward``: ``(B,)`` float32 steering (unbounded; ``decode``
    clips it to [-1, 1]). For 96×96 inputs and ``width=1`` the network has
    297k parameters and about 19M multiply-adds per frame.
    """

    def __init__(self, width: float = 1.0, dropout: float = 0.2, lr: float = 1e-3,
                 weight_decay: float = 1e-4) -> None:
        super().__init__()
        self.save_hyperparameters()
        c1, c2, c3, c4, h1, h2, h3 = (max(1, round(n * width)) for n in (24, 36, 48, 64, 100, 50, 10))
        self.input_norm = nn.BatchNorm2d(3)
        self.features = nn.Sequential(
            nn.Conv2d(3, c1, 5, stride=2), nn.ELU(),
            nn.Conv2d(c1, c2, 5, stride=2), nn.ELU(),
            nn.Conv2d(c2, c3, 5, stride=2), nn.ELU(),
            nn.Conv2d(c3, c4, 3), nn.ELU(),
            nn.Conv2d(c4, c4, 3), nn.ELU(),
        )
        # 96 -> 46 -> 21 -> 9 -> 7 -> 5
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(c4 * 5 * 5, h1), nn.ELU(),
            nn.Dropout(dropout), nn.Linear(h1, h2), nn.ELU(), nn.Linear(h2, h3), nn.ELU(), nn.Linear(h3, 1),
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
