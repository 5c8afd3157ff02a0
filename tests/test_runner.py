"""The runner through the real Hydra app: records, resume, failures, bad overrides."""

from __future__ import annotations

import json

import pytest

from benchmarks import registry
from tests.conftest import FAST, records


def test_single_run_writes_a_complete_record(app, tmp_path):
    out = tmp_path / "run"
    assert app("train_size=300", "seed=0", f"hydra.run.dir={out}", *FAST) == 0
    record = json.loads((out / "result.json").read_text())
    assert record["status"] == "ok", record["error"]
    assert record["schema"] == 2
    assert (record["task"], record["dataset"], record["approach"], record["method"]) == \
        ("image", "fashion_mnist", "pipeline", "hog_svm")
    assert record["train_size"] == 300 and record["seed"] == 0
    assert {"accuracy", "macro_f1"} == set(record["val_metrics"]) <= set(record["metrics"])
    assert "accuracy@corruption=jpeg,severity=5" in record["metrics"]
    cost = record["cost"]
    for key in ("fit_time_s", "feature_time_s", "predict_time_s", "latency_ms_per_sample",
                "train_flops", "n_params", "peak_rss_mb"):
        assert key in cost
    assert 0 < cost["feature_time_s"] <= cost["fit_time_s"]
    assert cost["peak_rss_mb"] > 50
    assert record["config"]["train_size"] == 300 and record["config_hash"]
    assert record["env"]["torch"] and record["env"]["threads"] >= 1
    assert record["started_at"] <= record["finished_at"]
    assert not list(out.glob("*.tmp")), "no temporary file is left behind"


def test_whole_pool_is_the_default_for_null(app, tmp_path):
    out = tmp_path / "run"
    # A 1,000-image validation split leaves 59,000 images in the pool; the record
    # keeps the number actually used, not null.
    assert app("train_size=null", "task.val_size=59990", f"hydra.run.dir={out}", "tuning.budget=1") == 0
    record = records(out)[0]
    assert record["status"] == "ok", record["error"]
    assert record["train_size"] == 10


def test_sweep_writes_eight_records_and_a_relaunch_skips_them(app, tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "approach=pipeline,e2e", "train_size=100,200", "seed=0,1",
            f"hydra.sweep.dir={sweep}", *FAST, "trainer.max_epochs=1"]
    assert app(*args) == 0
    first = records(sweep)
    assert len(first) == 8 and all(r["status"] == "ok" for r in first)
    assert len({r["config_hash"] for r in first}) == 8
    stamps = {r["config_hash"]: r["finished_at"] for r in first}
    # seeds are paired: both approaches saw the same subset sizes
    assert {(r["approach"], r["train_size"], r["seed"]) for r in first} == \
        {(a, n, s) for a in ("pipeline", "e2e") for n in (100, 200) for s in (0, 1)}

    assert app(*args) == 0
    second = records(sweep)
    assert len(second) == 8, "no duplicate records"
    assert {r["config_hash"]: r["finished_at"] for r in second} == stamps, "nothing re-ran"


def test_a_failed_job_is_recorded_and_the_sweep_goes_on(app, tmp_path, capsys):
    sweep = tmp_path / "sweep"
    # 999999 exceeds the training pool: that job fails, the other one finishes.
    code = app("-m", "train_size=100,999999", f"hydra.sweep.dir={sweep}", *FAST)
    assert code == 1, "the sweep reports its failure in the exit status"
    by_size = {r["config"]["train_size"]: r for r in records(sweep)}
    assert by_size[100]["status"] == "ok"
    failed = by_size[999999]
    assert failed["status"] == "failed"
    assert "exceeds the training pool" in failed["error"]
    assert failed["metrics"] == {}
    out = capsys.readouterr().out
    assert "1 failed" in out and "train_size=999999" in out

    # the report builds from these records and shows the failure
    from reports import build_report

    report = build_report([sweep], tmp_path / "report").read_text()
    assert "exceeds the training pool" in report
    assert (tmp_path / "report" / "figures" / "learning_curve_image.png").stat().st_size > 0


def test_e2e_record_counts_flops_and_parameters(app, tmp_path):
    out = tmp_path / "run"
    assert app("approach=e2e", "train_size=200", f"hydra.run.dir={out}", *FAST) == 0
    record = records(out)[0]
    assert record["status"] == "ok", record["error"]
    assert record["method"] == "cnn"
    assert record["cost"]["n_params"] > 100_000
    # forward+backward FLOPs per image are ~10^7 for this CNN: 200 images x 1-2 epochs
    assert 200 * 1e6 < record["cost"]["train_flops"] < 200 * 2 * 1e9
    assert (out / "model.ckpt").is_file()
    assert (out / "logs" / "metrics.csv").is_file()


@pytest.mark.parametrize("task", registry.tasks())
def test_every_preset_composes_to_known_keys(task):
    """The unknown-key check (runner.CONFIG_KEYS) must accept every shipped config."""
    from benchmarks.runner import CONFIG_KEYS, DATA_KEYS

    experiments = [None] + registry._names("experiment")
    for experiment in experiments:
        for approach in registry.APPROACHES:
            overrides = [f"task={task}", f"approach={approach}"]
            overrides += [f"experiment={experiment}"] if experiment else []
            cfg = registry.compose(overrides)
            assert set(cfg.keys()) <= CONFIG_KEYS, (overrides, set(cfg.keys()) - CONFIG_KEYS)
            assert set((cfg.get("data") or {}).keys()) <= DATA_KEYS, (overrides, set(cfg.data.keys()) - DATA_KEYS)


def test_an_estimator_that_breaks_the_contract_is_named(app, tmp_path, capsys):
    code = app(f"hydra.run.dir={tmp_path / 'run'}", *FAST, "train_size=100",
               "method.estimator._target_=tests.fixtures.broken_estimator.ForgetsItsSize")
    assert code == 1
    [record] = records(tmp_path / "run")
    assert record["status"] == "failed"
    assert "ForgetsItsSize breaks the estimator contract (benchmarks/estimator.py): after fit it has no n_params_" \
        in record["error"]
