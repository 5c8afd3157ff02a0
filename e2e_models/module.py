"""The training logic every e2e classifier shares: cross-entropy, accuracy, AdamW."""

from __future__ import annotations

import lightning as L
import torch
from torch.nn import functional as F


class ClassificationModule(L.LightningModule):
    """Base LightningModule for classifiers trained by ``LightningClassifier``.

    Subclasses build their layers in ``__init__`` (calling
    ``self.save_hyperparameters()`` with ``lr`` and ``weight_decay`` among their
    arguments) and define ``forward(x) -> (B, n_classes)`` logits. This class logs
    ``train_loss``/``train_acc`` and ``val_loss``/``val_acc`` per epoch (early
    stopping and checkpointing monitor ``val_acc``) and optimises with AdamW
    (Loshchilov & Hutter 2019).
    """

    def _step(self, batch: tuple[torch.Tensor, torch.Tensor], stage: str) -> torch.Tensor:
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        acc = (logits.argmax(dim=1) == y).float().mean()
        self.log(f"{stage}_loss", loss, on_step=False, on_epoch=True, prog_bar=stage != "train")
        self.log(f"{stage}_acc", acc, on_step=False, on_epoch=True, prog_bar=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
