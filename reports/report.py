"""Build the whole report (section 5 of ``DESIGN.md``) from run folders."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from reports.analyse import cost_ratios, cost_summary, metric_summary, ok_runs, panels, select_panel
from reports.collect import collect_runs
from reports.errors import NoRecordsError, NoSuccessfulRunsError, ReportError
from reports.markdown import coverage_section, failures_section, panel_section, records_section
from reports.plots import cost_figure, learning_curve_figure, save_figure
from reports.stats import CONFIDENCE_LEVEL, N_RESAMPLES
from reports.tables import accuracy_table, cost_table

REPORT_NAME = "report.md"
RUNS_NAME = "runs.csv"
METHOD_NOTE = (
    "## Method\n\n"
    f"Each cell aggregates the ok runs of one task, approach, method and training-set size over seeds. "
    f"Intervals are {CONFIDENCE_LEVEL:.0%} percentile-bootstrap confidence intervals of the mean "
    f"({N_RESAMPLES} resamples, fixed random state, so the same records give the same report); "
    "with a single seed only the mean is shown. With few seeds the interval reflects seed-to-seed "
    "spread and is narrower than a population interval would be. Ratios are e2e/pipeline ratios of "
    "mean cost at the same training-set size. All rows, failed runs included, are in `runs.csv`.\n"
)


def build_report(run_dirs: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Read every run record under ``run_dirs`` and write the report into ``out_dir``.

    Writes ``runs.csv`` (one row per run, failed included, flattened),
    ``tables/{accuracy,cost}_<task>.{md,tex,csv}``,
    ``figures/{learning_curve,cost}_<task>.{png,pdf}`` and ``report.md``
    (``<task>`` gains ``_<dataset>``/``_<metric>`` where a task has several). Records
    under ``out_dir`` are not read, unless ``out_dir`` is (or contains) a run folder.
    Unreadable records and duplicates are skipped with a :class:`UserWarning` and
    counted in the report.

    Args:
        run_dirs: one or several folders (searched recursively) or ``result.json`` files.
        out_dir: output folder, created if needed; existing files of the same name are replaced.

    Returns:
        Path of the written ``report.md``.

    Raises:
        ReportError: a run folder does not exist.
        NoRecordsError: no readable record was found (nothing is written).
        NoSuccessfulRunsError: no run is ok; ``runs.csv`` and a ``report.md`` listing
            the failures are written first (see the error's ``report_path``).
    """
    run_dirs = [Path(run_dirs)] if isinstance(run_dirs, str | os.PathLike) else [Path(d) for d in run_dirs]
    out_dir = Path(out_dir)
    try:
        collection = collect_runs(run_dirs, exclude=_out_dir_to_exclude(run_dirs, out_dir))
    except FileNotFoundError as err:
        raise ReportError(f"run folder does not exist: {err.args[0]}") from None
    if collection.runs.empty:
        skipped = f" ({len(collection.skipped)} unreadable file(s) skipped)" if collection.skipped else ""
        raise NoRecordsError(f"no run records (result.json) found under {', '.join(map(str, run_dirs))}{skipped}")

    out_dir.mkdir(parents=True, exist_ok=True)
    runs = collection.runs
    runs.to_csv(out_dir / RUNS_NAME, index=False)
    ok = ok_runs(runs)
    panel_table = panels(ok)
    report_path = out_dir / REPORT_NAME
    parts = ["# e2ebench report\n", records_section(collection, run_dirs, out_dir)]
    if ok.empty:
        report_path.write_text("\n".join([*parts, failures_section(runs, out_dir)]), encoding="utf-8")
        raise NoSuccessfulRunsError(
            f"none of the {len(runs)} run(s) is ok; the failures are listed in {report_path}", report_path)

    metrics, costs = metric_summary(ok), cost_summary(ok)
    ratios = cost_ratios(costs)
    parts += [coverage_section(runs, ok, panel_table), "## Results\n"]
    for _, panel in panel_table.iterrows():
        accuracy = accuracy_table(select_panel(metrics, panel), panel)
        cost = cost_table(select_panel(costs, panel), select_panel(ratios, panel), panel)
        for table in (accuracy, cost):
            table.write(out_dir / "tables")
        figures = {}
        for kind, figure in (("learning_curve", learning_curve_figure(select_panel(metrics, panel), panel)),
                             ("cost", cost_figure(select_panel(costs, panel), panel))):
            figures[kind] = save_figure(figure, out_dir / "figures", f"{kind}_{panel['name']}")["png"]
        parts.append(panel_section(panel, accuracy, cost, figures, out_dir))
    parts += [failures_section(runs, out_dir), METHOD_NOTE]
    report_path.write_text("\n".join(parts), encoding="utf-8")
    return report_path


def _out_dir_to_exclude(run_dirs: list[Path], out_dir: Path) -> list[Path]:
    # Skipping the out folder keeps stray copies there out of the report, but if the user
    # writes the report into a run folder itself, skipping it would hide every record.
    out = out_dir.resolve()
    if any(out == d.resolve() or out in d.resolve().parents for d in run_dirs):
        return []
    return [out_dir]
