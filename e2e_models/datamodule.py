"""A LightningDataModule over in-memory arrays."""

from __future__ import annotations

import lightning as L
import numpy as np
import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset


class ArrayDataModule(L.LightningDataModule):
    """Training and validation batches from numpy arrays held in memory.

    Inputs keep their dtype (uint8 pixels stay uint8 until the model scales
    them), so the model, not the data module, owns normalisation.

    Args:
        X_train, y_train: ``(n, ...)`` inputs and ``(n, ...)`` targets, as the
            model's ``encode_targets`` made them (int64 class indices, float32
            steering angles, padded label sequences...).
        X_val, y_val: the validation split, same layout.
        batch_size: examples per training batch.
        seed: seeds the shuffling generator, so batch order is reproducible.
    """

    def __init__(self, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                 y_val: np.ndarray, batch_size: int = 128, seed: int = 0) -> None:
        super().__init__()
        self.train_set = TensorDataset(torch.from_numpy(np.ascontiguousarray(X_train)),
                                       torch.from_numpy(np.ascontiguousarray(y_train)))
        self.val_set = TensorDataset(torch.from_numpy(np.ascontiguousarray(X_val)),
                                     torch.from_numpy(np.ascontiguousarray(y_val)))
        self.batch_size = batch_size
        self.seed = seed

    def train_dataloader(self) -> DataLoader:
        generator = torch.Generator().manual_seed(self.seed)
        sampler = BatchSampler(RandomSampler(self.train_set, generator=generator), self.batch_size, drop_last=False)
        return _batched_loader(self.train_set, sampler)

    def val_dataloader(self) -> DataLoader:
        return _batched_loader(self.val_set, BatchSampler(SequentialSampler(self.val_set), 1024, drop_last=False))


def _batched_loader(dataset: TensorDataset, sampler: BatchSampler) -> DataLoader:
    # One fancy-index per batch instead of collating items one by one (about a
    # third of a small CNN's step time here); data is in memory, so no workers.
    return DataLoader(dataset, sampler=sampler, batch_size=None)
