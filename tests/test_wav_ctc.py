"""The waveform CTC model (e2e_models/wav_ctc.py)."""

from __future__ import annotations

import numpy as np
import pytest


def test_wav_ctc_encodes_and_decodes_transcripts():
    import torch

    from e2e_models.wav_ctc import WavCTC

    model = WavCTC()
    y = model.encode_targets(["one oh seven", "nine"])
    assert y.tolist() == [[3, 1, 9], [11, 0, 0]]
    X = model.encode_inputs([np.ones(8000, np.int16), np.ones(3000, np.int16)])
    assert X.shape == (2, 8000) and model.input_lengths(X).tolist() == [8000, 3000]
    # the path "oh oh blank oh one" (labels 1 1 0 1 3) collapses to "oh oh one"
    path = torch.tensor([[1, 1, 0, 1, 3]])
    assert model.decode(torch.nn.functional.one_hot(path, 12).float().log()) == ["oh oh one"]
    with pytest.raises(ValueError, match="has the word 'ten'"):
        model.encode_targets(["one ten"])
