"""Length-bucketed batches (e2e_models/datamodule.py)."""

from __future__ import annotations

import numpy as np


def test_variable_length_batches_are_bucketed_and_trimmed():
    from e2e_models.datamodule import ArrayDataModule

    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 100, size=200)
    X = np.zeros((200, 100), dtype=np.int16)
    for i, n in enumerate(lengths):
        X[i, :n] = 1
    y = np.arange(200)
    dm = ArrayDataModule(X, y, X[:50], y[:50], batch_size=16, seed=0,
                         lengths_train=lengths, lengths_val=lengths[:50])
    seen = []
    for xb, yb in dm.train_dataloader():
        assert xb.shape[1] == lengths[yb.numpy()].max(), "cut to the batch's longest item"
        seen += yb.tolist()
    assert sorted(seen) == list(range(200)), "every item once per epoch"
    spread = np.mean([np.ptp(lengths[yb.numpy()]) for _, yb in dm.train_dataloader()])
    assert spread < 20, "batches group similar lengths"
    assert sorted(int(i) for _, yb in dm.val_dataloader() for i in yb) == list(range(50))
