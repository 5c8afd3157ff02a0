"""PilotNet (e2e_models/pilotnet.py) learns to steer."""

from __future__ import annotations

import numpy as np


def test_tiny_pilotnet_beats_zero_steering(small):
    from e2e_models.estimator import LightningEstimator
    from e2e_models.pilotnet import PilotNet

    _, data = small
    est = LightningEstimator(PilotNet, {"lr": [1e-3]}, budget=1, seed=0, batch_size=32, trainer=dict(
        max_epochs=5, accelerator="cpu", deterministic=True, enable_progress_bar=False))
    train = data.train.take(np.arange(500))
    est.fit(train.X, train.y, data.val.X, data.val.y)
    mae = np.mean(np.abs(est.predict(data.test.X) - data.test.y))
    zero = np.mean(np.abs(data.test.y))
    assert mae < 0.7 * zero, (mae, zero)
