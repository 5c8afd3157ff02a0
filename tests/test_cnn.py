"""The image CNN (e2e_models/cnn.py) takes any image shape the dataset gives."""

from __future__ import annotations

import numpy as np
import pytest


def test_cnn_takes_colour_and_non_square_images():
    import torch

    from e2e_models.cnn import CNN

    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    colour = CNN(n_classes=3, input_shape=(32, 32, 3)).eval()
    assert colour.input_norm.num_features == 3 and colour.features[0].in_channels == 3
    X = torch.from_numpy(rng.integers(0, 256, size=(5, 32, 32, 3), dtype=np.uint8))  # channels last
    with torch.no_grad():
        logits = colour(X)
        swapped = colour(X.flip(-1))  # RGB -> BGR: the channels must be read as channels
    assert logits.shape == (5, 3) and logits.dtype == torch.float32 and torch.isfinite(logits).all()
    assert not torch.allclose(logits, swapped)
    grey = CNN(n_classes=4, input_shape=(20, 28)).eval()  # H // 4 = 5, W // 4 = 7
    assert grey.classifier[2].in_features == 64 * 5 * 7
    with torch.no_grad():
        assert grey(torch.zeros(2, 20, 28, dtype=torch.uint8)).shape == (2, 4)
    with pytest.raises(ValueError, match="input_shape"):
        CNN(input_shape=(28,))
