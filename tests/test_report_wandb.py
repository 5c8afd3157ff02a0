"""W&B: ``logger=wandb`` logs the record's config and metrics offline, and ``e2ebench-report --wandb
ENTITY/PROJECT`` reads such runs back, tested on recorded GraphQL run nodes with no network."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.record import TRACKER_KEY, tracker_payload
from reports import build_report
from reports.cli import main
from reports.errors import ReportError
from reports.wandb_source import run_to_record
from test_report import make_record

FIXTURE = Path(__file__).parent / "fixtures" / "wandb_api" / "runs.json"
PROJECT = "e2e-lab/e2ebench"


class RecordedApi:
    """Stands in for ``wandb.Api``: ``runs(path)`` builds real ``wandb.apis.public.Run`` objects from
    the recorded GraphQL nodes, exactly as ``wandb.apis.public.Runs.convert_objects`` does."""

    def __init__(self, fixture: Path = FIXTURE):
        self.nodes = json.loads(fixture.read_text())["nodes"]
        self.asked: list[str] = []

    def runs(self, path: str):
        from wandb.apis.public import Run

        self.asked.append(path)
        if path != PROJECT:
            raise ValueError(f"Could not find project {path}")
        entity, project = path.split("/")
        return [Run(None, entity, project, node["name"], dict(node), lazy=False) for node in self.nodes]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open an internet (IPv4/IPv6) connection fails the test; local Unix sockets
    (the W&B service process) still work."""
    connect = socket.socket.connect

    def refuse(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"the test tried to reach the network: {address}")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_tracker_payload_round_trips_to_the_record():
    record = make_record("image", "e2e", 2000, 1, metrics={"accuracy": 0.9, "wer@snr=10": 0.2})
    hyperparameters, metrics = tracker_payload(record)
    assert hyperparameters[TRACKER_KEY]["primary_metric"] == "accuracy" and "tuning" in hyperparameters
    assert metrics["test/accuracy"] == 0.9 and metrics["test/wer@snr=10"] == 0.2
    assert "cost/train_flops" in metrics and metrics["cost/fit_time_s"] == 1.0
    back = run_to_record(hyperparameters, metrics)
    for key in ("task", "approach", "method", "train_size", "seed", "status", "config_hash", "metrics", "config"):
        assert back[key] == record[key], key
    assert back["cost"] == {k: v for k, v in record["cost"].items()}
    with pytest.raises(ValueError, match="not an e2ebench run"):
        run_to_record({"lr": 0.1}, {})


def test_report_reads_a_wandb_project_from_recorded_responses(tmp_path, no_network):
    api = RecordedApi()
    with pytest.warns(UserWarning, match="runother.*not an e2ebench run"):
        report = build_report([], tmp_path / "out", wandb_projects=[PROJECT], wandb_api=api, n_bootstrap=20)
    assert api.asked == [PROJECT]
    runs = pd.read_csv(tmp_path / "out" / "runs.csv")
    assert len(runs) == 13 and (runs["status"] == "failed").sum() == 1
    assert runs["path"].str.startswith(f"wandb://{PROJECT}/").all()
    accuracy = pd.read_csv(tmp_path / "out" / "tables" / "accuracy_image.csv").set_index(["approach", "train_size"])
    assert accuracy.loc[("e2e", 2000), "mean"] == pytest.approx(0.89) and accuracy.loc[("e2e", 2000), "n_seeds"] == 3
    text = report.read_text()
    assert "RuntimeError: CUDA out of memory" in text and f"wandb://{PROJECT}/runfail" in text
    verdicts = pd.read_csv(tmp_path / "out" / "tables" / "verdicts_image.csv").set_index("claim")
    assert verdicts.loc["performance", "n_seeds"] == 3


def test_cli_wandb_option_and_its_errors(tmp_path, monkeypatch, capsys, no_network):
    monkeypatch.setattr("reports.wandb_source.make_api", RecordedApi)
    out = tmp_path / "out"
    assert main(["--wandb", PROJECT, "--out", str(out), "--format", "md", "--bootstrap", "20"]) == 0
    assert (out / "report.md").is_file() and not (out / "report.html").exists()
    assert main(["--wandb", "e2e-lab/missing", "--out", str(out)]) == 2
    assert "could not read W&B project e2e-lab/missing" in capsys.readouterr().err
    assert main(["--wandb", "no-slash", "--out", str(out)]) == 2
    assert "must be ENTITY/PROJECT" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([])
    with pytest.raises(ReportError, match="ENTITY/PROJECT"):
        build_report([], tmp_path / "x", wandb_projects=["a/b/c"], wandb_api=RecordedApi())


def test_logger_wandb_logs_config_and_record_metrics_offline(tmp_path, monkeypatch, no_network):
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from benchmarks.runner import _log_to_tracker

    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    config = OmegaConf.load(Path(__file__).parent.parent / "conf" / "logger" / "wandb.yaml")
    for key in ("group", "job_type", "tags"):
        del config[key]  # interpolations of the full app config
    config.save_dir = str(tmp_path)
    logger = instantiate(config)
    record = make_record("image", "e2e", 2000, 1, metrics={"accuracy": 0.9})
    experiment = logger.experiment
    _log_to_tracker(logger, record)
    assert experiment.settings.mode == "offline"
    assert experiment.config[TRACKER_KEY]["primary_metric"] == "accuracy"
    assert experiment.config["tuning"]["budget"] == 2
    assert experiment.summary["test/accuracy"] == 0.9 and experiment.summary["cost/fit_time_s"] == 1.0
    assert list((tmp_path / "wandb").glob("offline-run-*"))
