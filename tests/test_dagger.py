"""DAgger (e2e_models/dagger.py): expert labels budgeted across rounds."""

from __future__ import annotations

from functools import partial


def test_dagger_spends_part_of_the_label_budget_on_relabelled_frames(small):
    from e2e_models.dagger import DAgger
    from e2e_models.estimator import LightningEstimator
    from e2e_models.pilotnet import PilotNet

    _, data = small
    sizes = []

    class Recording(LightningEstimator):
        def fit(self, X, y, X_val, y_val):
            sizes.append(len(y))
            return super().fit(X, y, X_val, y_val)

    base = Recording(partial(PilotNet, width=0.25), budget=1, batch_size=64,
                     trainer=dict(max_epochs=1, accelerator="cpu", enable_progress_bar=False))
    dagger = DAgger(base, rounds=1, relabel_fraction=0.4, train_seed=1000, n_tracks=2).fit(
        data.train.X[:500], data.train.y[:500], data.val.X, data.val.y)
    assert sizes == [300, 500] and dagger.n_relabelled_ == 200  # 500 expert labels in all
    assert dagger.predict(data.test.X[:5]).shape == (5,)


def test_dagger_with_too_few_labels_for_its_rounds_skips_the_empty_ones(small):
    from e2e_models.dagger import DAgger
    from e2e_models.estimator import LightningEstimator
    from e2e_models.pilotnet import PilotNet

    _, data = small
    base = LightningEstimator(partial(PilotNet, width=0.25), budget=1, batch_size=8,
                              trainer=dict(max_epochs=1, accelerator="cpu", enable_progress_bar=False))
    # 3 labels, 40%: 1 relabelled frame for 2 rounds, so one round gets none
    dagger = DAgger(base, rounds=2, relabel_fraction=0.4, train_seed=1000, n_tracks=2).fit(
        data.train.X[:3], data.train.y[:3], data.val.X[:20], data.val.y[:20])
    assert dagger.n_relabelled_ == 1
    no_rounds = DAgger(base, rounds=1, relabel_fraction=0.0, train_seed=1000, n_tracks=2).fit(
        data.train.X[:20], data.train.y[:20], data.val.X[:20], data.val.y[:20])
    assert no_rounds.n_relabelled_ == 0 and no_rounds.predict(data.test.X[:2]).shape == (2,)
