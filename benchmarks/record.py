"""The run record: one ``result.json`` per job (README: The run record).

:class:`RunRecord` is its schema: the runner writes through it and the report
reads through it (after lm-evaluation-harness's ``result_schema.py``). It is
versioned; older records are upgraded when read (:mod:`benchmarks.migrations`).

Records are written atomically (temporary file in the same folder, ``fsync``,
``os.replace``), so a reader never sees half a record: a job killed mid-write
leaves at most a ``*.tmp`` file, which readers ignore.
"""

from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import MISSING, asdict, dataclass, field, fields
import hashlib
import json
import logging
import math
import os
import platform
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterator

from omegaconf import DictConfig, OmegaConf

SCHEMA = 2
RECORD_NAME = "result.json"
#: written when a job starts (with its ``pid`` and ``host``) and removed once its record is written
RUNNING_NAME = "running.json"

# Keys that say where or how results are written, not what is computed: two
# jobs differing only in these compute the same thing, so they share a hash.
#: ``rope`` says how the report reads a result (the region of practical equivalence), not what a run measures
_HASH_EXCLUDED_KEYS = ("paths", "logger", "hydra", "name", "threads", "progress_bar", "rope")

log = logging.getLogger(__name__)

#: the job's outcome: ``ok`` (metrics recorded) or ``failed`` (``error`` says why)
STATUSES = ("ok", "failed")


@dataclass
class RunRecord:
    """One job's ``result.json``, schema 2.

    Attributes:
        schema: the record format's version (:data:`SCHEMA`).
        task, dataset, approach, method: what ran (``"image"``, ``"fashion_mnist"``,
            ``"pipeline"``, ``"hog_svm"``); ``dataset`` and ``method`` may be ``None``
            in a record of a job that failed before they were known.
        train_size: training examples actually used (``None`` if the job failed first).
        seed: the run's seed.
        primary_metric, higher_is_better: the task's main metric and its direction.
        status: ``"ok"`` or ``"failed"``; error: the failure's message and traceback tail.
        metrics, val_metrics: test and validation metrics, ``{name: number}``; breakdowns
            are named ``<metric>@<factor>=<level>,...``.
        cost: ``fit_time_s``, ``feature_time_s``, ``predict_time_s`` (s),
            ``latency_ms_per_sample`` (ms), ``train_flops``, ``n_params``,
            ``peak_rss_mb``, ``baseline_rss_mb`` (MiB).
        hyperparameters: the chosen candidate's parameters.
        tuning: ``{"budget": int, "trials": [{"params", "val_score", ...}], "metric", "higher_is_better"}``:
            the trials and the validation score they were ranked by.
        simplicity: the method's simplicity vector (:mod:`benchmarks.simplicity`): stages,
            components, optimisation problems by kind, hyperparameters tuned and fixed, own code.
        unit_scores: ``{"file": "units.npz", "metric", "units"}``: the primary metric per
            test unit (:class:`benchmarks.tasks.base.UnitScores`), beside the record.
        task_info: what the task records beyond metrics (:meth:`benchmarks.tasks.base.Task.task_info`):
            sacrebleu signatures, the training subset in words; ``None`` for none.
        artifacts: files the job kept, relative to its folder (figures).
        config: the resolved config; config_hash: :func:`config_hash` of it.
        overrides: the job's Hydra overrides.
        env: versions, CPU, device, threads, git commit.
        launch: the id of the ``e2ebench`` command that ran it (``None`` for a single run).
        started_at, finished_at: UTC ISO 8601 times.
    """

    task: str
    approach: str
    status: str
    config_hash: str
    schema: int = SCHEMA
    dataset: str | None = None
    method: str | None = None
    train_size: int | None = None
    seed: int | None = None
    primary_metric: str | None = None
    higher_is_better: bool | None = None
    error: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    val_metrics: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    tuning: dict[str, Any] | None = None
    simplicity: dict[str, Any] | None = None
    unit_scores: dict[str, Any] | None = None
    task_info: dict[str, Any] | None = None
    artifacts: list[str] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)
    launch: str | None = None
    started_at: str | None = None
    finished_at: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> "RunRecord":
        """Check ``data`` (a parsed ``result.json``) and upgrade an older schema.

        Raises:
            ValueError: not an object, an unknown schema, an unknown field, a missing
                ``task``/``approach``/``status``/``config_hash``, or a field of the wrong type.
        """
        from benchmarks.migrations import upgrade

        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        data = upgrade(data)
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}: this version of e2ebench reads schemas 1 to {SCHEMA}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}")
        missing = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
                   and data.get(f.name) is None]
        if missing:
            raise ValueError(f"missing field(s) {', '.join(missing)}")
        if data["status"] not in STATUSES:
            raise ValueError(f"status {data['status']!r} is not one of {', '.join(STATUSES)}")
        for name in ("metrics", "val_metrics", "cost", "hyperparameters", "config", "env"):
            if not isinstance(data.get(name, {}), dict):
                raise ValueError(f"{name} is {type(data[name]).__name__}, not an object")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """The record as ``result.json`` holds it (fields in schema order)."""
        return asdict(self)


