"""Find run records (``result.json``) below run folders and load them into one flat table.

The record format is described under "The run record" in ``README.md`` and
written by :mod:`benchmarks.runner`. Loading is forgiving on purpose: a
sweep that is still running, was killed, or was copied half-way leaves truncated or
foreign files behind, and one bad file must not cost the user the whole report.
"""

from __future__ import annotations

import functools
import json
import math
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benchmarks.record import RECORD_NAME, RunRecord
from reports.errors import ReportWarning
from reports.settings import COLUMN_PREFIX, comparable_config
from reports.simplicity import run_simplicity

#: Columns that lead ``runs.csv``; every other column follows in sorted order.
KEY_COLUMNS = (
    "task", "dataset", "approach", "method", "train_size", "seed", "status",
    "primary_metric", "higher_is_better", "error", "config_hash", "overrides",
    "started_at", "finished_at",
)


@dataclass(frozen=True)
class Collection:
    """What :func:`collect_runs` found.

    Attributes:
        runs: one row per run (after de-duplication), flattened; see :func:`flatten_records`.
        n_files: number of records found: ``result.json`` files and records from sources.
        skipped: files (or source URIs) that could not be read as a run record (warned about).
        duplicates: files (or URIs) of ``ok`` records dropped because a later-finished ``ok``
            record has the same ``config_hash`` (warned about).
    """

    runs: pd.DataFrame
    n_files: int
    skipped: tuple[Path | str, ...]
    duplicates: tuple[Path | str, ...]


