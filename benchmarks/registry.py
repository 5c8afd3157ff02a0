"""The config tree is the registry: tasks, datasets and methods are the files of ``conf/``.

A task is ``conf/task/<name>.yaml``, a dataset ``conf/dataset/<name>.yaml`` and a
method ``conf/method/<name>.yaml``; nothing else lists them (after torchbench,
which finds its models by listing a folder). The Makefile, the tests, the demo
(``task=glob(*)``) and ``--help`` all read these folders.

One thing is derived here rather than written as a file: each task's config names
its ``pair``, the default method of each approach, and :func:`register_pairs`
turns that into the config ``method/<task>_<approach>``, which the primary
config's ``method: ${task}_${approach}`` selects.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

__all__ = ["CONF_DIR", "compose", "datasets", "describe", "methods", "pairs", "register_pairs", "tasks"]

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"
APPROACHES = ("pipeline", "e2e")


def _names(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


def tasks() -> list[str]:
    """Task names: the files of ``conf/task/``."""
    return _names("task")


@functools.cache
def _entry(group: str, name: str) -> dict[str, Any]:
    """A group config's own keys merged over those of the configs its defaults list names in its group."""
    raw = OmegaConf.to_container(OmegaConf.load(CONF_DIR / group / f"{name}.yaml"))
    merged: dict[str, Any] = {}
    for parent in raw.pop("defaults", None) or []:
        if isinstance(parent, str) and parent != "_self_" and not parent.startswith("/"):
            merged |= _entry(group, parent)
    return merged | raw


def datasets() -> dict[str, list[str]]:
    """``{dataset: the tasks it serves}`` from each ``conf/dataset/<name>.yaml``'s ``tasks``."""
    return {name: list(_entry("dataset", name).get("tasks") or []) for name in _names("dataset")}


def methods() -> dict[str, dict[str, Any]]:
    """``{method: {"approach": ..., "tasks": [...]}}`` from each ``conf/method/<name>.yaml``."""
    return {name: {"approach": _entry("method", name).get("approach"),
                   "tasks": list(_entry("method", name).get("tasks") or [])} for name in _names("method")}


def pairs() -> dict[str, dict[str, str]]:
    """``{task: {approach: default method}}`` from each task config's ``pair``.

    Raises:
        ValueError: a task config lacks a method for one of the approaches.
    """
    found = {}
    for task in tasks():
        pair = _entry("task", task).get("pair") or {}
        missing = [a for a in APPROACHES if not pair.get(a)]
        if missing:
            raise ValueError(f"conf/task/{task}.yaml: pair names no method for {', '.join(missing)}")
        found[task] = {a: pair[a] for a in APPROACHES}
    return found


def describe() -> str:
    """One line per task: its datasets and each approach's methods, defaults first (for ``--help``)."""
    lines = []
    for task, pair in pairs().items():
        default = _default_dataset(task)
        data = sorted(d for d, served in datasets().items() if task in served)
        data = [f"{d} (default)" if d == default else d for d in sorted(data, key=lambda d: d != default)]
        sides = []
        for approach in APPROACHES:
            own = sorted(m for m, info in methods().items() if task in info["tasks"] and info["approach"] == approach)
            own.sort(key=lambda m: m != pair[approach])
            sides.append(f"{approach}: {', '.join(own)}")
        lines.append(f"  {task:8s} datasets: {', '.join(data)}\n           methods {'; '.join(sides)}")
    return "\n".join(lines)


def _default_dataset(task: str) -> str | None:
    for entry in OmegaConf.to_container(OmegaConf.load(CONF_DIR / "task" / f"{task}.yaml")).get("defaults") or []:
        if isinstance(entry, dict) and "/dataset" in entry:
            return entry["/dataset"]
    return None


def language_of(direction: Any, side: Any) -> str:
    """The source (``side`` 0) or target (1) language of a translation ``direction`` such as ``en-es``.

    A malformed direction is returned whole: the translation task refuses it with one line
    naming ``task.direction``, which a resolver's error could not.
    """
    parts = str(direction).split("-")
    return parts[int(side)] if len(parts) == 2 else str(direction)


def register_pairs() -> None:
    """Store ``method/<task>_<approach>`` in Hydra's ConfigStore, each selecting the pair's method.

    Called when :mod:`benchmarks.app` is imported, so that every process that runs
    jobs has it: the launcher's workers and cluster jobs import the app to
    unpickle the task function before they compose a job's config.
    """
    from hydra.core.config_store import ConfigStore

    if not OmegaConf.has_resolver("e2ebench_registry"):  # --help lists what serves each task
        OmegaConf.register_new_resolver("e2ebench_registry", describe)
    if not OmegaConf.has_resolver("e2ebench_language"):  # ${e2ebench_language:en-es,1} -> es
        OmegaConf.register_new_resolver("e2ebench_language", language_of)
    store = ConfigStore.instance()
    for task, pair in pairs().items():
        for approach, method in pair.items():
            store.store(group="method", name=f"{task}_{approach}", node={"defaults": [method]},
                        provider="e2ebench.registry")


def compose(overrides: list[str] = ()) -> DictConfig:
    """The job config that ``e2ebench OVERRIDES`` would run (for tests and record migration).

    ``paths.output_dir`` (which needs a running Hydra job) is set to ``"."``; it is
    left out of config hashes.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_pairs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = hydra_compose("config", overrides=list(overrides))
    cfg.paths.output_dir = "."
    return cfg