def utc_now() -> str:
    """The current time as an ISO 8601 string in UTC, e.g. ``2026-11-29T14:00:00+00:00``."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def config_hash(cfg: DictConfig | dict[str, Any]) -> str:
    """A 16-hex-digit SHA-256 of the resolved config, minus output-only keys.

    ``cfg`` is a job's config, or the resolved ``config`` of a run record (so a
    record written under an older version of this function still matches).
    ``trainer.enable_progress_bar``, the keys in ``_HASH_EXCLUDED_KEYS`` and any
    value equal to one of the config's ``paths`` (an e2e method's
    ``output_dir``, a task's ``data_dir``) are left out: they change where a job
    writes and how it reports, not what it measures.
    """
    container = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else copy.deepcopy(cfg)
    paths = {str(v) for v in (container.get("paths") or {}).values() if v is not None}
    for key in _HASH_EXCLUDED_KEYS:
        container.pop(key, None)
    if isinstance(container.get("trainer"), dict):
        container["trainer"].pop("enable_progress_bar", None)
    blob = json.dumps(_without_values(container, paths), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _without_values(node: Any, drop: set[str]) -> Any:
    if isinstance(node, dict):
        return {k: _without_values(v, drop) for k, v in node.items() if not (isinstance(v, str) and v in drop)}
    if isinstance(node, list):
        return [_without_values(v, drop) for v in node]
    return node


def write_record(record: dict[str, Any], folder: str | Path, name: str = RECORD_NAME) -> Path:
    """Write ``record`` as ``folder/result.json`` (or ``folder/name``) atomically and return its path.

    A ``result.json`` goes through :class:`RunRecord`, so only schema-valid records are
    written; other files (the ``running.json`` marker) are written as given.

    Raises:
        OSError: the folder is not writable or the disk is full. The previous
            ``result.json`` in ``folder`` (if any) is left untouched.
        ValueError: a ``result.json`` that :meth:`RunRecord.from_dict` refuses.
    """
    if name == RECORD_NAME:
        record = RunRecord.from_dict(record).to_dict()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); a record is for colleagues and report jobs too.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh, indent=2, default=_json_default)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


#: Record fields an experiment tracker gets next to the config, under ``TRACKER_KEY``, so that
#: a tracked run can be read back as a record (``e2ebench-report --wandb ENTITY/PROJECT``).
TRACKER_FIELDS = ("schema", "task", "dataset", "approach", "method", "train_size", "seed", "primary_metric",
                  "higher_is_better", "status", "error", "config_hash", "started_at", "finished_at")
TRACKER_KEY = "e2ebench_record"
#: Tracker metric prefixes of the record's metric groups.
TRACKER_PREFIXES = {"metrics": "test/", "val_metrics": "val/", "cost": "cost/"}


def tracker_payload(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """The record as an experiment tracker (CSV, W&B) stores it: (hyperparameters, metrics).

    Hyperparameters are the resolved config plus ``TRACKER_KEY``: the record's identity
    (``TRACKER_FIELDS``). Metrics are the numeric test, validation and cost values, named
    ``test/<metric>``, ``val/<metric>`` and ``cost/<quantity>``; ``None`` (a FLOP count
    that cannot be counted) is left out. :func:`reports.wandb_source.run_to_record`
    inverts this.
    """
    hyperparameters = {**(record.get("config") or {}), TRACKER_KEY: {k: record.get(k) for k in TRACKER_FIELDS}}
    metrics = {f"{prefix}{name}": value
               for group, prefix in TRACKER_PREFIXES.items()
               for name, value in (record.get(group) or {}).items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return hyperparameters, metrics


def _json_default(obj: Any) -> Any:
    # numpy scalars and paths end up in metrics and configs
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


def read_record(path: str | Path) -> dict[str, Any] | None:
    """Load one record; ``None`` (with a warning in the log) if it is unreadable."""
    try:
        with open(path) as fh:
            record = json.load(fh)
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s %s: %s", "run record" if Path(path).name == RECORD_NAME
                    else "job marker", path, exc)
        return None
    return record if isinstance(record, dict) else None


def iter_records(root: str | Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Yield ``(path, record)`` for every readable ``result.json`` below ``root``, in today's schema.

    Records of an older schema are upgraded (:mod:`benchmarks.migrations`), so their
    config hashes are today's and a resumed sweep skips the jobs they hold.
    """
    from benchmarks.migrations import upgrade

    for path in sorted(Path(root).rglob(RECORD_NAME)):
        record = read_record(path)
        if record is None:
            continue
        try:
            yield path, upgrade(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a hand-edited old record
            log.warning("ignoring run record %s: cannot upgrade it from schema %r: %s", path, record.get("schema"), exc)


def find_ok_record(root: str | Path, cfg_hash: str) -> Path | None:
    """The path of an ``ok`` record with this ``config_hash`` below ``root``, if any (a scan of every record).

    Only records that :func:`counts_as_done` lets count.
    """
    for path, record in iter_records(root):
        matches = record.get("config_hash") == cfg_hash or (
            isinstance(record.get("config"), dict) and config_hash(record["config"]) == cfg_hash)
        if matches and counts_as_done(path, record):
            return path
    return None


def counts_as_done(path: Path, record: dict[str, Any]) -> bool:
    """Whether a read record lets resume skip its job: ``ok``, schema-valid, with a numeric primary metric.

    Resume counts what the report counts: a record that :class:`RunRecord` refuses (an
    unknown schema or field, a missing hash) or that says ``ok`` without a numeric
    primary metric (edited, or written by a broken job) does not count, with a warning,
    so its job runs again.
    """
    if record.get("status") != "ok":
        return False
    try:
        RunRecord.from_dict(record)
    except ValueError as exc:
        log.warning("ignoring run record %s: %s; its job runs again", path, exc)
        return False
    if not has_primary_metric(record):
        log.warning("ignoring run record %s: it says ok but has no numeric %r metric; its job runs again",
                    path, record.get("primary_metric"))
        return False
    return True


def set_aside_foreign_record(folder: str | Path) -> Path | None:
    """Rename a ``result.json`` in ``folder`` that this version cannot read (another schema), so a new one can't
    overwrite it; return where it went (``None`` if there was nothing to keep).
    """
    path = Path(folder) / RECORD_NAME
    record = read_record(path) if path.is_file() else None
    if record is None:
        return None
    try:
        RunRecord.from_dict(record)
        return None
    except ValueError as exc:
        if record.get("schema") in (1, SCHEMA):
            return None  # ours, only broken: the job's new record replaces it
        kept = path.with_name(f"result.schema{record.get('schema')}.{utc_now().replace(':', '')}.json")
        os.replace(path, kept)
        log.warning("moved a run record this version cannot read (%s) to %s", exc, kept)
        return kept


def has_primary_metric(record: dict[str, Any]) -> bool:
    """Whether ``record["metrics"]`` holds a finite number under ``record["primary_metric"]``."""
    metrics = record.get("metrics")
    value = metrics.get(record.get("primary_metric")) if isinstance(metrics, dict) else None
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def marker_alive(marker: dict[str, Any]) -> bool:
    """Whether the process named by a ``running.json`` marker (``pid`` on ``host``) still runs.

    On a shared file system a marker may come from another machine, where its pid
    can't be checked: it counts as gone, so that a job preempted on a cluster node
    is never blocked from running again.
    """
    pid, host = marker.get("pid"), marker.get("host")
    if host is not None and host != platform.node():
        return False
    # pid 0 and negative pids name process groups: a hand-edited marker must not block a job forever
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def environment() -> dict[str, Any]:
    """Versions and hardware that a result depends on."""
    import numpy
    import sklearn
    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "sklearn": sklearn.__version__,
        "device": "cuda:" + torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
        "cpu": _cpu_model(),
        "threads": torch.get_num_threads(),
        "hostname": platform.node(),
        "git_commit": _git_commit(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit() -> str | None:
    repo = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    dirty = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, timeout=5,
    ).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")
