"""Hydra's joblib launcher, made to survive a worker that dies mid-job.

When the OS kills a loky worker (the out-of-memory killer sends SIGKILL), joblib
raises ``TerminatedWorkerError``, loky terminates the other workers too, and
Hydra's joblib launcher abandons the whole sweep, jobs not yet started included.
This launcher instead finds the jobs that were running (their ``running.json``
marker, written by ``benchmarks.runner.run_job``, names a process that is gone)
and runs each of them again on its own: a job that still kills its worker alone
is the culprit and gets a ``failed`` record; the others, killed only alongside
it, finish normally. Then the jobs not yet run are launched in parallel again,
so the sweep finishes and its summary names the failure.
``hydra/launcher=joblib`` selects it: :func:`register` puts :class:`LauncherConf`
in Hydra's ConfigStore under that name, in place of the plugin's own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra_plugins.hydra_joblib_launcher.config import JobLibLauncherConf
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher as _HydraJoblibLauncher
from joblib.externals.loky.process_executor import TerminatedWorkerError

from benchmarks.launches import LAUNCH_ENV, launch_id, new_launch, record_outcome
from benchmarks.record import RECORD_NAME, RUNNING_NAME, marker_alive, read_record, utc_now, write_record

log = logging.getLogger(__name__)

DIED = ("the worker process running this job died before the job finished (killed by the OS, most "
        "often for running out of memory; see the kernel log: dmesg | grep -i oom). Re-run this "
        "configuration with fewer parallel jobs (hydra.launcher.n_jobs) or a smaller train_size.")


@dataclass
class LauncherConf(JobLibLauncherConf):
    """hydra-joblib-launcher's settings (``n_jobs``: parallel jobs, -1 = all cores), with this launcher."""

    _target_: str = "hydra_plugins.e2ebench.e2ebench_launcher.JoblibLauncher"
    # joblib's progress lines: "Done 4 out of 32 | elapsed: 1.1min remaining: 7.7min"
    verbose: int = 10


def register() -> None:
    """Make ``hydra/launcher=joblib`` select :class:`JoblibLauncher`.

    Hydra finds plugins by scanning the ``hydra_plugins`` namespace, which does not
    see into an editable install, so the class is registered by hand. Its config
    node replaces the plugin's under the same name; a YAML file of that name would
    instead be validated against the plugin's node, with a deprecation warning.
    """
    Plugins.instance().register(JoblibLauncher)
    ConfigStore.instance().store(group="hydra/launcher", name="joblib", node=LauncherConf,
                                 provider="e2ebench")


class JoblibLauncher(_HydraJoblibLauncher):
    """``hydra_joblib_launcher``'s launcher; a dead worker fails its job, not the sweep."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        launch = launch_id() or new_launch()
        # loky reuses workers across launches in one process, so a worker may hold an
        # earlier launch's id in its environment: each job sets this one.
        task_function = self.task_function
        self.task_function = _InLaunch(task_function, launch)
        try:
            return self._launch(job_overrides, initial_job_idx, sweep_dir, launch)
        finally:
            self.task_function = task_function

    def _launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int, sweep_dir: Path,
                launch: str) -> Sequence[JobReturn]:
        pending = [list(o) for o in job_overrides]
        returns: list[JobReturn] = []
        while pending:
            try:
                return returns + list(super().launch(pending, initial_job_idx))
            except TerminatedWorkerError:
                suspects = interrupted_jobs(sweep_dir, launch=launch)
                if not suspects:
                    raise
                log.error("a worker process died; running the %d job(s) it interrupted one at a time "
                          "to find the one that kills its worker", len(suspects))
                for overrides in suspects:
                    try:
                        returns += super().launch([overrides], initial_job_idx)
                    except TerminatedWorkerError:
                        fail_dead_jobs(sweep_dir, launch=launch)
                finished = finished_overrides(sweep_dir, launch=launch)
                pending = [o for o in pending if tuple(o) not in finished and o not in suspects]
        return returns


class _InLaunch:
    """The task function, run with ``E2EBENCH_LAUNCH`` set to its launch (picklable for loky).

    A worker whose launcher is gone (SIGKILLed) exits once its job's record is
    written: it would otherwise block for good writing its result into a pipe nobody
    reads, holding its memory.
    """

    def __init__(self, task_function, launch: str) -> None:
        self.task_function, self.launch = task_function, launch
        self.launcher_pid = os.getpid()

    def __call__(self, cfg):
        os.environ[LAUNCH_ENV] = self.launch
        result = self.task_function(cfg)
        if os.getppid() != self.launcher_pid and not _alive(self.launcher_pid):
            log.warning("the launcher (process %d) is gone; this worker exits after its job", self.launcher_pid)
            os._exit(0)
        return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def interrupted_jobs(sweep_dir: Path, launch: str) -> list[list[str]]:
    """The overrides of ``launch``'s jobs whose process is gone; their markers are removed."""
    jobs = []
    for marker in sorted(sweep_dir.rglob(RUNNING_NAME)):
        record = read_record(marker)
        if record is None or record.get("launch") != launch or marker_alive(record):
            continue
        jobs.append(list(record.get("overrides", [])))
        marker.unlink(missing_ok=True)
    return jobs


def fail_dead_jobs(sweep_dir: Path, launch: str) -> list[Path]:
    """Turn each ``running.json`` of ``launch`` whose process is gone into a ``failed`` record.

    Returns:
        The job folders that got a failed record.
    """
    failed = []
    for marker in sorted(sweep_dir.rglob(RUNNING_NAME)):
        record = read_record(marker)
        if record is None or record.get("launch") != launch or marker_alive(record):
            continue
        pid = record.pop("pid", None)
        record.pop("host", None)  # the marker's; a run record has no such field
        record.update(status="failed", finished_at=utc_now(), error=f"worker process {pid} died: {DIED}")
        write_record(record, marker.parent)
        marker.unlink(missing_ok=True)
        record_outcome(sweep_dir, "failed", record.get("overrides", []), config_hash=record.get("config_hash"),
                       error=record["error"])
        log.error("job %s: %s", " ".join(record.get("overrides", [])), record["error"])
        failed.append(marker.parent)
    return failed


def finished_overrides(sweep_dir: Path, launch: str) -> set[tuple[str, ...]]:
    """The overrides of ``launch``'s jobs that wrote a record."""
    done = set()
    for path in sweep_dir.rglob(RECORD_NAME):
        record = read_record(path)
        if record and record.get("launch") == launch:
            done.add(tuple(record.get("overrides", [])))
    return done


