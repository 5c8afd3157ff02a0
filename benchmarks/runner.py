"""Run one job of a sweep: resume check, fit, evaluate, write the run record.

The runner knows nothing about particular tasks or methods: it instantiates the
task and the method's estimator from their ``_target_`` and talks to them
through :class:`benchmarks.tasks.Task` and the estimator protocol
``fit(X, y, X_val, y_val)`` / ``predict(X)`` (see ``pipelines.tuned`` and
``e2e_models.estimator``).
"""

from __future__ import annotations

import logging
import numbers
import os
import platform
import re
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Sequence

from filelock import FileLock
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from benchmarks import sweep_index
from benchmarks.errors import ConfigError
from benchmarks.estimator import FITTED_ATTRIBUTES
from benchmarks.launches import launch_id, record_outcome
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.record import (
    RUNNING_NAME, SCHEMA, config_hash, environment, marker_alive, set_aside_foreign_record, tracker_payload, utc_now,
    write_record,
)
from benchmarks.registry import APPROACHES
from benchmarks.simplicity import simplicity
from benchmarks.splits import validate_train_size
from benchmarks.tasks.base import Task, TaskData

log = logging.getLogger(__name__)

# The top-level keys of conf/config.yaml and its groups; Hydra accepts any new key
# added with "+", and one that nothing reads would silently change nothing.
CONFIG_KEYS = frozenset({
    "task", "dataset", "pair", "approach", "method", "logger", "name", "train_size", "seed", "threads",
    "data", "tuning", "paths", "trainer", "learning_curve_sizes", "rope",
})
#: ``data.*``: settings of the training data that both sides share (speech's noise condition)
DATA_KEYS = frozenset({"train_noise"})


