"""The image pair learns: both sides far above chance (0.10) on a 2,000-image subset."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import records


@pytest.mark.parametrize("approach, extra", [
    ("pipeline", []),
    ("e2e", ["trainer.max_epochs=4"]),
])
def test_each_side_passes_070_on_2k_images(app, tmp_path, approach, extra):
    out = tmp_path / approach
    code = app(f"approach={approach}", "train_size=2000", "seed=0", "tuning.budget=1",
               "task.val_size=1000", f"hydra.run.dir={out}", *extra)
    record = records(out)[0]
    assert code == 0, record["error"]
    assert record["train_size"] == 2000
    assert record["metrics"]["accuracy"] > 0.70  # full 10,000-image test split
    assert record["val_metrics"]["accuracy"] > 0.70


def test_hog_pipeline_is_deterministic(app, tmp_path):
    metrics = []
    for i in range(2):
        out = tmp_path / str(i)
        assert app("train_size=500", "seed=3", "task.val_size=1000", "tuning.budget=2",
                   f"hydra.run.dir={out}") == 0
        metrics.append(records(out)[0]["metrics"])
    assert metrics[0] == metrics[1]


def test_validation_split_is_fixed_and_disjoint():
    from benchmarks.tasks.image import ImageTask

    a, b = ImageTask(val_size=1000).load(), ImageTask(val_size=1000).load()
    assert np.array_equal(a.val.y, b.val.y) and np.array_equal(a.val.X, b.val.X)
    assert len(a.train) == 59000 and len(a.test) == 10000
    assert np.bincount(a.val.y).tolist() == [100] * 10
    # no validation image is also in the training pool
    pool = {x.tobytes() for x in a.train.X[:20000]}
    assert not any(x.tobytes() in pool for x in a.val.X[:200] if x.any())