def find_records(run_dirs: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Return every ``result.json`` below ``run_dirs``, sorted, each file once.

    A run dir may also be a ``result.json`` file itself. Folders under ``exclude``
    (e.g. the report's own output folder) are not searched. Temporary files of the
    atomic write (``*.tmp``) never match, because only the exact name is taken.
    Symlinked folders are not followed, so a link loop cannot hang the search.

    Raises:
        FileNotFoundError: a run dir does not exist.
    """
    excluded = {Path(p).resolve() for p in exclude}
    found: set[Path] = set()
    for run_dir in map(Path, run_dirs):
        if not run_dir.exists():
            raise FileNotFoundError(run_dir)
        if run_dir.is_file():
            if run_dir.name == RECORD_NAME:
                found.add(run_dir.resolve())
            continue
        for folder, subfolders, files in os.walk(run_dir):
            # Pruning in place stops os.walk from descending into the excluded folders.
            subfolders[:] = [s for s in subfolders if (Path(folder, s).resolve()) not in excluded]
            if Path(folder).resolve() in excluded:
                continue
            if RECORD_NAME in files:
                found.add(Path(folder, RECORD_NAME).resolve())
    return sorted(found)


def read_record(path: Path) -> dict:
    """Load one record and check that it is a run record.

    Raises:
        ValueError: the file is unreadable, not JSON (e.g. half-written), or fails
            :func:`check_record`.
    """
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"unreadable ({type(err).__name__}: {err})") from err
    return check_record(record)


def check_record(record: object) -> dict:
    """``record`` in today's schema, if it is a run record (:class:`benchmarks.record.RunRecord`).

    Records of an older schema are upgraded (:mod:`benchmarks.migrations`).

    Raises:
        ValueError: not an object, of an unknown schema, or not a valid run record.
    """
    return RunRecord.from_dict(record).to_dict()


def rope_of(task: object, config: object) -> float:
    """The region of practical equivalence of a run's primary metric (``rope`` in ``conf/task/<task>.yaml``).

    Read from the record's resolved config; a record made before tasks declared one takes
    its task's current value from the config tree. NaN when neither has one.
    """
    value = config.get("rope") if isinstance(config, dict) else None
    if value is None and isinstance(task, str):
        value = _task_rope(task)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value if value > 0 else math.nan


@functools.lru_cache(maxsize=None)
def _task_rope(task: str) -> object:
    from hydra.errors import HydraException

    from benchmarks import registry

    try:
        return registry.compose([f"task={task}"]).get("rope")
    except HydraException:  # a task this checkout does not have: no ROPE
        return None


def flatten_records(records: list[dict], paths: list[Path]) -> pd.DataFrame:
    """Flatten records into one row each.

    Nested dicts become dotted columns (``metrics.accuracy``, ``cost.fit_time_s``,
    ``hyperparameters.svm__C``, ``env.torch``). The bulky resolved ``config`` is
    dropped (``config_hash`` identifies it); what of it says how the run was made
    becomes ``setting.<key>`` text columns (``setting.tuning.budget``; see
    :mod:`reports.settings`); the method's simplicity vector, with its tuning effort,
    becomes ``simplicity.*`` (:func:`reports.simplicity.run_simplicity`, from the config
    for records made before the runner wrote it). ``overrides`` becomes one space-separated string, and
    ``path`` holds the record's file. ``train_size`` and ``seed`` are
    nullable integers (``Int64``) since failed runs may lack them.
    """
    slim = []
    for record, path in zip(records, paths, strict=True):
        setting = comparable_config(record.get("config"))
        rope = rope_of(record.get("task"), record.get("config"))
        record = record | {"simplicity": run_simplicity(record)}
        record = {k: v for k, v in record.items() if k != "config"}
        throughput = train_throughput(record)
        if throughput is not None:
            record["cost"] = {**record["cost"], "train_examples_per_s": throughput}
        # Added already flat: json_normalize would split a dotted key's dict again.
        record.update({COLUMN_PREFIX + key: value for key, value in setting.items()})
        overrides = record.get("overrides")
        if isinstance(overrides, list):
            record["overrides"] = " ".join(map(str, overrides))
        record["path"] = str(path)
        record["rope"] = rope
        slim.append(record)
    runs = pd.json_normalize(slim, sep=".")
    for column in ("train_size", "seed"):
        if column not in runs:
            runs[column] = pd.NA
        runs[column] = pd.to_numeric(runs[column], errors="coerce").astype("Int64")
    for column in KEY_COLUMNS:
        if column not in runs:
            runs[column] = pd.NA
    rest = sorted(c for c in runs.columns if c not in KEY_COLUMNS)
    return runs[list(KEY_COLUMNS) + rest]


def train_throughput(record: dict) -> float | None:
    """Training examples processed per second of fit time, for a model trained in epochs.

    ``sum(epochs over tuning.trials) * train_size / cost.fit_time_s`` (examples/s):
    the fit time also holds the validation passes and the search's bookkeeping, so
    this is a lower bound on the pure training speed. ``None`` when the record has no
    epochs (pipelines), no positive fit time, or no train size.
    """
    trials = (record.get("tuning") or {}).get("trials") if isinstance(record.get("tuning"), dict) else None
    cost = record.get("cost") if isinstance(record.get("cost"), dict) else {}
    epochs = sum(t["epochs"] for t in trials or [] if isinstance(t, dict)
                 and isinstance(t.get("epochs"), (int, float)) and not isinstance(t.get("epochs"), bool))
    fit, n = cost.get("fit_time_s"), record.get("train_size")
    if not epochs or not isinstance(fit, (int, float)) or not fit > 0 or not isinstance(n, int) or n <= 0:
        return None
    return epochs * n / fit


def deduplicate(runs: pd.DataFrame) -> tuple[pd.DataFrame, tuple[Path, ...]]:
    """Keep one ``ok`` record per ``config_hash``: the one that finished last.

    A relaunched or copied sweep can hold the same configuration twice; averaging both
    would count one seed twice. Failed records and records without a hash are kept.

    Returns:
        The de-duplicated frame (original order) and the paths of dropped records.
    """
    candidates = runs[(runs["status"] == "ok") & runs["config_hash"].notna()]
    finished = pd.to_datetime(candidates["finished_at"], utc=True, errors="coerce", format="ISO8601")
    # Sorting puts missing timestamps first, so a timed record wins over an untimed one.
    order = finished.sort_values(na_position="first", kind="stable").index
    dropped = candidates.loc[order].duplicated("config_hash", keep="last")
    dropped_index = dropped[dropped].index
    return runs.drop(index=dropped_index), tuple(_where(p) for p in runs.loc[dropped_index, "path"])


def _where(path: str) -> Path | str:
    """A record's location: a file path, or a URI (``wandb://...``) kept as text."""
    return path if "://" in path else Path(path)


def collect_runs(run_dirs: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = (),
                 sources: Iterable[tuple[str, dict | Exception]] = ()) -> Collection:
    """Find, read, flatten and de-duplicate the run records under ``run_dirs`` and from ``sources``.

    Args:
        run_dirs: folders (searched recursively) or ``result.json`` files.
        exclude: folders not to search.
        sources: records read elsewhere (a W&B project, :mod:`reports.wandb_source`), as
            ``(where, record)``; ``where`` (a URI) takes the place of the file path, and a
            record that is an exception is skipped with it as the reason.

    Unreadable files and records are skipped with a :class:`UserWarning` naming each;
    duplicate ok records are dropped with one warning naming them.

    Raises:
        FileNotFoundError: a run dir does not exist.
    """
    paths = find_records(run_dirs, exclude)
    records, read_paths, skipped = [], [], []
    loaded = [(path, lambda path=path: read_record(path)) for path in paths]
    loaded += [(where, lambda record=record: _checked(record)) for where, record in sources]
    for where, load in loaded:
        try:
            records.append(load())
        except ValueError as err:
            warnings.warn(f"skipping {where}: {err}", ReportWarning, stacklevel=2)
            skipped.append(where)
            continue
        read_paths.append(where)
    if not records:
        return Collection(pd.DataFrame(columns=list(KEY_COLUMNS) + ["path"]), len(loaded), tuple(skipped), ())
    runs, duplicates = deduplicate(flatten_records(records, read_paths))
    if duplicates:
        warnings.warn(
            f"dropped {len(duplicates)} duplicate ok record(s) whose config_hash has a later-finished "
            f"ok record: {', '.join(map(str, duplicates))}",
            ReportWarning, stacklevel=2,
        )
    return Collection(runs.reset_index(drop=True), len(loaded), tuple(skipped), duplicates)


def _checked(record: dict | Exception) -> dict:
    if isinstance(record, Exception):
        raise ValueError(str(record))
    return check_record(record)
