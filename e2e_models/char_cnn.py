"""A character-level CNN on raw bytes, after Zhang, Zhao & LeCun 2015, scaled down."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from e2e_models.bytes import N_SYMBOLS, PAD, ByteClassifier


class CharCNN(ByteClassifier):
    """Temporal convolutions over byte embeddings, max-pooled over the whole text.

    After Xiang Zhang, Junbo Zhao and Yann LeCun, "Character-level
    Convolutional Networks for Text Classification", NeurIPS 2015: stacked 1-d
    convolutions (kernel 7, 7, then 3s) with max-pooling by 3 after the first
    two, ReLU, and a dropout-regularised fully connected classifier, trained on
    characters alone. Scaled down to fit a 2-core CPU and glosses of ~70
    characters (the paper's "small" model has 6 conv layers of 256 features,
    1,014 input characters and two 1,024-unit FC layers, about 11M parameters):

    - input: UTF-8 bytes, ``max_len`` of them (160 covers 95% of WordNet
      glosses), instead of a 70-character one-hot alphabet; the one-hot
      vectors times the first convolution become a learned ``embed_dim``-wide
      byte embedding then a convolution (the same model class, factorised);
    - ``channels`` gives the width of each conv layer (default 4 layers of 96);
    - the last conv layer is max-pooled over all positions (as in Kim 2014,
      "Convolutional Neural Networks for Sentence Classification", EMNLP),
      instead of flattened, so a short text's padding adds no parameters;
    - batch normalisation (Ioffe & Szegedy 2015) after each convolution,
      which lets the small model train in a few epochs.

    Padding bytes (0) embed to a learned vector that is masked to zero before
    the first convolution, so padding looks like silence, not like text.

    Args:
        n_classes: output classes.
        max_len: bytes per text (inputs are truncated or padded to it).
        embed_dim: width of the byte embedding.
        channels: output channels of each conv layer; the first two use kernel
            ``kernel_sizes[0]``/``[1]`` and are followed by max-pooling by 3.
        kernel_sizes: kernel width of each conv layer (same length as ``channels``).
        hidden: width of the fully connected layer.
        dropout: dropout before each linear layer (0.5 in the paper).
        lr, weight_decay: AdamW settings.

    Input of ``forward``: ``(B, max_len)`` uint8 or int64 bytes (see
    ``encode_inputs`` for strings). Output: ``(B, n_classes)`` float32 logits.

    Raises:
        ValueError: ``channels`` and ``kernel_sizes`` differ in length, or the
            two pooling stages leave no positions for ``max_len``.
    """

    def __init__(self, n_classes: int = 24, max_len: int = 160, embed_dim: int = 16,
                 channels: Sequence[int] = (96, 96, 96, 96), kernel_sizes: Sequence[int] = (7, 7, 3, 3),
                 hidden: int = 256, dropout: float = 0.5, lr: float = 2e-3, weight_decay: float = 1e-2) -> None:
        super().__init__()
        channels, kernel_sizes = list(channels), list(kernel_sizes)
        if len(channels) != len(kernel_sizes) or not channels:
            raise ValueError(f"channels {channels} and kernel_sizes {kernel_sizes} must be non-empty "
                             f"and of the same length")
        if max_len // 9 < 1:
            raise ValueError(f"max_len={max_len} is too short for two max-pools by 3")
        self.save_hyperparameters()
        self.embed = nn.Embedding(N_SYMBOLS, embed_dim)
        layers: list[nn.Module] = []
        width = embed_dim
        for i, (c, k) in enumerate(zip(channels, kernel_sizes)):
            layers += [nn.Conv1d(width, c, k, padding=k // 2, bias=False), nn.BatchNorm1d(c), nn.ReLU()]
            if i < 2:
                layers.append(nn.MaxPool1d(3, ceil_mode=True))
            width = c
        self.convs = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(width, hidden), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.long()
        h = self.embed(x) * (x != PAD).unsqueeze(-1)  # (B, L, E), padding zeroed
        h = self.convs(h.transpose(1, 2))  # (B, C, L/9)
        return self.classifier(h.amax(dim=2))
