"""The character CNN (e2e_models/char_cnn.py)."""

from __future__ import annotations


def test_char_cnn_treats_padding_as_silence():
    import torch

    from e2e_models.char_cnn import CharCNN

    short, long = CharCNN(n_classes=4, max_len=32).eval(), CharCNN(n_classes=4, max_len=64).eval()
    long.load_state_dict(short.state_dict())
    text = ["a short gloss"]
    with torch.no_grad():
        a = short(torch.from_numpy(short.encode_inputs(text)))
        b = long(torch.from_numpy(long.encode_inputs(text)))
    assert torch.allclose(a, b, atol=1e-5), "more padding must not change the output"
