"""A character-level CNN on raw bytes, after Zhang, Zhao & LeCun 2015, scaled down."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from e2e_models.byte_encoding import N_SYMBOLS, PAD, ByteClassifier


class CharCNN(ByteClassifier):
    """Temporal convolutions over byte embeddings, max-pooled over the whole text.

    After Xiang Zhang, Junbo Zhao and Yann LeCun, "Character-level
    Convolutional Networks for Text Classification", NeurIPS 2015: 1-d
    convolutions over characters (kernel 7 first, then 3), ReLU, max-pooling
    after the first layer, and a dropout-regularised fully connected
    classifier, with no words, tokenizer or pretrained embedding. Their "small"
    model (6 conv layers of 256 features over 1,014 one-hot characters, pooling
    by 3 after layers 1, 2 and 6, two 1,024-unit FC layers, dropout 0.5; about
    11M parameters) is scaled down here for a 2-core CPU and glosses of ~70
    characters, choices measured on 3,000 WordNet glosses:

    - input: UTF-8 bytes, ``max_len`` of them (160 covers 95% of WordNet
      glosses), not a 70-character alphabet. One-hot vectors times the first
      convolution are a byte embedding followed by a convolution, so a learned
      ``embed_dim``-wide embedding stands in for the one-hot input (32 learned
      faster than 16);
    - two conv layers of 96 (``channels``, ``kernel_sizes`` and ``pool_sizes``
      give any stack; the paper's pooling by 3 twice on 160 bytes, and 4
      layers, learned more slowly at this data size), then max-pooling over
      all positions (as in Kim 2014, "Convolutional Neural Networks for
      Sentence Classification", EMNLP) instead of flattening;
    - batch normalisation (Ioffe & Szegedy 2015) after each convolution and
      dropout 0.1: with dropout 0.5 the model stayed near the majority class
      for several epochs.

    Padding bytes (0) are zeroed after the embedding, so padding looks like
    silence, not like text.

    Args:
        n_classes: output classes.
        max_len: bytes per text (inputs are truncated or padded to it).
        embed_dim: width of the byte embedding.
        channels: output channels of each conv layer.
        kernel_sizes: kernel width of each conv layer.
        pool_sizes: max-pooling factor after each conv layer (1: none).
        hidden: width of the fully connected layer.
        dropout: dropout before each linear layer.
        lr, weight_decay: AdamW settings.

    Input of ``forward``: ``(B, max_len)`` uint8 or int64 bytes (see
    ``encode_inputs`` for strings). Output: ``(B, n_classes)`` float32 logits.

    Raises:
        ValueError: ``channels``, ``kernel_sizes`` and ``pool_sizes`` are empty
            or differ in length, or the pooling factor exceeds ``max_len``.
    """

    def __init__(self, n_classes: int = 24, max_len: int = 160, embed_dim: int = 32,
                 channels: Sequence[int] = (96, 96), kernel_sizes: Sequence[int] = (7, 3),
                 pool_sizes: Sequence[int] = (2, 1), hidden: int = 256, dropout: float = 0.1,
                 lr: float = 1e-3, weight_decay: float = 1e-4) -> None:
        super().__init__()
        channels, kernel_sizes, pool_sizes = list(channels), list(kernel_sizes), list(pool_sizes)
        if not channels or not len(channels) == len(kernel_sizes) == len(pool_sizes):
            raise ValueError(f"channels {channels}, kernel_sizes {kernel_sizes} and pool_sizes {pool_sizes} "
                             f"must be non-empty and of the same length")
        if max_len < int(np.prod(pool_sizes)):
            raise ValueError(f"max_len={max_len} is shorter than the pooling factor {int(np.prod(pool_sizes))}")
        self.save_hyperparameters()
        self.embed = nn.Embedding(N_SYMBOLS, embed_dim)
        layers: list[nn.Module] = []
        width = embed_dim
        for c, k, pool in zip(channels, kernel_sizes, pool_sizes):
            layers += [nn.Conv1d(width, c, k, padding=k // 2, bias=False), nn.BatchNorm1d(c), nn.ReLU()]
            if pool > 1:
                layers.append(nn.MaxPool1d(pool, ceil_mode=True))
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
