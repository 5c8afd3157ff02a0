"""Image artifacts of runs (``artifacts`` in a record: files relative to the job folder).

Tasks may leave figures of a run (a driving filmstrip, a confusion matrix) in the job's
``artifacts/`` folder; the runner lists them in the record. The report shows, for each
side of a panel, the PNG artifacts of one representative run: the largest training-set
size, lowest seed that has any. They are copied next to the report, so that
``report.md`` keeps working when the run folders move, and embedded in ``report.html``.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reports.analyse import sort_rows
from reports.errors import ReportWarning
from reports.formatting import file_stem, method_label

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

    The representative run of a side is its largest training-set size, lowest seed,
    that still has any of its listed PNG files (kept records, ``make results``, may have
    lost older runs' files). A listed file missing from that run, or from every run of
    a side, is named in a :class:`ReportWarning`.

    Returns:
        The copies, pipeline sides first; empty when no run lists an artifact.
    """
    if "artifacts" not in rows:
        return []
    copied, taken = [], set()
    listed = rows[rows["artifacts"].map(lambda a: isinstance(a, list) and any(
        str(p).lower().endswith(IMAGE_SUFFIXES) for p in a)) & rows["train_size"].notna() & rows["seed"].notna()]
    for (approach, method), side in sort_rows(listed, first=()).groupby(["approach", "method"], dropna=False,
                                                                          sort=False):
        runs = side.sort_values(["train_size", "seed"], ascending=[False, True])
        images = [(run, [(r, _inside(run, r)) for r in run["artifacts"] if str(r).lower().endswith(IMAGE_SUFFIXES)])
                  for _, run in runs.iterrows()]
        run, files = next(((run, files) for run, files in images
                           if any(source is not None and source.is_file() for _, source in files)), images[0])
        for relative, source in files:
            if source is None:
                warnings.warn(f"artifact {relative!r} listed by {run['path']} is outside its job folder; not shown",
                              ReportWarning, stacklevel=2)
                continue
            if not source.is_file():
                warnings.warn(f"artifact {source} listed by {run['path']} is missing", ReportWarning, stacklevel=2)
                continue
            directory.mkdir(parents=True, exist_ok=True)
            inside = Path(relative).relative_to("artifacts") if Path(relative).parts[0] == "artifacts" else Path(relative)
            stem = file_stem(f"{approach}-{method}_{inside.as_posix()}")
            # Two paths can flatten to one name (a/b.png, a-b.png): number the later ones.
            target, number = directory / stem, 1
            while target in taken:
                number += 1
                target = directory / f"{Path(stem).stem}-{number}{Path(stem).suffix}"
            taken.add(target)
            shutil.copyfile(source, target)
            copied.append(Artifact(method_label(approach, method), int(run["train_size"]), int(run["seed"]),
                                   Path(relative).name, target))
    return copied


def _inside(run: pd.Series, relative: object) -> Path | None:
    """The listed file's path, or ``None`` when it points outside the run's job folder."""
    folder = Path(run["path"]).parent.resolve()
    path = (folder / str(relative)).resolve()
    return path if path.is_relative_to(folder) else None
