"""Hydra callbacks: the end-of-sweep summary of failed jobs."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from benchmarks.launches import LAUNCH_ENV, discard_ledger, launch_id, new_launch, read_ledger
from benchmarks.record import RUNNING_NAME, find_ok_record, iter_records, read_record

log = logging.getLogger("benchmarks.sweep")


class SweepSummary(Callback):
    """After a multirun: count this launch's ok/failed jobs and name each failed configuration.

    What each job of the launch became is read from the launch's ledger
    (:mod:`benchmarks.launches`), not inferred from the records, which other
    launches writing into the same folder may add or overwrite. Re-launching the
    same command re-runs only the failed and missing jobs, because jobs with an
    ``ok`` record are skipped. The process exits with status 1 when any job
    failed, or was left to another process that did not finish it, so scripts
    notice.
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        new_launch()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            self._summarise(Path(config.hydra.sweep.dir))
        except Exception:  # noqa: BLE001 - Hydra would turn it into a warning and exit 0
            log.exception("could not summarise the sweep; check its records")
            sys.exit(1)

    def _summarise(self, root: Path) -> None:
        launch = launch_id()
        records = [record for _, record in iter_records(root)]
        entries = read_ledger(root, launch)
        entries += _unrecorded(root, records, launch, {tuple(e["overrides"]) for e in entries})
        ran = [e for e in entries if e["outcome"] in ("ok", "failed")]
        failed = [e for e in ran if e["outcome"] == "failed"]
        skipped = sum(e["outcome"] == "skipped" for e in entries)
        blocked = [e for e in entries if e["outcome"] == "blocked"]
        # Left to a process that was already running it: fine if it has finished ok by now.
        unfinished = [e for e in blocked if find_ok_record(root, e.get("config_hash") or "") is None]
        n_ok = sum(r.get("status") == "ok" for r in records)
        log.info("sweep %s: %d jobs ran now, %d failed; %d skipped (an ok record existed); %d left to a "
                 "process already running them; the folder holds %d ok records", root, len(ran), len(failed),
                 skipped, len(blocked), n_ok)
        discard_ledger(root, launch)
        os.environ.pop(LAUNCH_ENV, None)  # a later single run in this process belongs to no launch
        for entry in unfinished:
            log.error("still running in process %s, not started again: %s", entry.get("pid"),
                      " ".join(entry.get("overrides") or []))
        if not failed and not unfinished:
            return
        for entry in failed:
            log.error("failed: %s -> %s", " ".join(entry.get("overrides") or []), entry.get("error") or "?")
        log.error("re-run the same command to retry only these: finished jobs are skipped")
        sys.exit(1)


def _unrecorded(root: Path, records: list[dict], launch: str | None, noted: set[tuple]) -> list[dict]:
    """This launch's jobs missing from its ledger (it could not be written), from their files.

    A record of the launch gives the job's outcome. A ``running.json`` marker of the
    launch left behind means the job wrote no record either (all of the launch's
    jobs have ended when its summary runs): it counts as failed.
    """
    if launch is None:
        return []
    markers = [(path, read_record(path)) for path in sorted(root.rglob(RUNNING_NAME))]
    found = [(None, record) for record in records] + [(path, m) for path, m in markers if m is not None]
    entries = []
    for path, item in found:
        overrides = item.get("overrides")
        if item.get("launch") != launch or not isinstance(overrides, list):
            continue
        overrides = [str(o) for o in overrides]
        if tuple(overrides) in noted:
            continue
        noted.add(tuple(overrides))
        if path is None:  # a record
            entries.append({"outcome": "ok" if item.get("status") == "ok" else "failed",
                            "overrides": overrides, "error": str(item.get("error") or "?").splitlines()[0]})
        else:
            entries.append({"outcome": "failed", "overrides": overrides,
                            "error": f"no run record was written (disk full? see {path.parent / 'app.log'})"})
    return entries
