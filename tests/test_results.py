"""The run records kept in git (reports/results/) are valid, unique, and the kept report is built from exactly them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.record import config_hash
from reports.collect import check_record

RESULTS = Path(__file__).resolve().parent.parent / "reports" / "results"
KEPT = sorted(RESULTS.rglob("result.json"))
pytestmark = pytest.mark.skipif(not KEPT, reason="no run records kept in reports/results/")


def test_every_kept_record_is_a_valid_run_record():
    for path in KEPT:
        record = check_record(json.loads(path.read_text()))
        assert record["status"] in ("ok", "failed"), path
        if record["status"] == "ok":
            assert record["metrics"][record["primary_metric"]] is not None, path


def test_no_configuration_is_kept_twice():
    seen: dict[str, Path] = {}
    for path in KEPT:
        record = json.loads(path.read_text())
        if record["status"] != "ok":
            continue
        key = config_hash(record["config"])
        assert key not in seen, f"{path} repeats {seen.get(key)}"
        seen[key] = path


def test_kept_report_is_built_from_exactly_the_kept_records():
    """README's Results are read off reports/results/report: it must not lag behind the records (make results)."""
    report = RESULTS / "report"
    runs = pd.read_csv(report / "runs.csv")
    listed = {(report / p).resolve() for p in runs["path"]}
    assert listed == {p.resolve() for p in KEPT}
