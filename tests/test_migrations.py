"""Kept records stay valid across config redesigns (benchmarks/migrations.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import registry
from benchmarks.migrations import upgrade
from benchmarks.record import SCHEMA, RunRecord, config_hash, find_ok_record

KEPT = Path(__file__).resolve().parent.parent / "reports" / "results"
SCHEMA1 = Path(__file__).resolve().parent / "fixtures" / "records" / "schema1_image_hog_svm.json"


def _kept_records():
    return [(p, json.loads(p.read_text())) for p in sorted(KEPT.rglob("result.json"))]


def _composed_hash(record: dict) -> str:
    """The hash today's config tree gives the record's own overrides.

    Image and text runs of schema 1 evaluated no corruptions: ``task.corruptions=null`` today.
    """
    overrides = [o for o in record["overrides"] if not o.startswith("hydra")]
    if record["task"] in ("image", "text") and not any("@corruption=" in m for m in record.get("metrics", {})):
        overrides.append("task.corruptions=null")
    return config_hash(registry.compose(overrides))


def test_every_kept_record_matches_todays_config_of_its_overrides():
    kept = _kept_records()
    assert len(kept) >= 190
    wrong = [str(p.parent.name) for p, r in kept if r["schema"] != SCHEMA or r["config_hash"] != _composed_hash(r)]
    assert not wrong, f"{len(wrong)} kept records would re-run: {wrong[:3]}"


def test_a_schema1_record_upgrades_to_the_hash_of_its_job_today():
    old = json.loads(SCHEMA1.read_text())
    assert old["schema"] == 1
    new = RunRecord.from_dict(old)
    assert new.schema == SCHEMA and new.dataset == "fashion_mnist"
    assert new.config_hash == _composed_hash(old) != old["config_hash"]
    assert new.config["dataset"]["name"] == "fashion_mnist"
    assert new.config["method"]["estimator"]["_target_"] == "pipelines.tuned.TunedPipeline"
    assert old["schema"] == 1, "upgrading copies; the record read is left as it was"


def test_a_sweep_of_schema1_records_resumes_without_rerunning(tmp_path):
    job = tmp_path / "sweep" / "job"
    job.mkdir(parents=True)
    shutil.copy(SCHEMA1, job / "result.json")
    old = json.loads(SCHEMA1.read_text())
    assert find_ok_record(tmp_path / "sweep", _composed_hash(old)) == job / "result.json"


@pytest.mark.parametrize("schema", [0, 3, None])
def test_an_unknown_schema_is_refused(schema):
    record = json.loads(SCHEMA1.read_text()) | {"schema": schema}
    assert upgrade(record) is record
    with pytest.raises(ValueError, match=f"schema {schema!r}: this version of e2ebench reads schemas 1 to"):
        RunRecord.from_dict(record)
