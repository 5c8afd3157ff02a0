"""The training logic every e2e model shares, and the classification case.

``SupervisedModule`` is the contract between a model and
``e2e_models.estimator.LightningEstimator``: the model says how to turn task inputs
and targets into arrays, what its loss is, which validation metric selects
epochs and candidates, and how outputs become predictions. Classification,
regression (driving) and sequence models (speech, CTC) fill it in differently.
"""

from __future__ import annotations

from typing import Any

import lightning as L
import numpy as np
import torch
from torch.nn import functional as F


class SupervisedModule(L.LightningModule):
    """Base LightningModule trained by ``LightningEstimator``.

    Subclasses build their layers in ``__init__`` (calling
    ``self.save_hyperparameters()`` with ``lr`` and ``weight_decay`` among their
    arguments), define ``forward``, :meth:`loss` and :meth:`decode`, and may
    override :meth:`metrics`, :meth:`encode_inputs` and :meth:`encode_targets`.
    Per epoch it logs ``{stage}_loss`` and every entry of :meth:`metrics` as
    ``{stage}_{name}``; early stopping and checkpointing watch ``monitor``
    (``val_loss`` by default, lower is better). Optimiser: AdamW (Loshchilov &
    Hutter 2019).
    """

    #: all layers trained together by gradient descent (AdamW)
    optimisation: str | None = "SGD"

    #: the logged validation metric that selects the best epoch and candidate
    monitor: str = "val_loss"
    #: ``"min"`` or ``"max"``: whether ``monitor`` improves downwards or upwards
    monitor_mode: str = "min"

    def prepare(self, X: Any, y: Any) -> None:
        """Fit what the model derives from the training subset before anything is encoded.

        Called once per candidate with the training inputs and targets only (never
        validation or test): a subword vocabulary, say. Whatever it fits must travel in
        the checkpoint (``get_extra_state``). Nothing by default.
        """

    def training_outputs(self, x: torch.Tensor, y: torch.Tensor) -> Any:
        """What :meth:`loss` scores in training and validation: ``forward(x)``, or, for a model
        fed its target prefix (teacher forcing), ``forward(x, y)``."""
        return self(x)

    def loss(self, outputs: Any, y: torch.Tensor) -> torch.Tensor:
        """The training loss of :meth:`training_outputs` against targets ``y``."""
        raise NotImplementedError

    def metrics(self, outputs: Any, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """Extra per-batch metrics to log (averaged over the epoch)."""
        return {}

    def decode(self, outputs: Any) -> torch.Tensor | list:
        """Predictions from ``forward``'s outputs for one batch: a tensor, or a list (e.g. strings)."""
        raise NotImplementedError

    def encode_inputs(self, X: Any) -> np.ndarray:
        """Raw task inputs -> a numeric array ``(n, ...)``; arrays pass unchanged."""
        return X

    def encode_targets(self, y: Any) -> np.ndarray:
        """Task targets -> a numeric array ``(n, ...)`` (what :meth:`loss` receives)."""
        return np.asarray(y)

    def input_lengths(self, X: np.ndarray) -> np.ndarray | None:
        """Valid lengths ``(n,)`` along axis 1 of encoded variable-length inputs, or ``None`` (fixed size).

        With lengths, training batches group similar lengths and are cut to
        their longest item (``e2e_models.datamodule.ArrayDataModule``).
        """
        return None

    def _step(self, batch: tuple[torch.Tensor, torch.Tensor], stage: str) -> torch.Tensor:
        x, y = batch
        outputs = self.training_outputs(x, y)
        loss = self.loss(outputs, y)
        self.log(f"{stage}_loss", loss, on_step=False, on_epoch=True, prog_bar=True)
        for name, value in self.metrics(outputs, y).items():
            self.log(f"{stage}_{name}", value, on_step=False, on_epoch=True, prog_bar=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)


class ClassificationModule(SupervisedModule):
    """A classifier: ``forward(x) -> (B, n_classes)`` logits, cross-entropy, accuracy.

    Targets are class indices (int64); epochs and candidates are selected by
    validation accuracy (``val_acc``); predictions are the arg-max class.
    """

    monitor = "val_acc"
    monitor_mode = "max"

    def loss(self, outputs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(outputs, y)

    def metrics(self, outputs: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"acc": (outputs.argmax(dim=1) == y).float().mean()}

    def decode(self, outputs: torch.Tensor) -> torch.Tensor:
        return outputs.argmax(dim=1)

    def encode_targets(self, y: Any) -> np.ndarray:
        return np.asarray(y, dtype=np.int64)