def run_job(cfg: DictConfig, out_dir: str | Path, sweep_root: str | Path,
            overrides: Sequence[str] = (), n_parallel: int = 1,
            task_choice: str | None = None) -> dict[str, Any]:
    """Run the job described by ``cfg`` and write ``out_dir/result.json``.

    If ``sweep_root`` already holds an ``ok`` record with the same config hash,
    nothing runs and that record is returned with ``"skipped": True``. Any
    exception is caught and recorded as a ``failed`` record, so a sweep goes on.

    Args:
        cfg: the composed job config (``conf/config.yaml``).
        out_dir: the job's folder.
        sweep_root: the folder searched for finished jobs (the sweep dir, or
            ``out_dir`` for a single run).
        overrides: the job's Hydra overrides, stored in the record.
        n_parallel: jobs running at once on this machine; sets the default
            thread count to ``cores // n_parallel``.
        task_choice: the ``task`` config group's choice (``"image"``): the record's
            task until the task object names itself, so that a job failing before
            that (a bad value, say) still shows under its task in the report.

    Returns:
        The run record (a dict), with the exception under ``"exception"`` for a
        failed job (not serialised).
    """
    # absolute, so that the index can name a job folder relative to its sweep whichever way each was given
    out_dir, sweep_root = Path(out_dir).resolve(), Path(sweep_root).resolve()
    cfg_hash = config_hash(cfg)
    record = _new_record(cfg, cfg_hash, overrides, task_choice)
    not_run = _claim(out_dir, sweep_root, record)
    if not_run is not None:
        return not_run

    _reset_peak_rss()
    baseline_rss = _rss_mb("VmRSS:")
    logger = None
    exception: BaseException | None = None
    try:
        record["config"] = OmegaConf.to_container(cfg, resolve=True)
        threads = configure_threads(cfg.get("threads"), n_parallel)
        record["env"] = environment() | {"threads": threads}
        _validate(cfg, task_choice)
        task = build_task(cfg)
        for kind, key in (("method", cfg.method), ("dataset", cfg.dataset)):
            if task.name not in key.tasks:
                raise ConfigError(f"{kind}={key.name} is for task {', '.join(key.tasks)}, not task={task.name}")
        record.update(task=task.name, dataset=cfg.dataset.name,
                      primary_metric=task.primary_metric, higher_is_better=task.higher_is_better)
        logger = instantiate(cfg.logger) if cfg.get("logger") else None
        if logger is not None:
            _ = logger.experiment  # start the tracker (W&B takes seconds) before fit is timed
        _fit_and_evaluate(cfg, task, record, out_dir, logger)
        record["status"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a failed job must never stop the sweep
        exception = exc
        tail = "".join(traceback.format_exception(exc)[-12:])
        record["error"] = f"{type(exc).__name__}: {exc}\n{tail}"
        log.debug("job failed:\n%s", "".join(traceback.format_exception(exc)))
    # Jobs sharing a process (basic launcher, reused joblib workers) start with
    # memory kept from earlier jobs: the baseline tells how much.
    record["cost"]["peak_rss_mb"] = _rss_mb("VmHWM:")
    record["cost"]["baseline_rss_mb"] = baseline_rss
    record["finished_at"] = utc_now()
    error = None if exception is None else f"{type(exception).__name__}: {exception}".splitlines()[0]
    try:
        set_aside_foreign_record(out_dir)
        path = write_record(record, out_dir)
        if exception is None:
            sweep_index.add_ok(sweep_root, cfg_hash, path)
        (out_dir / RUNNING_NAME).unlink(missing_ok=True)
        sweep_index.remove_running(sweep_root, cfg_hash)
    except (OSError, ValueError) as exc:  # disk full, folder gone, a record the schema refuses: keep going
        log.error("could not write the run record in %s: %s", out_dir, exc)
        exception = exception or exc
        error = f"no run record was written ({exc}); see {out_dir / 'app.log'}"
    record_outcome(sweep_root, "ok" if exception is None else "failed", overrides, config_hash=cfg_hash, error=error)
    if logger is not None:
        _log_to_tracker(logger, record)
    if exception is not None:
        record["exception"] = exception
    else:
        log.info("run record: %s", out_dir / "result.json")
    return record


#: held while a job is claimed (a fraction of a second), beside the sweep's job folders
CLAIM_LOCK = ".claim.lock"


def build_task(cfg: DictConfig) -> Task:
    """The job's task, holding the dataset's loader (``cfg.task`` and ``cfg.dataset.loader``).

    Raises:
        ConfigError: a ``_target_`` cannot be imported or refuses its arguments.
    """
    # _partial_: a loader (a dataclass) passed to instantiate itself would become a DictConfig
    loader = build(cfg.dataset.loader, "dataset.loader")
    return build(cfg.task, "task", _partial_=True)(dataset=loader)


def build(node: DictConfig, key: str, **kwargs: Any) -> Any:
    """``hydra.utils.instantiate(node, **kwargs)``, whose failure to import a ``_target_`` or to pass it its
    arguments is a one-line ``ConfigError`` naming ``key``, not a traceback."""
    try:
        return instantiate(node, **kwargs)
    except InstantiationException as exc:
        cause = exc
        while cause.__cause__ is not None:
            cause = cause.__cause__
        located = re.search(r"Error (?:locating|loading) (?:target )?'([^']+)'", str(exc))
        if located or isinstance(cause, ImportError):
            target = located.group(1) if located else OmegaConf.select(node, "_target_")
            raise ConfigError(f"{key}: cannot import _target_ {target!r}: {str(cause).splitlines()[0]}") from exc
        raise ConfigError(f"{key}: {str(cause).splitlines()[0]}") from exc


def _claim(out_dir: Path, sweep_root: Path, record: dict[str, Any]) -> dict[str, Any] | None:
    """Mark the job as running in this process, unless it is running or done already.

    Check and mark happen under a lock on the sweep folder, so that of two
    launches reaching the same job at once exactly one runs it. "The same job" is
    the same config hash, whatever its folder: ``seed=0`` spelled out or left to
    its default names two folders for one configuration.

    Returns:
        ``None`` when this process now owns the job (its ``running.json`` is
        written); otherwise what the runner returns instead of running it: the
        existing ``ok`` record's path, or the process already running the job.
    """
    cfg_hash, overrides = record["config_hash"], record["overrides"]
    sweep_root.mkdir(parents=True, exist_ok=True)
    with FileLock(sweep_root / CLAIM_LOCK):
        sweep_index.ensure_built(sweep_root, launch_id())
        # The marker before the record: a job writes its record before removing its
        # marker, so this order never misses a job that finishes meanwhile.
        marker = _running_elsewhere(sweep_root, cfg_hash)
        if marker is not None:
            # A second copy would halve both jobs' speed (and, in one folder, share its checkpoints).
            mine = marker.get("launch") is not None and marker.get("launch") == launch_id()
            log.info("not started: this job is already running in process %s (since %s)%s", marker.get("pid"),
                     marker.get("started_at"), "; the sweep lists it twice" if mine else "")
            record_outcome(sweep_root, "blocked", overrides, config_hash=cfg_hash, pid=marker.get("pid"))
            return {"status": "running", "skipped": True, "pid": marker.get("pid"), "config_hash": cfg_hash}
        done = sweep_index.ok_path(sweep_root, cfg_hash)
        if done is not None:
            log.info("skipping: an ok record with config hash %s exists at %s", cfg_hash, done)
            record_outcome(sweep_root, "skipped", overrides, config_hash=cfg_hash)
            return {"status": "ok", "skipped": True, "path": str(done), "config_hash": cfg_hash}
        try:
            # If the process dies (killed by the OS for memory, say), the joblib
            # launcher turns this marker into a failed record.
            out_dir.mkdir(parents=True, exist_ok=True)
            marker = record | {"pid": os.getpid(), "host": platform.node()}
            path = write_record(marker, out_dir, RUNNING_NAME)
            sweep_index.add_running(sweep_root, cfg_hash, {k: marker.get(k) for k in (
                "pid", "host", "launch", "started_at", "config_hash")} | {"path": path.relative_to(sweep_root).as_posix()})
        except OSError as exc:  # disk full: the record write will fail too, and say so
            log.error("could not mark the job as running in %s: %s", out_dir, exc)
    return None


def _new_record(cfg: DictConfig, cfg_hash: str, overrides: Sequence[str], task_choice: str | None) -> dict[str, Any]:
    """A ``failed`` record of the job as it starts; fields are filled in as it runs."""
    return {
        "schema": SCHEMA,
        "task": task_choice, "dataset": OmegaConf.select(cfg, "dataset.name"),
        "approach": OmegaConf.select(cfg, "approach.name"), "method": OmegaConf.select(cfg, "method.name"),
        "train_size": cfg.get("train_size"), "seed": cfg.get("seed"),
        "primary_metric": None, "higher_is_better": None,
        "status": "failed", "error": None,
        "metrics": {}, "val_metrics": {}, "cost": {}, "hyperparameters": {},
        "config": OmegaConf.to_container(cfg, resolve=False),
        "overrides": list(overrides), "config_hash": cfg_hash,
        "env": {}, "launch": launch_id(), "started_at": utc_now(), "finished_at": None,
    }


def _running_elsewhere(sweep_root: Path, cfg_hash: str) -> dict[str, Any] | None:
    """The marker of another live process running this configuration, if any (from the sweep index)."""
    marker = sweep_index.running_marker(sweep_root, cfg_hash)
    if marker is not None and marker.get("pid") != os.getpid() and marker_alive(marker):
        return marker
    return None


def _validate(cfg: DictConfig, task: str | None = None) -> None:
    """Check the config values that Hydra cannot: raise ``ConfigError`` naming the key.

    ``task`` is the task's config name (the task group's choice), which is its name.
    """
    unknown = sorted(set(cfg.keys()) - CONFIG_KEYS)
    unknown += sorted(f"data.{k}" for k in set((cfg.get("data") or {}).keys()) - DATA_KEYS)
    if unknown:
        raise ConfigError(f"unknown config key(s) {', '.join(unknown)}: nothing reads them; the keys are "
                          f"{', '.join(sorted(CONFIG_KEYS))} and data.{{{','.join(sorted(DATA_KEYS))}}} "
                          f"(see README.md, Running)")
    for kind in ("dataset", "method"):
        node = cfg.get(kind) or {}
        if task is not None and node.get("tasks") is not None and task not in node.tasks:
            raise ConfigError(f"{kind}={node.get('name')} is for task {', '.join(node.tasks)}, not task={task}")
    missing = sorted(k for k in OmegaConf.missing_keys(cfg) if not k.startswith("hydra"))
    if missing:  # a ??? a config leaves to the user, e.g. an image folder's root
        raise ConfigError(f"{missing[0]} has no value: set it, e.g. {missing[0]}=...")
    if cfg.train_size is not None:
        # before any data is loaded or built (the pool's size is checked once it is)
        validate_train_size(cfg.train_size, n_pool=sys.maxsize)
    approach = cfg.approach.name
    if approach not in APPROACHES:
        raise ConfigError(f"approach={approach!r} is not one of {', '.join(APPROACHES)}")
    method = cfg.method
    if method.approach != approach:
        raise ConfigError(
            f"method={method.name} belongs to approach={method.approach}, not approach={approach}; "
            f"add approach={method.approach} or pick a method of approach={approach}"
        )
    # numpy's SeedSequence, which draws the subsets, takes no negative seeds, and
    # Lightning's seed_everything none of 2**32 or more
    check_params(cfg, {"seed": [Interval(numbers.Integral, 0, 2**32 - 1, closed="both")]})
    check_params(cfg.tuning, {"budget": positive_int()}, "tuning.")
    _validate_trainer(cfg.get("trainer") or {})


def _validate_trainer(trainer: DictConfig) -> None:
    """The ``trainer.*`` values Lightning would accept but the runner can't use, or rejects obscurely."""
    # Lightning reads -1 as "no limit" and 0 as "don't train"; neither makes a benchmark run.
    check_params(trainer, {"max_epochs": positive_int()}, "trainer.")
    for key in ("devices", "num_nodes"):
        value = trainer.get(key, 1)
        one_index = OmegaConf.is_list(value) and len(value) == 1  # devices=[0]: one chosen GPU
        if value not in (1, "1") and not one_index:
            raise ConfigError(
                f"trainer.{key}={value!r}: each job trains on one device in one process (timings and FLOPs are "
                f"per device); run jobs in parallel with hydra/launcher=joblib or hydra/launcher=submitit_slurm")


def _fit_and_evaluate(cfg: DictConfig, task: Task, record: dict[str, Any], out_dir: Path, logger: Any) -> None:
    # A failed earlier attempt in this folder may have left files behind.
    shutil.rmtree(out_dir / ARTIFACTS_DIR, ignore_errors=True)
    (out_dir / UNITS_NAME).unlink(missing_ok=True)
    data = load_task_data(task)
    indices = task.training_indices(data.train, cfg.train_size, cfg.seed)
    train = data.train.take(indices)
    record["train_size"] = len(train)
    record["task_info"] = task.task_info(data, train) or None
    log.info("%s / %s / %s / %s: %d training examples (seed %d) of a %d pool; %d validation, %d test",
             task.name, record["dataset"], record["approach"], record["method"], len(train), cfg.seed,
             len(data.train), len(data.val), len(data.test))

    estimator = build(cfg.method.estimator, "method.estimator", logger=logger)
    if cfg.method.get("wrapper") is not None:
        # a meta-estimator around the method's own (DAgger around PilotNet)
        wrapper = build(cfg.method.wrapper, "method.wrapper")
        if not callable(wrapper) or isinstance(wrapper, type):
            raise ConfigError(f"method.wrapper must build a meta-estimator (with _partial_: true) that takes "
                              f"base=<the estimator>; {cfg.method.wrapper._target_} gave {type(wrapper).__name__}")
        try:
            estimator = wrapper(base=estimator)
        except TypeError as exc:
            raise ConfigError(f"method.wrapper: {exc}") from exc
    if not all(callable(getattr(estimator, name, None)) for name in ("fit", "predict")):
        raise ConfigError(f"{type(estimator).__name__} is not an estimator: it needs fit and predict "
                          f"(benchmarks/estimator.py)")
    if hasattr(estimator, "warm_up"):
        estimator.warm_up()  # one-off per-process costs (numba compilation) are not the method's
    start = time.perf_counter()
    estimator.fit(train.X, train.y, data.val.X, data.val.y)
    fit_time = time.perf_counter() - start
    missing = [name for name in FITTED_ATTRIBUTES if not hasattr(estimator, name)]
    if missing:
        raise TypeError(f"{type(estimator).__name__} breaks the estimator contract (benchmarks/estimator.py): "
                        f"after fit it has no {', '.join(missing)}")

    # a component that cannot be seeded makes the run irreproducible from its seed: say so
    record["env"]["seeded"] = bool(getattr(estimator, "seeded_", True))
    record["val_metrics"] = task.evaluate(data.val.y, estimator.predict(data.val.X))
    start = time.perf_counter()
    test_pred = estimator.predict(data.test.X)
    predict_time = time.perf_counter() - start
    record["metrics"] = task.evaluate(data.test.y, test_pred)
    artifacts_dir = out_dir / ARTIFACTS_DIR
    start = time.perf_counter()
    record["metrics"] |= task.extra_metrics(estimator, data, test_pred, artifacts_dir)
    evaluation_time = time.perf_counter() - start
    units = task.unit_scores(data, test_pred)
    if units is not None:
        units.save(out_dir / UNITS_NAME)
        record["unit_scores"] = {"file": UNITS_NAME, "metric": task.primary_metric, "units": len(units.unit)}
    if artifacts_dir.is_dir():
        record["artifacts"] = sorted(p.relative_to(out_dir).as_posix() for p in artifacts_dir.rglob("*") if p.is_file())
    record["hyperparameters"] = dict(estimator.best_params_)
    record["simplicity"] = simplicity(OmegaConf.to_container(cfg.method, resolve=True))
    record["tuning"] = {"budget": cfg.tuning.budget, "trials": estimator.search_results_,
                        "metric": getattr(estimator, "search_metric_", None),
                        "higher_is_better": getattr(estimator, "search_higher_is_better_", None)}
    record["cost"] = {
        "fit_time_s": fit_time,
        "feature_time_s": estimator.feature_time_s_,
        "predict_time_s": predict_time,
        "latency_ms_per_sample": 1000.0 * predict_time / max(len(data.test), 1),
        # closed-loop drives, noisy and corrupted test conditions: not prediction cost
        "evaluation_time_s": evaluation_time,
        "train_flops": estimator.train_flops_,
        "n_params": estimator.n_params_,
    }
    log.info("test %s: %s (fit %.1fs)", task.primary_metric,
             f"{record['metrics'][task.primary_metric]:.4f}", fit_time)


#: a job's figures and other files from Task.extra_metrics, listed in the record
ARTIFACTS_DIR = "artifacts"
#: the primary metric per test unit (Task.unit_scores), beside result.json
UNITS_NAME = "units.npz"


_DATA_MEMO: dict[tuple[type, str], TaskData] = {}


def load_task_data(task: Task) -> TaskData:
    """The task's splits, loaded once per process and reused by later jobs.

    Sweeps run many jobs in one process (basic launcher) or in reused workers
    (joblib), so loading and splitting happen once per task config, not per job.
    At most a few datasets are kept, oldest dropped first.
    """
    key = (type(task), task.cache_key())
    if key not in _DATA_MEMO:
        if len(_DATA_MEMO) >= 3:
            _DATA_MEMO.pop(next(iter(_DATA_MEMO)))
        _DATA_MEMO[key] = task.load()
    return _DATA_MEMO[key]


def configure_threads(threads: int | None, n_parallel: int = 1) -> int:
    """Set torch and BLAS/OpenMP threads for this job and return the count.

    ``threads=None`` gives ``cores // n_parallel`` (at least 1), so parallel jobs
    don't oversubscribe the CPU.
    """
    import torch
    from threadpoolctl import threadpool_limits

    cores = available_cores()
    if threads is None:
        threads = max(1, cores // max(1, n_parallel))
    check_params({"threads": threads}, {"threads": positive_int()})
    if threads > cores:
        # Oversubscribing only slows a job down, and thousands of threads can exhaust the machine.
        raise ConfigError(f"threads={threads} exceeds the {cores} core(s) this job may use; use at most {cores}")
    torch.set_num_threads(threads)
    threadpool_limits(threads)
    # subprocesses read it when they start (eflomal's OpenMP samplers), this process's runtimes do not
    os.environ["OMP_NUM_THREADS"] = str(threads)
    return threads


def available_cores() -> int:
    """The cores this process may run on (a SLURM or taskset allocation), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _log_to_tracker(logger: Any, record: dict[str, Any]) -> None:
    """Send the record's config and metrics to the experiment tracker (CSV, W&B)."""
    try:
        hyperparameters, metrics = tracker_payload(record)
        logger.log_hyperparams(hyperparameters)
        logger.log_metrics(metrics)
        logger.save()
        logger.finalize("success" if record["status"] == "ok" else "failed")
    except Exception as exc:  # noqa: BLE001 - the record is written; tracking is best effort
        log.warning("could not log to %s: %s", type(logger).__name__, exc)


def _reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM, so the peak is this job's, not
    # an earlier job's in the same reused worker process.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _rss_mb(field: str) -> float | None:
    """``VmRSS:`` (now) or ``VmHWM:`` (peak since the job started) of this process, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None  # not Linux: not measured
