"""The ``e2ebench`` Hydra application: one job per call, many per sweep (``-m``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from benchmarks import process

process.configure()  # before torch or numpy start their thread pools

from benchmarks import registry  # noqa: E402

# At import, not in main(): launcher workers and cluster jobs import this module
# (to unpickle the task function) before they compose their job's config.
registry.register_pairs()

import hydra  # noqa: E402
from hydra.core.hydra_config import HydraConfig  # noqa: E402
from hydra.types import RunMode  # noqa: E402
from omegaconf import DictConfig  # noqa: E402

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "conf")


def main() -> None:
    """The ``e2ebench`` console script: check the output folder, then run Hydra."""
    args = sys.argv[1:]
    problem = (_replaced_key(args) or _unsweepable_key(args) or _bad_parallel_jobs(args)
               or _unwritable_output(args))
    if problem:
        print(f"e2ebench: error: {problem}", file=sys.stderr)
        sys.exit(2)
    _register_launcher()
    _hydra_main()


def _register_launcher() -> None:
    """Make ``hydra/launcher=joblib`` select e2ebench's launcher (``benchmarks/hydra_plugin``)."""
    from hydra_plugins.e2ebench.e2ebench_launcher import register

    register()


def _unwritable_output(args: list[str]) -> str | None:
    """Why the run or sweep folder named on the command line can't be created, if it can't.

    Hydra creates the folder before any job code runs and answers a failure with a
    traceback, so a folder given on the command line is created here first.
    """
    for arg in args:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") not in ("hydra.run.dir", "hydra.sweep.dir") or not value or "$" in value:
            continue
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]  # Hydra's own quoting, as in the commands Lightning re-launches
        folder = Path(value).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot create the output folder {folder}: {exc.strerror or exc}"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"cannot write into the output folder {folder}: permission denied"
    return None


def _replaced_key(args: list[str]) -> str | None:
    """Why an override names a key that has moved (``data.source``) or that is read elsewhere (``pair``), if it does."""
    for arg in args:
        key, _, value = arg.partition("=")
        if key.lstrip("+~").split(".")[0] == "pair":
            return (f"{arg}: a task's pair is read from conf/task/<task>.yaml when e2ebench starts; pick another "
                    f"method with method=NAME (and approach=...)")
        if key.lstrip("+~") == "data.source":
            by_task = "; ".join(f"task={task}: {', '.join(d for d, ts in registry.datasets().items() if task in ts)}"
                                for task in registry.tasks())
            return (f"{arg}: data.source was replaced by the dataset config group; pick a dataset with "
                    f"dataset=NAME ({by_task})")
    return None


def _bad_parallel_jobs(args: list[str]) -> str | None:
    """Why ``hydra.launcher.n_jobs`` on the command line is unusable, if it is (joblib raises deep inside)."""
    for arg in args:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") != "hydra.launcher.n_jobs":
            continue
        try:
            n_jobs = int(value)
        except ValueError:
            return f"{arg}: must be an integer: the jobs run at once (-1: one per core)"
        if n_jobs == 0:
            return f"{arg}: must be at least 1 (or -1: one job per core)"
    return None


def _unsweepable_key(args: list[str]) -> str | None:
    """Why an override sweeps a key that job folders and config hashes leave out, if one does.

    Such keys (``threads``, ``logger``, ...) say how a job runs, not what it measures,
    so their values would share one job folder and overwrite each other's records.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    from omegaconf import OmegaConf

    excluded = set(OmegaConf.load(Path(CONFIG_DIR) / "config.yaml").hydra.job.config.override_dirname.exclude_keys)
    parser = OverridesParser.create()
    for arg in args:
        if arg.startswith("-") or "=" not in arg:
            continue
        try:
            [override] = parser.parse_overrides([arg])
        except HydraException:
            return None  # Hydra reports it
        if override.is_sweep_override() and override.get_key_element().lstrip("+~") in excluded:
            return (f"{arg}: sweeping {override.get_key_element()} is not supported: it is left out of job "
                    f"folders and config hashes (it changes how a job runs, not what it measures), so its "
                    f"values would overwrite each other's records; launch one sweep per value")
    return None


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _hydra_main(cfg: DictConfig) -> None:
    """Run one job; in a sweep, a failed job is recorded and the sweep goes on."""
    from benchmarks.errors import UserError
    from benchmarks.runner import run_job

    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    out_dir = Path(hc.runtime.output_dir)
    record = run_job(
        cfg,
        out_dir=out_dir,
        sweep_root=Path(hc.sweep.dir) if multirun else out_dir,
        overrides=list(hc.overrides.task),
        n_parallel=_parallel_jobs(hc),
        task_choice=hc.runtime.choices.get("task"),
    )
    exc = record.get("exception")
    if record.get("status") == "running" and not multirun:
        print(f"e2ebench: error: not started: process {record.get('pid')} is already running this job in "
              f"{out_dir}; wait for it or kill it, then run again", file=sys.stderr)
        sys.exit(1)
    if exc is None or multirun:
        return
    # A single run ends with a one-line message; the traceback is in the job log.
    kind = "error" if isinstance(exc, UserError) else f"job failed ({type(exc).__name__})"
    print(f"e2ebench: {kind}: {exc}", file=sys.stderr)
    print(f"e2ebench: failed record and log in {out_dir}", file=sys.stderr)
    sys.exit(2 if isinstance(exc, UserError) else 1)


def _parallel_jobs(hc) -> int:
    """How many jobs the launcher runs at once on this machine (1 for the basic launcher)."""
    n_jobs = getattr(hc.launcher, "n_jobs", None)
    if n_jobs is None:
        return 1
    cores = os.cpu_count() or 1
    return cores if n_jobs < 0 else min(n_jobs, cores)


if __name__ == "__main__":
    main()
