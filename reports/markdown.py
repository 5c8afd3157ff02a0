"""The prose sections of ``report.md``: what was read, what is covered, what failed."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reports.analyse import select_panel, sort_rows
from reports.artifacts import Artifact
from reports.collect import Collection
from reports.formatting import MISSING, format_seeds, markdown_cell, method_label, size_label
from reports.settings import KEY_SETTINGS
from reports.tables import SIZE_HEADER, Table

MAX_ERROR_CHARS = 200


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """A string frame as a Markdown table, cells made one-line and pipe-safe."""
    cells = frame.map(markdown_cell)
    cells.columns = [markdown_cell(c) for c in frame.columns]
    return cells.to_markdown(index=False, disable_numparse=True)


def relative_link(path: Path | str, start: Path) -> str:
    """``path`` relative to ``start`` with forward slashes, for links inside ``report.md``; a URI
    (a W&B run, ``wandb://ENTITY/PROJECT/ID``) is returned as it is."""
    if "://" in str(path):
        return str(path)
    return Path(os.path.relpath(Path(path).resolve(), start.resolve())).as_posix()


def records_section(collection: Collection, run_dirs: Sequence[Path], out_dir: Path) -> str:
    """How many records were found, read, skipped and de-duplicated, and when the runs finished."""
    runs = collection.runs
    status = runs["status"].value_counts()
    lines = [
        "## Records", "",
        f"- Run folders: {', '.join(f'`{d}`' for d in run_dirs)}",
        f"- Records found (`result.json` files and W&B runs): {collection.n_files}; records read: "
        f"{collection.n_files - len(collection.skipped)}; runs kept: {len(runs)} "
        f"({status.get('ok', 0)} ok, {status.get('failed', 0)} failed"
        + "".join(f", {n} {s}" for s, n in status.items() if s not in ("ok", "failed")) + ")",
        f"- Unreadable files skipped: {len(collection.skipped)}",
    ]
    lines += [f"  - [`{markdown_cell(p)}`]({relative_link(p, out_dir)})" for p in collection.skipped]
    lines.append(f"- Duplicate ok records dropped (same `config_hash`, an ok record finished later): "
                 f"{len(collection.duplicates)}")
    lines += [f"  - [`{markdown_cell(p)}`]({relative_link(p, out_dir)})" for p in collection.duplicates]
    finished = pd.to_datetime(runs["finished_at"], utc=True, errors="coerce", format="ISO8601").dropna()
    if not finished.empty:
        lines.append(f"- Runs finished between {finished.min():%Y-%m-%d %H:%M} and "
                     f"{finished.max():%Y-%m-%d %H:%M} UTC")
    return "\n".join(lines) + "\n"


def coverage_section(runs: pd.DataFrame, ok: pd.DataFrame, panel_table: pd.DataFrame) -> str:
    """Per panel, the seeds of ok runs at each training-set size for each approach/method."""
    lines = ["## Coverage", "",
             "Seeds with an ok run, per approach (method) and training-set size.", ""]
    for _, panel in panel_table.iterrows():
        rows = sort_rows(select_panel(ok, panel))
        rows["side"] = [method_label(a, m) for a, m in zip(rows["approach"], rows["method"], strict=True)]
        rows["size"] = rows["train_size"].map(size_label)
        sizes = list(dict.fromkeys(rows["size"]))
        sides = list(dict.fromkeys(sort_rows(rows, first=())["side"]))
        seeds = rows.groupby(["side", "size"])["seed"].agg(lambda s: format_seeds([int(v) for v in s.dropna()]))
        grid = seeds.unstack("size").reindex(index=sides, columns=sizes).fillna(MISSING)
        grid = grid.reset_index(names="approach (method)")
        grid.columns.name = None
        n_failed = int(((runs["status"] != "ok") & (runs["task"] == panel["task"])).sum())
        lines += [f"### {panel['label']}", "", frame_to_markdown(grid), ""]
        lines += missing_lines(rows)
        if n_failed:
            lines += [f"Failed runs for task `{panel['task']}`: {n_failed} (see [Failed runs](#failed-runs)).", ""]
    return "\n".join(lines)


def missing_lines(rows: pd.DataFrame) -> list[str]:
    """What is missing from a panel's full grid of sides × sizes × seeds (the seeds and sizes any side ran).

    Returns:
        Markdown lines: ``Missing ok runs: e2e (cnn) at 1000: seeds 2, 3; ...``, or none when the grid is full.
    """
    seeds = sorted(int(s) for s in rows["seed"].dropna().unique())
    missing = []
    for side, by_side in rows.groupby("side", sort=False):
        for size in dict.fromkeys(rows["size"]):
            have = {int(s) for s in by_side.loc[by_side["size"] == size, "seed"].dropna()}
            lacking = [s for s in seeds if s not in have]
            if lacking:
                missing.append(f"{side} at {size}: seed{'s' if len(lacking) > 1 else ''} {format_seeds(lacking)}")
    if not missing:
        return []
    return [f"Missing ok runs (sizes and seeds other sides or sizes have): {markdown_cell('; '.join(missing))}.", ""]


def settings_lines(panel: pd.Series) -> list[str]:
    """How the panel's numbers were made: key settings, and what sets it apart from its siblings.

    Always a ``Settings:`` line (``KEY_SETTINGS`` as recorded); a second line when the
    task was run with several settings (the keys in which this one differs); one more
    when a method was run with several configurations (``[v1]``, ``[v2]``...).
    """
    recorded = panel["settings"] or f"none of {', '.join(KEY_SETTINGS)} is recorded in the run configs"
    lines = [f"Settings: {markdown_cell(recorded)}."]
    if panel["n_settings"] > 1:
        lines.append(f"Setting {panel['setting']} of {panel['n_settings']} for this task; it differs from the "
                     f"others in: {markdown_cell(panel['setting_diff'])}. Runs with different settings are "
                     "never averaged together.")
    if panel["variants"]:
        lines.append("Methods run with several configurations (reported apart): "
                     + "; ".join(markdown_cell(v) for v in panel["variants"]) + ".")
    return [line for text in lines for line in (text, "")]


def warnings_section(messages: Sequence[str]) -> str:
    """Every warning issued while building the report, once each (empty string when none)."""
    messages = list(dict.fromkeys(" ".join(str(m).split()) for m in messages))
    if not messages:
        return ""
    return "\n".join(["## Warnings", "", *(f"- {markdown_cell(m)}" for m in messages), ""])


@dataclass
class PanelResult:
    """What the report shows for one panel.

    Attributes:
        panel: the panel's row of :func:`reports.analyse.panels`.
        tables: kind (``verdicts``, ``accuracy``, ``data``, ``fits``, ``cost``, ``breakdown``) -> table;
            kinds without content are absent.
        figures: kind -> (PNG path, what it shows); kinds without content are absent.
        artifacts: image artifacts of representative runs.
    """

    panel: pd.Series
    tables: dict[str, Table]
    figures: dict[str, tuple[Path, str]]
    artifacts: list[Artifact] = field(default_factory=list)


#: Subsections of a panel: heading, then the tables and figure kinds it shows (in order).
PANEL_LAYOUT = (
    ("Test {metric}", ("accuracy", "paired"), ("learning_curve",)),
    ("Other test metrics", ("metrics",), ()),
    ("Data requirements", ("data", "sizes", "fits"), ()),
    ("Cost", ("cost",), ("pareto", "cost", "train_flops")),
    ("Breakdowns", ("breakdown",), ("breakdown", "breakdown_curves")),
)


def verdicts_section(results: Sequence[PanelResult]) -> str:
    """The verdict table of every panel that has both approaches, before everything else."""
    lines = ["## Verdicts", "",
             "Per task, what the runs say about the claims that end-to-end models perform better, need more "
             "labelled data and cost more; how each verdict is decided is under [Method](#method).", ""]
    shown = [r for r in results if "verdicts" in r.tables]
    for result in shown:
        lines += [f"### Verdicts: {result.panel['label']}", "", result.tables["verdicts"].to_markdown(), ""]
    if not shown:
        lines += ["No task has ok runs of both approaches, so no claim can be judged.", ""]
    return "\n".join(lines)


def panel_section(result: PanelResult, out_dir: Path) -> str:
    """One panel's settings, tables, figures and artifacts."""
    panel = result.panel
    lines = [f"### {panel['label']}", "", *settings_lines(panel)]
    for heading, tables, figures in PANEL_LAYOUT:
        shown_tables = [result.tables[k] for k in tables if k in result.tables]
        shown_figures = [v for k, v in result.figures.items() if k in figures or k.split(":")[0] in figures]
        if not shown_tables and not shown_figures:
            continue
        lines += [f"#### {heading.format(metric=panel['primary_metric'])}", ""]
        for table in shown_tables:
            lines += [table.to_markdown(), ""]
        for path, alt in shown_figures:
            lines += [f"![{alt}]({relative_link(path, out_dir)})", ""]
    if result.artifacts:
        lines += ["#### Artifacts", "",
                  "Images saved by one representative run per side (largest training-set size, lowest seed, that "
                  "still has them).", ""]
        for artifact in result.artifacts:
            lines += [f"{artifact.side}, training-set size {artifact.train_size}, seed {artifact.seed}: "
                      f"`{artifact.name}`", "", f"![{artifact.name}]({relative_link(artifact.path, out_dir)})", ""]
    return "\n".join(lines)


def first_error_line(error: object) -> str:
    """The message line of a record's ``error`` (not the ``Traceback`` header), shortened."""
    if not isinstance(error, str) or not error.strip():
        return "(no error message)"
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def failures_section(runs: pd.DataFrame, out_dir: Path) -> str:
    """Every run whose status is not ``ok``: its config, first error line and record link."""
    failed = runs[runs["status"] != "ok"]
    lines = ["## Failed runs", ""]
    if failed.empty:
        return "\n".join(lines + ["None.", ""])
    ok_hashes = set(runs.loc[runs["status"] == "ok", "config_hash"].dropna())
    table = pd.DataFrame({
        "task": failed["task"], "approach": failed["approach"], "method": failed["method"].fillna(MISSING),
        SIZE_HEADER: failed["train_size"].map(lambda s: MISSING if pd.isna(s) else str(int(s))),
        "seed": failed["seed"].map(lambda s: MISSING if pd.isna(s) else str(int(s))),
        "overrides": failed["overrides"].fillna("").map(lambda o: f"`{o}`" if o else MISSING),
        "error": failed["error"].map(first_error_line),
        "later ok": failed["config_hash"].map(lambda h: "yes" if h in ok_hashes else ""),
        "record": failed["path"].map(lambda p: f"[result.json]({relative_link(p, out_dir)})"),
    })
    if not (table["later ok"] == "yes").any():
        table = table.drop(columns="later ok")
    lines += [f"{len(failed)} run(s) did not finish ok.", "", frame_to_markdown(table.astype(str)), ""]
    return "\n".join(lines)
