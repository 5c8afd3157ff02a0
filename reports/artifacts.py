"""Image artifacts of runs (``artifacts`` in a record: files relative to the job folder).

Tasks may leave figures of a run (a driving filmstrip, a confusion matrix) in the job's
``artifacts/`` folder; the runner lists them in the record. The report shows, for each
side of a panel, the PNG artifacts of one representative run: the largest training-set
size, lowest seed that has any. They are copied next to the report, so that
``report.md`` keeps working when the run folders move, and embedded in ``report.html``.
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reports.analyse import sort_rows
from reports.errors import ReportWarning
from reports.formatting import method_label

IMAGE_SUFFIXES = (".png",)


@dataclass(frozen=True)
class Artifact:
    """An image artifact copied into the report: the side, run and path of the copy."""

    side: str
    train_size: int
    seed: int
    name: str
    path: Path


def copy_artifacts(rows: pd.DataFrame, directory: Path) -> list[Artifact]:
    """Copy the representative PNG artifacts of each side of ``rows`` (one panel) into ``directory``.

    A listed file that is missing is skipped with a :class:`ReportWarning`.

    Returns:
        The copies, pipeline sides first; empty when no run lists an artifact.
    """
    if "artifacts" not in rows:
        return []
    copied = []
    listed = rows[rows["artifacts"].map(lambda a: isinstance(a, list) and any(
        str(p).lower().endswith(IMAGE_SUFFIXES) for p in a)) & rows["train_size"].notna()]
    for (approach, method), side in sort_rows(listed, first=()).groupby(["approach", "method"], dropna=False,
                                                                          sort=False):
        run = side.sort_values(["train_size", "seed"], ascending=[False, True]).iloc[0]
        label = method_label(approach, method)
        for relative in run["artifacts"]:
            if not str(relative).lower().endswith(IMAGE_SUFFIXES):
                continue
            source = Path(run["path"]).parent / relative
            if not source.is_file():
                warnings.warn(f"artifact {source} listed by {run['path']} is missing", ReportWarning, stacklevel=2)
                continue
            directory.mkdir(parents=True, exist_ok=True)
            inside = Path(relative).relative_to("artifacts") if Path(relative).parts[0] == "artifacts" else Path(relative)
            stem = re.sub(r"[^A-Za-z0-9._]+", "-", f"{approach}-{method}_{inside.as_posix()}")
            target = directory / stem
            shutil.copyfile(source, target)
            copied.append(Artifact(label, int(run["train_size"]), int(run["seed"]), Path(relative).name, target))
    return copied
