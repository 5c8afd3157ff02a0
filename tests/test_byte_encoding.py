"""Raw text as UTF-8 bytes (e2e_models/byte_encoding.py), as both byte-level models take it."""

from __future__ import annotations

import numpy as np
import pytest


def test_encode_bytes_truncates_and_pads():
    from e2e_models.byte_encoding import encode_bytes

    out = encode_bytes(np.array(["ab", "café", "x" * 10], dtype=object), max_len=4)
    assert out.dtype == np.uint8 and out.shape == (3, 4)
    assert out[0].tolist() == [97, 98, 0, 0]
    assert out[1].tolist() == [99, 97, 102, 0xC3]  # UTF-8 bytes; the cut splits the é
    assert out[2].tolist() == [120] * 4
    with pytest.raises(ValueError, match="item 0 is bytes"):
        encode_bytes([b"ab"], 4)


@pytest.mark.parametrize("method", ["char_cnn", "byte_transformer"])
def test_e2e_models_take_strings(method):
    import torch

    from e2e_models.byte_transformer import ByteTransformer
    from e2e_models.char_cnn import CharCNN

    model = {"char_cnn": CharCNN, "byte_transformer": ByteTransformer}[method](n_classes=4, max_len=32).eval()
    x = torch.from_numpy(model.encode_inputs(np.array(["a short gloss", "", "é" * 40], dtype=object)))
    assert x.shape == (3, 32) and x.dtype == torch.uint8
    logits = model(x)
    assert logits.shape == (3, 4) and torch.isfinite(logits).all()
    assert model.encode_inputs(x.numpy()) is not None  # already-encoded input passes through
