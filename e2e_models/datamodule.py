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
        lengths_train, lengths_val: optional ``(n,)`` valid lengths along axis
            1 of variable-length inputs (see ``SupervisedModule.input_lengths``):
            training batches then group similar lengths (bucketing) and every
            batch is cut to its longest item.
    """

    def __init__(self, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                 y_val: np.ndarray, batch_size: int = 128, seed: int = 0,
                 lengths_train: np.ndarray | None = None, lengths_val: np.ndarray | None = None) -> None:
        super().__init__()
        self.train_set = _TrimmedDataset(X_train, y_train, lengths_train)
        self.val_set = _TrimmedDataset(X_val, y_val, lengths_val)
        self.batch_size = batch_size
        self.seed = seed

    def train_dataloader(self) -> DataLoader:
        generator = torch.Generator().manual_seed(self.seed)
        if self.train_set.lengths is None:
            sampler = BatchSampler(RandomSampler(self.train_set, generator=generator), self.batch_size,
                                   drop_last=False)
        else:
            sampler = _BucketBatchSampler(self.train_set.lengths, self.batch_size, generator)
        return _batched_loader(self.train_set, sampler)

    def val_dataloader(self) -> DataLoader:
        if self.val_set.lengths is None:
            sampler = BatchSampler(SequentialSampler(self.val_set), 1024, drop_last=False)
        else:  # sorted by length: little padding per batch
            order = np.argsort(self.val_set.lengths, kind="stable").tolist()
            sampler = [order[i:i + 256] for i in range(0, len(order), 256)]
        return _batched_loader(self.val_set, sampler)


class _TrimmedDataset(TensorDataset):
    """In-memory tensors; with ``lengths``, a batch's inputs are cut to its longest item.

    ``lengths`` (``(n,)`` ints) are the valid prefix length along axis 1 of
    each padded input (samples of a waveform, say): variable-length sequences
    are stored padded to the longest, but a batch only carries the padding its
    own items need.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, lengths: np.ndarray | None) -> None:
        super().__init__(torch.from_numpy(np.ascontiguousarray(X)), torch.from_numpy(np.ascontiguousarray(y)))
        self.lengths = None if lengths is None else np.asarray(lengths, dtype=np.int64)

    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        if self.lengths is not None:
            x = x[..., :max(1, int(self.lengths[index].max()))]
        return x, y


class _BucketBatchSampler:
    """Random batches of similar length: shuffle, sort within pools of 50 batches, shuffle the batches.

    The usual bucketing of sequence models (e.g. fairseq, ESPnet): padding
    waste drops from the longest item of the whole set to that of a batch.
    """

    def __init__(self, lengths: np.ndarray, batch_size: int, generator: torch.Generator) -> None:
        self.lengths, self.batch_size, self.generator = lengths, batch_size, generator

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=self.generator).numpy()
        pool = 50 * self.batch_size
        batches = []
        for start in range(0, len(order), pool):
            chunk = order[start:start + pool]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches += [chunk[i:i + self.batch_size].tolist() for i in range(0, len(chunk), self.batch_size)]
        for b in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[b]


def _batched_loader(dataset: TensorDataset, sampler) -> DataLoader:
    # One fancy-index per batch instead of collating items one by one (about a
    # third of a small CNN's step time here); data is in memory, so no workers.
    return DataLoader(dataset, sampler=sampler, batch_size=None)
