"""Hydra callbacks: the end-of-sweep summary of failed jobs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from benchmarks.record import RUNNING_NAME, iter_records, marker_alive, read_record, utc_now

log = logging.getLogger("benchmarks.sweep")


class SweepSummary(Callback):
    """After a multirun: count ok/failed records and name each failed configuration.

    Re-launching the same command re-runs only the failed and missing jobs,
    because jobs with an ``ok`` record are skipped. The process exits with
    status 1 when any job failed, so scripts notice.
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._started_at = utc_now()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        root = Path(config.hydra.sweep.dir)
        started = getattr(self, "_started_at", "")
        records = [record for _, record in iter_records(root)]
        # This launch's jobs: the folder may also hold earlier launches and sweeps.
        ran = [r for r in records if (r.get("started_at") or "") >= started]
        failed = [r for r in ran if r.get("status") != "ok"]
        unfinished, elsewhere = _markers(root, started)
        failed += unfinished
        n_ok = sum(r.get("status") == "ok" for r in records)
        n_earlier = sum(r.get("status") == "ok" and (r.get("started_at") or "") < started for r in records)
        log.info("sweep %s: %d jobs ran now, %d failed; the folder holds %d ok records, %d of them from "
                 "earlier launches (those jobs were skipped)", root, len(ran) + len(unfinished), len(failed),
                 n_ok, n_earlier)
        for marker in elsewhere:
            log.error("still running in process %s from an earlier launch, not started again: %s",
                      marker.get("pid"), " ".join(marker.get("overrides") or []))
        if not failed and not elsewhere:
            return
        for record in failed:
            error = (record.get("error") or "?").splitlines()[0]
            log.error("failed: %s -> %s", " ".join(record.get("overrides") or []), error)
        log.error("re-run the same command to retry only these: finished jobs are skipped")
        sys.exit(1)


def _markers(root: Path, started: str) -> tuple[list[dict], list[dict]]:
    """The ``running.json`` markers left under ``root``: (this launch's jobs that wrote no
    record, as failed records; earlier launches' jobs whose process still runs)."""
    unfinished, elsewhere = [], []
    for path in sorted(root.rglob(RUNNING_NAME)):
        marker = read_record(path)
        if marker is None:
            continue
        if (marker.get("started_at") or "") >= started:
            unfinished.append(marker | {"status": "failed", "error": f"no run record was written (disk full? "
                                                                      f"see {path.parent / 'app.log'})"})
        elif marker_alive(marker):
            elsewhere.append(marker)
    return unfinished, elsewhere
