"""Read run records from a Weights & Biases project: ``e2ebench-report --wandb ENTITY/PROJECT``.

With ``logger=wandb`` each job logs its resolved config with the record's identity under
``e2ebench_record``, and its test, validation and cost values as ``test/<metric>``,
``val/<metric>`` and ``cost/<quantity>`` (:func:`benchmarks.record.tracker_payload`).
:func:`run_to_record` turns such a run (its ``config`` and summary) back into a schema-1
record, so the report treats it like a ``result.json``. Runs without
``e2ebench_record`` (other projects' runs) are skipped with a warning naming them.

Reading needs network access and a W&B login (``WANDB_API_KEY`` or ``wandb login``) for
``wandb.Api``; offline runs must be synced first (``wandb sync <job>/wandb/offline-run-*``).
"""

from __future__ import annotations

from typing import Any

from benchmarks.record import TRACKER_FIELDS, TRACKER_KEY, TRACKER_PREFIXES

URI_SCHEME = "wandb://"


def make_api() -> Any:
    """A ``wandb.Api`` (imported here: wandb is slow to import and only this path needs it)."""
    import wandb

    return wandb.Api()


def run_to_record(config: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """One W&B run's ``config`` and summary as a run record.

    Raises:
        ValueError: the run was not logged by e2ebench (no ``e2ebench_record`` in its config).
    """
    identity = config.get(TRACKER_KEY)
    if not isinstance(identity, dict):
        raise ValueError(f"not an e2ebench run (no {TRACKER_KEY} in its config)")
    record = {field: identity.get(field) for field in TRACKER_FIELDS}
    for group, prefix in TRACKER_PREFIXES.items():
        record[group] = {key[len(prefix):]: value for key, value in summary.items()
                         if key.startswith(prefix) and isinstance(value, (int, float)) and not isinstance(value, bool)}
    # A FLOP count that could not be counted is not logged; the record says null.
    record["cost"].setdefault("train_flops", None)
    record["config"] = {key: value for key, value in config.items() if key != TRACKER_KEY}
    return record


def wandb_records(project_path: str, api: Any = None) -> list[tuple[str, dict[str, Any]]]:
    """Every run of ``ENTITY/PROJECT`` as ``(wandb://ENTITY/PROJECT/RUN_ID, record)``.

    Runs that are not e2ebench runs come back with the ``ValueError`` in place of a record,
    for the caller to report.

    Raises:
        ValueError: ``project_path`` is not ``ENTITY/PROJECT``.
        RuntimeError: W&B could not be reached or the project does not exist (the message says which).
    """
    parts = project_path.strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"--wandb {project_path!r} must be ENTITY/PROJECT")
    api = make_api() if api is None else api
    try:
        runs = list(api.runs(project_path))
    except Exception as err:  # noqa: BLE001 - wandb raises many types (HTTP, auth, GraphQL)
        raise RuntimeError(f"could not read W&B project {project_path}: {type(err).__name__}: {err}") from None
    found = []
    for run in runs:
        uri = f"{URI_SCHEME}{project_path}/{run.id}"
        try:
            found.append((uri, run_to_record(dict(run.config), dict(run.summary_metrics))))
        except ValueError as err:
            found.append((uri, err))
    return found
