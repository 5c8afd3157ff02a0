"""MFCC features (pipelines/mfcc.py)."""

from __future__ import annotations

import numpy as np
import pytest


def test_mfcc_shapes_and_mean_normalisation(tiny_data):
    from pipelines.mfcc import MFCC

    x = tiny_data.train.X[0]
    (f,) = MFCC().fit([x]).transform([x])
    assert f.shape == (1 + len(x) // 160, 39) and f.dtype == np.float32
    assert np.allclose(f[:, :13].mean(axis=0), 0, atol=1e-3), "cepstral mean normalisation"
    with pytest.raises(ValueError, match="non-empty 1-d waveform"):
        MFCC().transform([np.zeros(0, np.int16)])


def test_warm_up_reaches_the_feature_steps_before_timing():
    """librosa's first call (numba compilation) must not be charged to the first job of a process."""
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from pipelines.mfcc import MFCC
    from pipelines.tuned import TunedPipeline

    calls = []

    class Counting(MFCC):
        def warm_up(self):
            calls.append(1)
            super().warm_up()

    TunedPipeline(Pipeline([("mfcc", Counting()), ("svm", LinearSVC())])).warm_up()
    assert calls == [1]
