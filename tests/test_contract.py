"""The contract every task x method found in ``conf/`` keeps (after lm-evaluation-harness's
``tests/test_tasks.py``): through the real app, at ``experiment=tiny``, it writes a valid run
record, learns (beats predicting the training pool's most common target), and gives
bit-identical metrics when run again with the same config and seed.

A new method or task config is picked up here with no edit; a broken one fails here.
"""

from __future__ import annotations

import math

import pytest

from benchmarks import registry
from benchmarks.record import RunRecord
from benchmarks.tasks.base import UnitScores
from tests.conftest import records

CASES = [(task, method) for method, info in registry.methods().items() for task in info["tasks"]]


def _run(app, out, task, method, data_dir):
    code = app("experiment=tiny", f"task={task}", f"approach={registry.methods()[method]['approach']}",
               f"method={method}", "seed=0", "threads=1", "logger=csv", f"paths.data_dir={data_dir}",
               f"hydra.run.dir={out}")
    record = records(out)[0]
    assert code == 0, record["error"]
    return record


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One dataset cache for the module: the synthetic corpora and recordings are built once."""
    return tmp_path_factory.mktemp("data")


def test_the_registry_finds_every_task_and_pair():
    tasks = registry.tasks()
    assert {"image", "text", "speech", "driving", "translation"} <= set(tasks)
    methods = registry.methods()
    for task, pair in registry.pairs().items():
        for approach, method in pair.items():
            assert methods[method] == methods[method] | {"approach": approach}, (task, approach, method)
            assert task in methods[method]["tasks"]
    datasets = registry.datasets()
    for task in tasks:
        assert any(task in served for served in datasets.values()), f"no dataset serves task={task}"
        # the runner names a task by its config file before the task object exists
        from hydra.utils import get_class

        assert get_class(registry.compose([f"task={task}"]).task._target_).name == task
    for name in datasets:
        assert registry._entry("dataset", name)["name"] == name, f"conf/dataset/{name}.yaml names itself otherwise"
    for name in methods:
        assert registry._entry("method", name)["name"] == name, f"conf/method/{name}.yaml names itself otherwise"


@pytest.mark.parametrize("task, method", CASES, ids=[f"{t}-{m}" for t, m in CASES])
def test_method_keeps_the_contract(app, tmp_path, data_dir, task, method):
    first = _run(app, tmp_path / "1", task, method, data_dir)
    checked = RunRecord.from_dict(first)
    assert (checked.task, checked.method, checked.status) == (task, method, "ok")
    assert checked.dataset == registry.compose([f"task={task}"]).dataset.name
    value = checked.metrics[checked.primary_metric]
    assert isinstance(value, (int, float)) and math.isfinite(value)
    for key in ("fit_time_s", "feature_time_s", "predict_time_s", "n_params", "train_flops"):
        assert key in checked.cost
    assert checked.tuning["trials"] and checked.hyperparameters == checked.tuning["trials"][0]["params"]

    # the primary metric unit by unit, adding up to the recorded value
    units = UnitScores.load(tmp_path / "1" / checked.unit_scores["file"])
    assert len(units.unit) == checked.unit_scores["units"] > 0
    assert units.value == pytest.approx(value, rel=1e-9, abs=1e-12)

    # the robustness claim's test conditions, on the trained model of every run
    for name in first["config"]["task"].get("corruptions") or ():
        assert all(f"{checked.primary_metric}@corruption={name},severity={s}" in checked.metrics for s in range(1, 6))
    assert checked.cost["evaluation_time_s"] >= 0

    metric, trivial, higher = _trivial(task, data_dir)
    score = first["metrics"][metric]
    assert (score > trivial + 0.05 if higher else score < 0.9 * trivial), (metric, score, trivial)

    second = _run(app, tmp_path / "2", task, method, data_dir)
    if first["env"]["seeded"]:
        # bit-identical on the CPU: seeded subsets, initialisation and noise, deterministic training
        assert first["metrics"] == second["metrics"] and first["hyperparameters"] == second["hyperparameters"]
    else:
        # a component takes no seed (eflomal): the record says so, and a rerun stays close
        assert not second["env"]["seeded"]
        assert second["metrics"][metric] == pytest.approx(score, rel=0.25), (score, second["metrics"][metric])


def _trivial(task: str, data_dir) -> tuple[str, float, bool]:
    """The task's score of predicting the training pool's most common target, on the tiny preset's data."""
    from benchmarks.runner import build_task

    task_obj = build_task(registry.compose(["experiment=tiny", f"task={task}", f"paths.data_dir={data_dir}"]))
    return task_obj.trivial_score(task_obj.load())
