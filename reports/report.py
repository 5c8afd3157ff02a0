"""Build the whole report from run folders: ``runs.csv``, tables, figures and ``report.md``."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from reports.analyse import cost_ratios, cost_summary, metric_summary, ok_runs, panels, select_panel
from reports.collect import collect_runs
from reports.errors import NoRecordsError, NoSuccessfulRunsError, ReportError, ReportWarning
from reports.markdown import coverage_section, failures_section, panel_section, records_section, warnings_section
from reports.plots import cost_figure, learning_curve_figure, save_figure
from reports.settings import KEY_SETTINGS, RUN_KEYS
from reports.stats import CI_METHOD, CONFIDENCE_LEVEL, t_multiplier
from reports.tables import accuracy_table, cost_table

REPORT_NAME = "report.md"
RUNS_NAME = "runs.csv"
METHOD_NOTE = (
    "## Method\n\n"
    "Each cell aggregates the ok runs of one task, approach, method, setting and training-set size "
    "over seeds. A run's *setting* is its resolved config less the keys that vary within one "
    f"comparison ({', '.join(f'`{k}`' for k in RUN_KEYS)}, their copies inside a subtree such as "
    "`method.estimator.seed`, `trainer.enable_progress_bar`, and values that are one of the config's "
    "`paths`). The top-level keys both approaches record (such as `tuning`, `trainer`, `task`, `data`) "
    "must be equal for runs to share a panel; the `method` subtree must be equal for runs of one method "
    "to be averaged (otherwise they are shown as variants `[v1]`, `[v2]`). Runs made with different "
    "settings get separate panels (`_s1`, `_s2`... in file names), and each panel lists its key settings "
    f"({', '.join(f'`{k}`' for k in KEY_SETTINGS)}).\n\n"
    f"Intervals are {CONFIDENCE_LEVEL:.0%} {CI_METHOD} confidence intervals of the mean over seeds, "
    "mean ± t·s/√n with n − 1 degrees of freedom; with a single seed only the mean is shown. The "
    "t-interval is used rather than a bootstrap because a benchmark has few seeds: with two, a "
    "percentile-bootstrap interval is just the range of the two values, and up to about ten seeds it "
    "covers the mean much less often than it claims. The t-interval is deterministic and as wide as "
    f"few seeds warrant: with 2 seeds t = {t_multiplier(2):.1f}, so the half-width is "
    f"{t_multiplier(2) / 2:.1f} times the difference of the two values; with 3 seeds t = "
    f"{t_multiplier(3):.1f}; with 5, t = {t_multiplier(5):.1f}. It assumes roughly normal seed-to-seed "
    "variation and describes that variation only (same data splits, same machine). Figures clip a band "
    "that reaches far beyond the plotted means; the tables give its full width.\n\n"
    "Fit time is the wall time of the whole fit, hyperparameter search (every configuration of the "
    "tuning budget, trained and scored on the validation split) and per-epoch validation included. "
    "Ratios are e2e/pipeline ratios of mean cost at the same training-set size. All rows, failed runs "
    "included, are in `runs.csv`, with each run's setting in its `setting.*` columns.\n"
)


def build_report(run_dirs: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Read every run record under ``run_dirs`` and write the report into ``out_dir``.

    Writes ``runs.csv`` (one row per run, failed included, flattened),
    ``tables/{accuracy,cost}_<task>.{md,tex,csv}``,
    ``figures/{learning_curve,cost}_<task>.{png,pdf}`` and ``report.md``
    (``<task>`` gains ``_<dataset>``/``_<metric>`` where a task has several, and
    ``_s1``, ``_s2``... where it was run with several settings, which are never
    averaged together; see :mod:`reports.settings`). Records under ``out_dir`` are not
    read, unless ``out_dir`` is (or contains) a run folder. Unreadable records and
    duplicates are skipped; these and other problems are issued as
    :class:`~reports.errors.ReportWarning` and listed in the report's "Warnings" section.

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
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return _build(run_dirs, Path(out_dir), caught)
    finally:
        # Recorded to be listed in report.md; issued again outside the recording context,
        # so that callers (the CLI, tests) still see every warning.
        for warning in caught:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno,
                                   source=warning.source)


def _build(run_dirs: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: Path,
           caught: list[warnings.WarningMessage]) -> Path:
    run_dirs = [Path(run_dirs)] if isinstance(run_dirs, str | os.PathLike) else [Path(d) for d in run_dirs]
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
    report_path = out_dir / REPORT_NAME
    head = ["# e2ebench report\n", records_section(collection, run_dirs, out_dir)]
    if ok.empty:
        _write(report_path, head, caught, [failures_section(runs, out_dir)])
        raise NoSuccessfulRunsError(
            f"none of the {len(runs)} run(s) is ok; the failures are listed in {report_path}", report_path)

    panel_table = panels(ok)
    metrics, costs = metric_summary(ok), cost_summary(ok)
    ratios = cost_ratios(costs)
    parts = [coverage_section(runs, ok, panel_table), "## Results\n"]
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
    _write(report_path, head, caught, parts)
    return report_path


def _write(path: Path, head: list[str], caught: list[warnings.WarningMessage], parts: list[str]) -> None:
    """Write report.md: the head, the report's warnings so far (if any), then ``parts``."""
    messages = [w.message for w in caught if issubclass(w.category, ReportWarning)]
    section = warnings_section(messages)
    path.write_text("\n".join([*head, *([section] if section else []), *parts]), encoding="utf-8")


def _out_dir_to_exclude(run_dirs: list[Path], out_dir: Path) -> list[Path]:
    # Skipping the out folder keeps stray copies there out of the report, but if the user
    # writes the report into a run folder itself, skipping it would hide every record.
    out = out_dir.resolve()
    if any(out == d.resolve() or out in d.resolve().parents for d in run_dirs):
        return []
    return [out_dir]
