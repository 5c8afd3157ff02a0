"""A small Transformer encoder on raw bytes, patched into short groups."""

from __future__ import annotations

import torch
from torch import nn

from e2e_models.byte_encoding import N_SYMBOLS, PAD, ByteClassifier


class ByteTransformer(ByteClassifier):
    """Byte embeddings, grouped into patches, through a pre-LN Transformer encoder.

    The encoder is Vaswani et al. 2017 ("Attention Is All You Need", NeurIPS)
    with layer normalisation before each sub-layer (Xiong et al. 2020, "On Layer
    Normalization in the Transformer Architecture", ICML), which trains without
    a warm-up schedule. Inputs are UTF-8 bytes, as in ByT5 (Xue et al. 2022,
    TACL); to keep attention affordable on a CPU, every ``patch_size``
    consecutive byte embeddings are concatenated and projected to one token (a
    strided linear "patch embedding", as ViT does for pixels; Dosovitskiy et al.
    2021, ICLR), so 160 bytes become 40 tokens. Positions are learned
    embeddings. A patch made only of padding is masked out of attention and of
    the mean-pooled text vector that feeds the linear classifier.

    Args:
        n_classes: output classes.
        max_len: bytes per text; must be a multiple of ``patch_size``.
        patch_size: bytes per token (1: one token per byte).
        byte_dim: width of each byte's embedding before patching.
        d_model: token width; ``n_heads`` must divide it.
        n_heads: attention heads.
        n_layers: encoder layers.
        ff_mult: feed-forward width as a multiple of ``d_model``.
        dropout: dropout in the encoder and before the classifier.
        lr, weight_decay: AdamW settings.

    Input of ``forward``: ``(B, max_len)`` uint8 or int64 bytes (see
    ``encode_inputs`` for strings). Output: ``(B, n_classes)`` float32 logits.

    Raises:
        ValueError: ``max_len`` is not a multiple of ``patch_size``, or
            ``n_heads`` does not divide ``d_model``.
    """

    def __init__(self, n_classes: int = 24, max_len: int = 160, patch_size: int = 4, byte_dim: int = 32,
                 d_model: int = 64, n_heads: int = 4, n_layers: int = 2, ff_mult: int = 2,
                 dropout: float = 0.1, lr: float = 2e-3, weight_decay: float = 1e-2) -> None:
        super().__init__()
        if max_len % patch_size:
            raise ValueError(f"max_len={max_len} must be a multiple of patch_size={patch_size}")
        if d_model % n_heads:
            raise ValueError(f"n_heads={n_heads} must divide d_model={d_model}")
        self.save_hyperparameters()
        self.embed = nn.Embedding(N_SYMBOLS, byte_dim)
        self.patch = nn.Linear(patch_size * byte_dim, d_model)
        self.position = nn.Parameter(torch.zeros(1, max_len // patch_size, d_model))
        nn.init.normal_(self.position, std=0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=ff_mult * d_model, dropout=dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        # nested tensors only speed up inference and make eval numerics differ from training
        self.encoder = nn.TransformerEncoder(layer, n_layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(d_model, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.long()
        batch, length = x.shape
        p = self.hparams.patch_size
        h = self.embed(x) * (x != PAD).unsqueeze(-1)  # (B, L, E), padding zeroed
        h = self.patch(h.reshape(batch, length // p, -1)) + self.position  # (B, T, D)
        pad = (x != PAD).reshape(batch, length // p, p).any(dim=2).logical_not()  # (B, T), True = padding
        pad[:, 0] = False  # an empty text still attends to its first (all-padding) token
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        pooled = (h * keep).sum(dim=1) / keep.sum(dim=1)
        return self.head(pooled)
