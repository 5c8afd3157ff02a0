"""A run's *setting*: the part of its resolved config that must match for runs to be compared.

Runs in one folder can share task, approach, method and training-set size and still
differ in how they were made (``tuning.budget``, ``trainer.max_epochs``,
``task.val_size``, a method's grid...). Averaging them would mix two
experiments, so the report derives from each record's ``config`` the keys that say
*what was computed*, and keeps runs with different values apart.

Derived generically, with no per-task code:

- the keys that legitimately vary within one comparison are dropped: ``RUN_KEYS`` at
  the top level, ``NESTED_RUN_KEYS`` at any depth (a method's ``estimator.seed`` is a
  copy of ``seed``), and string values that are a path of the config's ``paths``
  (``task.data_dir``, ``method.estimator.output_dir``: where, not what);
- what is left is flattened to dotted keys with text values (``tuning.budget`` ->
  ``"2"``, lists as JSON) and stored in the run table as ``setting.<key>`` columns;
- :func:`reports.analyse.assign_settings` then compares, per task/dataset/metric, the
  top-level keys that both sides record (``tuning``, ``trainer``, ``task``, ``data``):
  they form the *shared* setting, which must be equal across pipeline and e2e. The
  ``method`` subtree (and any top-level key only one side records) differs between
  the sides by design; it is compared only among runs of one approach and method.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

#: Top-level config keys that vary within one comparison or only say where output goes.
RUN_KEYS = ("seed", "train_size", "paths", "hydra", "logger", "name", "threads", "approach",
            "learning_curve_sizes", "rope")
#: Keys dropped at any depth: copies of run keys inside a subtree, display-only switches, and
#: the extra test conditions a run evaluates after training (they add metrics, and change
#: neither the training nor the clean test split's): a run without them compares with one with them.
NESTED_RUN_KEYS = ("seed", "train_size", "threads", "enable_progress_bar", "corruptions", "corruption_size",
                   "corruption_seed")
#: Top-level keys that differ between pipeline and e2e by design (never shared).
SIDE_KEYS = ("method",)
#: Settings summarised for every panel in report.md, when recorded.
KEY_SETTINGS = ("tuning.budget", "trainer.max_epochs", "task.val_size")
#: Prefix of the setting columns in the run table (and ``runs.csv``).
COLUMN_PREFIX = "setting."


def setting_text(value: object) -> str:
    """A config value as one comparable string: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, str) and node:
        yield node


def comparable_config(config: object) -> dict[str, str]:
    """The setting of one run: its resolved ``config`` less the keys that vary within a comparison.

    Args:
        config: the record's ``config`` (the resolved Hydra config); anything but a
            dict gives an empty setting.

    Returns:
        Dotted key (``tuning.budget``, ``method.estimator.param_grid.lr``) -> text value
        (see :func:`setting_text`). An empty dict is kept as the value ``{}``.
    """
    if not isinstance(config, dict):
        return {}
    paths = tuple(p.rstrip("/") for p in _strings(config.get("paths")) if p.rstrip("/"))

    def is_path(value: object) -> bool:
        return isinstance(value, str) and any(value == p or value.startswith(p + "/") for p in paths)

    flat: dict[str, str] = {}

    def walk(node: dict, prefix: str, top: bool) -> None:
        for key, value in node.items():
            key = str(key)
            if (top and key in RUN_KEYS) or key in NESTED_RUN_KEYS or is_path(value):
                continue
            if isinstance(value, dict) and value:
                walk(value, f"{prefix}{key}.", False)
            else:
                flat[f"{prefix}{key}"] = setting_text(value)

    walk(config, "", True)
    return flat


def top_key(column: str) -> str:
    """``setting.tuning.budget`` -> ``tuning``."""
    return column[len(COLUMN_PREFIX):].split(".", 1)[0]
