"""Hydra callbacks: the end-of-sweep summary of failed jobs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from benchmarks.record import BLOCKED_NAME, RUNNING_NAME, iter_records, launch_id, new_launch, read_record

log = logging.getLogger("benchmarks.sweep")


class SweepSummary(Callback):
    """After a multirun: count ok/failed records and name each failed configuration.

    Re-launching the same command re-runs only the failed and missing jobs,
    because jobs with an ``ok`` record are skipped. The process exits with
    status 1 when any job failed, so scripts notice.
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        new_launch()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        root = Path(config.hydra.sweep.dir)
        launch = launch_id()
        records = [record for _, record in iter_records(root)]
        # This launch's jobs: the folder may also hold other launches' jobs, some still running.
        ran = [r for r in records if r.get("launch") == launch]
        failed = [r for r in ran if r.get("status") != "ok"]
        unfinished, elsewhere = _markers(root, launch)
        failed += unfinished
        n_ok = sum(r.get("status") == "ok" for r in records)
        n_other = sum(r.get("status") == "ok" and r.get("launch") != launch for r in records)
        log.info("sweep %s: %d jobs ran now, %d failed; the folder holds %d ok records, %d of them from "
                 "other launches (those jobs were skipped)", root, len(ran) + len(unfinished), len(failed),
                 n_ok, n_other)
        for blocked in elsewhere:
            log.error("still running in process %s of another launch, not started again: %s",
                      blocked.get("pid"), " ".join(blocked.get("overrides") or []))
        if not failed and not elsewhere:
            return
        for record in failed:
            error = (record.get("error") or "?").splitlines()[0]
            log.error("failed: %s -> %s", " ".join(record.get("overrides") or []), error)
        log.error("re-run the same command to retry only these: finished jobs are skipped")
        sys.exit(1)


def _markers(root: Path, launch: str | None) -> tuple[list[dict], list[dict]]:
    """This launch's leftovers under ``root``: (its jobs that wrote no record, as failed
    records; its jobs not started because another launch's process still runs them).

    Markers of other launches are theirs to report: launches may run at once into
    one sweep folder (two terminals, say), each with its own jobs.
    """
    unfinished = []
    for path in sorted(root.rglob(RUNNING_NAME)):
        marker = read_record(path)
        if marker is not None and marker.get("launch") == launch:
            unfinished.append(marker | {"status": "failed", "error": f"no run record was written (disk full? "
                                                                      f"see {path.parent / 'app.log'})"})
    elsewhere = []
    for path in sorted(root.rglob(BLOCKED_NAME)):
        blocked = read_record(path)
        if blocked is not None and blocked.get("launch") == launch:
            elsewhere.append(blocked)
            path.unlink(missing_ok=True)  # reported; a later launch decides afresh
    return unfinished, elsewhere
