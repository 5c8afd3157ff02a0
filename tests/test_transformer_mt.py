"""The Transformer encoder-decoder (e2e_models/transformer_mt.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from e2e_models.transformer_mt import TransformerMT


@pytest.fixture(scope="module")
def pairs(bible_corpus):
    return list(bible_corpus.train.X[:400]), list(bible_corpus.train.y[:400])


def test_incremental_decoding_equals_the_teacher_forced_pass(pairs):
    X, y = pairs
    torch.manual_seed(0)
    model = TransformerMT(vocab_size=500, d_model=32, n_heads=4, n_layers=2, ff_dim=64, dropout=0.0)
    model.prepare(X, y)
    model.eval()
    x, target = torch.from_numpy(model.encode_inputs(X[:4])), torch.from_numpy(model.encode_targets(y[:4]))
    with torch.no_grad():
        full = torch.log_softmax(model(x, target[:, :-1]), dim=-1)
        memory_kv, memory_mask = model._memory_cache(*model(x))
        cache = [None] * 2
        for t in range(6):
            step, cache = model._step_logprobs(target[:, t], t, cache, memory_kv, memory_mask)
            assert torch.allclose(step, full[:, t], atol=1e-4)


def test_the_vocabulary_travels_in_the_checkpoint(pairs):
    X, y = pairs
    model = TransformerMT(vocab_size=500, d_model=32, n_heads=4, n_layers=1, ff_dim=64)
    model.prepare(X, y)
    restored = TransformerMT(vocab_size=500, d_model=32, n_heads=4, n_layers=1, ff_dim=64)
    with pytest.raises(RuntimeError, match="no vocabulary"):
        restored.encode_inputs(X[:2])
    restored.load_state_dict(model.state_dict())
    assert np.array_equal(restored.encode_inputs(X[:5]), model.encode_inputs(X[:5]))


def test_a_tiny_transformer_lowers_validation_loss_and_writes_spanish(pairs, tmp_path, bible_corpus):
    from functools import partial

    from e2e_models.estimator import LightningEstimator

    X, y = pairs
    X_val, y_val = list(bible_corpus.val.X[:60]), list(bible_corpus.val.y[:60])
    estimator = LightningEstimator(partial(TransformerMT, vocab_size=600, d_model=64, n_heads=4, n_layers=1,
                                           ff_dim=128, dropout=0.1, warmup=30, lr=3e-3, beam=2),
                                   budget=1, batch_size=16, patience=5, output_dir=tmp_path,
                                   trainer={"max_epochs": 6, "accelerator": "cpu", "enable_progress_bar": False,
                                            "log_every_n_steps": 1})
    estimator.fit(X, y, X_val, y_val)
    import pandas as pd

    log = pd.read_csv(next(tmp_path.rglob("metrics.csv"))).dropna(subset=["val_loss"])
    assert log["val_loss"].iloc[-1] < log["val_loss"].iloc[0] - 0.5, log["val_loss"].tolist()
    out = estimator.predict(X_val[:8])
    spanish = {w for t in y for w in t.split()}
    words = [w for o in out for w in o.split()]
    assert words and np.mean([w in spanish for w in words]) > 0.5, out
    assert {"y", "la"} <= set(words), out
    assert estimator.search_results_[0]["stopped_by"] in ("max_epochs", "early_stopping")


def test_a_vocabulary_smaller_than_asked_never_emits_a_missing_piece(pairs):
    X, y = pairs
    model = TransformerMT(vocab_size=2000, d_model=32, n_heads=4, n_layers=1, ff_dim=64, beam=2)
    model.prepare(X[:30], y[:30])  # far fewer than 2,000 pieces
    assert model._vocabulary().get_piece_size() < 2000
    model.eval()
    with torch.no_grad():
        out = model.decode(model(torch.from_numpy(model.encode_inputs(X[:3]))))
    assert len(out) == 3 and all(isinstance(o, str) for o in out)
    with pytest.raises(ValueError, match="vocab_size=1 must be at least"):
        TransformerMT(vocab_size=1)
