"""Build the whole report from run folders: ``runs.csv``, tables, figures and ``report.md``."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from reports.analyse import cost_ratios, cost_summary, metric_summary, ok_runs, panels, select_panel
from reports.artifacts import copy_artifacts
from reports.breakdowns import at_largest_shared_size, axis_factors, breakdown_summary, single_factor_levels
from reports.collect import collect_runs
from reports.crossover import EXTRAPOLATION_FACTOR
from reports.curves import N_BOOTSTRAP
from reports.formatting import file_stem
from reports.errors import NoRecordsError, NoSuccessfulRunsError, ReportError, ReportWarning
from reports.html import markdown_to_html
from reports.latex import latex_document
from reports.markdown import (
    PanelResult, coverage_section, failures_section, panel_section, records_section, relative_link,
    verdicts_section, warnings_section,
)
from reports.panel_analysis import analyse_panel
from reports.plots import (
    breakdown_curves_figure, breakdown_figure, cost_figure, learning_curve_figure, pareto_figure, robustness_figure,
    save_figure,
)
from reports.reference import panel_reference
from reports.settings import KEY_SETTINGS, RUN_KEYS
from reports.stats import CI_METHOD, CONFIDENCE_LEVEL, t_multiplier
from reports.tables import (
    accuracy_table, breakdown_table, cost_table, fit_table, other_metrics_table, paired_table, requirements_table,
    size_units_table, verdict_table,
)
from reports.verdicts import WILCOXON_MIN_SEEDS
from reports.wandb_source import wandb_records

#: Report formats a user can ask for (``--format``); CSV tables and figures are always written.
FORMATS = ("md", "tex", "html")
TITLE = "# e2ebench report\n"
HTML_NAME = "report.html"
TEX_NAME = "report.tex"
FLOPS_LABEL = "train FLOPs (floating-point operations, log scale)"
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
    "included, are in `runs.csv`, with each run's setting in its `setting.*` columns.\n\n"
    "### Learning curves, crossover and samples to target\n\n"
    "Curves are fitted to an *error* derived from the primary metric with no per-task rule: a "
    "lower-is-better metric (WER) is its own error; a higher-is-better metric whose values all lie in "
    "[0, 1] (accuracy) gives 1 − metric; any other higher-is-better metric (closed-loop reward) is "
    "negated, because its best possible value is unknown, and its asymptote is then left unbounded. "
    "Three families of the LCDB family are fitted to the per-size means over seeds with bounded "
    "parameters (SciPy, variable projection over a grid of the nonlinear parameters, then bounded "
    "least squares): pow3 ε(n) = a·n^(−b) + c, exp3 ε(n) = a·exp(−b·n/n_max) + c and logpower3 "
    "ε(n) = a / (1 + (n/e^b)^c). Each side uses the family that best predicts its largest measured size "
    "when fitted to the smaller ones (pow3 when there are fewer than 4 sizes; no fit below 3). "
    f"Parameter intervals are {CONFIDENCE_LEVEL:.0%} percentile intervals of {N_BOOTSTRAP} bootstrap "
    "replicates (by default) that resample seeds with replacement, the same draw for both sides, "
    "because seeds pair the training subsets; none is given with one seed. These quantities are "
    "nonlinear in the data, so the bootstrap is used here where means use the t-interval.\n\n"
    "The crossover is the first size at which e2e's fitted error drops below the pipeline's, searched "
    f"from the smallest shared size up to {EXTRAPOLATION_FACTOR}× the largest: within the measured range "
    "it is reported as measured, beyond it as \"not reached within the measured range\" plus the "
    "extrapolated value, and \"not reached\" when the curves do not cross even there; a bootstrap "
    "replicate that never crosses counts as +∞ in its interval. P(e2e starts worse) and P(e2e starts "
    "worse and finishes better) are the fractions of replicates in which e2e's mean over the drawn seeds "
    "is worse at the smallest shared size (and better at the largest), after LCDB. Samples to target: the "
    "smallest measured size at which a side's mean comes within 10%, 5% or 1% of the best mean on the "
    "task (|best| sets the scale; for accuracy this is 90%, 95%, 99% of the best accuracy), interpolated "
    "on the side's fit between that size and the one below; \"not reached\" when no measured size "
    "reaches it (no extrapolation).\n\n"
    "### Verdicts\n\n"
    "Each claim is judged on paired seeds (seed s gives both sides the same training subset): "
    "*performance*: the difference e2e − pipeline of the primary metric at the largest shared size, "
    "signed so that > 0 means e2e is better; *data*: the same difference at the smallest shared size "
    "(the claim expects e2e worse) and its change per seed from the smallest to the largest size (the "
    "claim expects e2e to gain as data grows; a constant gap is about the model, not the data); "
    "*training cost* and *inference cost*: the per-seed log ratio e2e/pipeline of fit time and of latency, "
    f"shown as a geometric mean. A verdict is **supported** when the {CONFIDENCE_LEVEL:.0%} Student-t CI "
    "over seeds excludes no effect in the claimed direction (both CIs for the data claim), "
    "**contradicted** when it excludes it in the other direction (for the data claim: e2e better "
    "already at the smallest size), and **inconclusive** otherwise, always with fewer than two paired "
    "seeds. The performance claim reads **practically equivalent** when its CI lies inside the task's region of "
    "practical equivalence, ±`rope` in the primary metric's units (`conf/task/<task>.yaml`: half a point of "
    "accuracy or BLEU, one of WER, 10 of reward; Benavoli et al. 2017): the sides tie for any practical "
    "purpose, where *inconclusive* only says that the data cannot tell. The paired test is an exact sign-flip permutation test of the mean with fewer than "
    f"{WILCOXON_MIN_SEEDS} seeds and Wilcoxon's signed-rank test from there on. With 5 seeds or fewer the "
    "permutation test cannot reach p < 0.05 (its smallest p is 2/2^n: 0.25 with 3 seeds), so it is not "
    "shown there: a p that cannot fall below 0.05 beside a verdict would read as a contradiction; the "
    "verdict follows the CI. The performance row also gives the probability of improvement, P(e2e run "
    "better): the share of (e2e run, pipeline run) pairs at that size in which e2e scores better, ties "
    "counting one half, with a 95% bootstrap CI over each side's runs (Agarwal et al. 2021, rliable). "
    "Where both sides' runs kept their per-unit test scores (`units.npz`), the "
    "performance row also gives a paired two-level bootstrap CI (Bouthillier et al. 2021): each replicate "
    "draws the test units once for every seed and both sides (they share the test split), and the seeds "
    "with replacement; the test sample's share of the variance is its variance over units against that "
    "plus the seeds' variance of the mean. The verdict still reads the seed-only t-CI. Train FLOPs are quoted where recorded: e2e models count them with "
    "`torch.utils.flop_counter` (forward and backward of every training step). The pipelines here record "
    "none: their solvers (OpenCV's HOG, liblinear's coordinate descent, hmmlearn's Viterbi training) "
    "expose no operation counts, and their iteration counts depend on the data, so an estimate from "
    "formulas would be a guess; fit time is the cost both sides share. A method that can count its "
    "FLOPs sets `train_flops_` and the report uses it.\n\n"
    "*Robustness* (\"e2e is more robust\") reads effective robustness (Taori et al. 2020): a run's shifted "
    "score is the mean of its `<metric>@severity=1..5` breakdowns (test conditions no side trained on, such "
    "as MNIST-C-style image corruptions or text noise), its clean score `<metric>@severity=0` (the same "
    "test subset, unshifted); a least-squares line of shifted against clean score is fitted over every run "
    "of the panel, both sides, all sizes and seeds, and a run's effective robustness is its shifted score "
    "minus the line's prediction (signed so that > 0 is more robust). The verdict reads the t-CI over "
    "paired seeds of e2e − pipeline at the largest size both sides recorded shifted conditions for, as "
    "above, so a side that is robust only because its clean score is higher gets no credit; the plain relative "
    "drop of each side is shown beside it. *Simplicity* (\"e2e is simpler\") is read off both methods' "
    "simplicity vectors (`benchmarks/simplicity.py`: stages, designed or learned, and the training problem "
    "each solves; tuned and fixed hyperparameters; logical lines and cyclomatic complexity of the method's "
    "own classes) and tuning effort (Dodge et al. 2019: the expected best validation score after k of the "
    "trials a run made; the trials needed to get 95% of the way from one trial's expected score to the "
    "best, median over seeds). Rule: **supported** when e2e has fewer components, no more optimisation "
    "problems and needs no more trials; **contradicted** when it needs more trials or tunes more "
    "hyperparameters; **inconclusive** otherwise, and with fewer than two paired seeds. The vector is never "
    "summed into one score.\n\n"
    "### Breakdowns and artifacts\n\n"
    "Metrics named `<metric>@<factor>=<level>[,...]` are slices of the test set. They are averaged over "
    "seeds at the largest training-set size; a factor with numeric levels is drawn on the x axis, its "
    "other levels (such as `clean`) to the right of them as separate points, one panel per combination "
    "of the other factors. Image artifacts are shown for one run per side: the largest training-set size "
    "and the lowest seed that has any.\n"
)


def build_report(run_dirs: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: str | os.PathLike,
                 formats: Sequence[str] = FORMATS, n_bootstrap: int = N_BOOTSTRAP,
                 wandb_projects: Sequence[str] = (), wandb_api: object = None) -> Path:
    """Read every run record under ``run_dirs`` and write the report into ``out_dir``.

    Always writes ``runs.csv`` (one row per run, failed included, flattened),
    ``tables/<kind>_<task>.csv`` and ``figures/<kind>_<task>.{png,pdf}``; per
    ``formats``: ``md`` adds ``report.md`` and ``tables/*.md``, ``tex`` adds
    ``tables/*.tex`` and ``report.tex`` (a document that inputs them, with the figures),
    ``html`` adds the self-contained ``report.html``. Table kinds: ``verdicts``,
    ``accuracy``, ``data`` (crossover, samples to target), ``fits``, ``cost`` and
    ``breakdown``; figure kinds: ``learning_curve``, ``pareto``, ``cost``, ``train_flops``
    and ``breakdown_<metric>_<factor>``; image artifacts of runs are copied into
    ``artifacts/``. (``<task>`` gains ``_<dataset>``/``_<metric>`` where a task has
    several, and ``_s1``, ``_s2``... where it was run with several settings, which are never
    averaged together; see :mod:`reports.settings`). Records under ``out_dir`` are not
    read, unless ``out_dir`` is (or contains) a run folder. Unreadable records and
    duplicates are skipped; these and other problems are issued as
    :class:`~reports.errors.ReportWarning` and listed in the report's "Warnings" section.

    Args:
        run_dirs: one or several folders (searched recursively) or ``result.json`` files.
        out_dir: output folder, created if needed; existing files of the same name are replaced.
        formats: any of ``FORMATS``.
        n_bootstrap: bootstrap replicates over seeds for fits and crossovers.
        wandb_projects: W&B projects (``ENTITY/PROJECT``) whose e2ebench runs are read too
            (:mod:`reports.wandb_source`); ``run_dirs`` may then be empty.
        wandb_api: a ``wandb.Api``-like object to read them with (default: a new ``wandb.Api()``).

    Returns:
        Path of the main written report: ``report.md``, else ``report.html``, else ``report.tex``.

    Raises:
        ReportError: a run folder does not exist, a W&B project cannot be read, or an unknown
            format is asked for.
        NoRecordsError: no readable record was found (nothing is written).
        NoSuccessfulRunsError: no run is ok; ``runs.csv`` and a ``report.md`` listing
            the failures are written first (see the error's ``report_path``).
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ReportError(f"unknown report format(s) {', '.join(unknown) or '(none given)'}; "
                          f"choose from {', '.join(FORMATS)}")
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return _build(run_dirs, Path(out_dir), caught, tuple(formats), n_bootstrap,
                          _read_wandb(wandb_projects, wandb_api))
    finally:
        # Recorded to be listed in report.md; issued again outside the recording context,
        # so that callers (the CLI, tests) still see every warning.
        for warning in caught:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno,
                                   source=warning.source)


def _build(run_dirs: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: Path,
           caught: list[warnings.WarningMessage], formats: tuple[str, ...], n_bootstrap: int,
           sources: list[tuple[str, dict | Exception]]) -> Path:
    run_dirs = [Path(run_dirs)] if isinstance(run_dirs, str | os.PathLike) else [Path(d) for d in run_dirs]
    try:
        collection = collect_runs(run_dirs, exclude=_out_dir_to_exclude(run_dirs, out_dir), sources=sources)
    except FileNotFoundError as err:
        raise ReportError(f"run folder does not exist: {err.args[0]}") from None
    if collection.runs.empty:
        skipped = f" ({len(collection.skipped)} unreadable file(s) skipped)" if collection.skipped else ""
        where = [*map(str, run_dirs), *dict.fromkeys(uri.rsplit("/", 1)[0] for uri, _ in sources)]
        raise NoRecordsError(f"no run records (result.json) found under {', '.join(where)}{skipped}")

    out_dir.mkdir(parents=True, exist_ok=True)
    runs = collection.runs
    # Relative record paths keep the report valid when it moves with its records (results/ in git).
    runs.assign(path=runs["path"].map(lambda p: relative_link(p, out_dir))).to_csv(out_dir / RUNS_NAME, index=False)
    ok = ok_runs(runs)
    records = records_section(collection, run_dirs, out_dir)
    if ok.empty:
        report_path = out_dir / REPORT_NAME
        report_path.write_text(_compose([TITLE, records], caught, [failures_section(runs, out_dir)]),
                               encoding="utf-8")
        raise NoSuccessfulRunsError(
            f"none of the {len(runs)} run(s) is ok; the failures are listed in {report_path}", report_path)

    panel_table = panels(ok)
    metrics, costs = metric_summary(ok), cost_summary(ok)
    ratios = cost_ratios(costs)
    results = []
    for _, panel in tqdm(list(panel_table.iterrows()), desc="report: fitting learning curves", unit="panel",
                         file=sys.stderr, disable=len(panel_table) < 2):
        results.append(_panel_result(ok, panel, metrics, costs, ratios, out_dir, n_bootstrap))
        for table in results[-1].tables.values():
            table.write(out_dir / "tables", formats)
    parts = [coverage_section(runs, ok, panel_table), "## Results\n",
             *(panel_section(result, out_dir) for result in results), failures_section(runs, out_dir), METHOD_NOTE]
    text = _compose([TITLE, verdicts_section(results), records], caught, parts)
    written = {}
    if "md" in formats:
        written["md"] = out_dir / REPORT_NAME
        written["md"].write_text(text, encoding="utf-8")
    if "html" in formats:
        written["html"] = out_dir / HTML_NAME
        written["html"].write_text(markdown_to_html(text, out_dir), encoding="utf-8")
    if "tex" in formats:
        written["tex"] = out_dir / TEX_NAME
        written["tex"].write_text(latex_document(results, out_dir), encoding="utf-8")
    return next(written[f] for f in FORMATS if f in written)


def _panel_result(ok: pd.DataFrame, panel: pd.Series, metrics: pd.DataFrame, costs: pd.DataFrame,
                  ratios: pd.DataFrame, out_dir: Path, n_bootstrap: int) -> PanelResult:
    """Analyse one panel, save its figures and build its tables."""
    rows, name = select_panel(ok, panel), panel["name"]
    panel_metrics, panel_costs = select_panel(metrics, panel), select_panel(costs, panel)
    analysis = analyse_panel(rows, panel, n_bootstrap)
    tables = {}
    if analysis.pairs:
        tables["verdicts"] = verdict_table(analysis, panel)
    reference = panel_reference(rows, panel)
    tables["accuracy"] = accuracy_table(panel_metrics, panel, reference)
    others = other_metrics_table(rows, panel, reference)
    if others is not None:
        tables["metrics"] = others
    paired = paired_table(analysis, panel)
    if paired is not None:
        tables["paired"] = paired
    tables["data"] = requirements_table(analysis, panel)
    sizes = size_units_table(rows, panel)
    if sizes is not None:
        tables["sizes"] = sizes
    tables["fits"] = fit_table(analysis, panel)
    tables["cost"] = cost_table(panel_costs, select_panel(ratios, panel), panel)
    curves = breakdown_summary(rows)
    breakdowns = at_largest_shared_size(curves)
    if not breakdowns.empty:
        tables["breakdown"] = breakdown_table(breakdowns, panel)
    metric = panel["primary_metric"]
    figures = {
        "learning_curve": (learning_curve_figure(panel_metrics, panel, analysis, reference),
                           f"learning curve: test {metric} against training-set size"),
        "pareto": (pareto_figure(panel_metrics, panel_costs, panel), f"test {metric} against fit time"),
        "cost": (cost_figure(panel_costs, panel), "fit time against training-set size"),
    }
    flops = panel_costs[(panel_costs["quantity"] == "train_flops") & (panel_costs["mean"] > 0)]
    if not flops.empty:
        figures["train_flops"] = (cost_figure(panel_costs, panel, "train_flops", FLOPS_LABEL),
                                  "train FLOPs against training-set size")
    robustness = robustness_figure(rows, panel)
    if robustness is not None:
        figures["robustness"] = (robustness, f"{metric} under shift against clean, per run, with the pooled fit")
    for base in dict.fromkeys(breakdowns.get("metric", [])):
        for factor in axis_factors(breakdowns, base):
            figures[f"breakdown:{base}_{factor}"] = (breakdown_figure(breakdowns, panel, base, factor),
                                                     f"{base} against {factor}")
    if not curves.empty:
        # Every size's breakdowns, for the figures below; too many rows for a printed table.
        (out_dir / "tables").mkdir(parents=True, exist_ok=True)
        curves.drop(columns="factors").to_csv(out_dir / "tables" / f"breakdown_curves_{name}.csv", index=False)
        for factor, levels in single_factor_levels(curves, metric).items():
            figures[f"breakdown_curves:{metric}_{factor}"] = (
                breakdown_curves_figure(curves, panel, metric, factor, levels),
                f"learning curves of {metric} by {factor}")
    saved = {}
    for kind, (figure, alt) in figures.items():
        stem = file_stem(f"{kind.replace(':', '_')}_{name}")
        saved[kind] = (save_figure(figure, out_dir / "figures", stem)["png"], alt)
    artifacts = copy_artifacts(rows, out_dir / "artifacts" / name)
    return PanelResult(panel, tables, saved, artifacts)


def _read_wandb(projects: Sequence[str], api: object) -> list[tuple[str, dict | Exception]]:
    """Every run of the W&B ``projects`` as ``(uri, record or reason)``; a project that cannot be
    read is a :class:`ReportError`."""
    found = []
    for project in projects:
        try:
            found += wandb_records(project, api)
        except (ValueError, RuntimeError) as err:
            raise ReportError(str(err)) from None
    return found


def _compose(head: list[str], caught: list[warnings.WarningMessage], parts: list[str]) -> str:
    """The report's Markdown: the head, the report's warnings so far (if any), then ``parts``."""
    messages = [w.message for w in caught if issubclass(w.category, ReportWarning)]
    section = warnings_section(messages)
    return "\n".join([*head, *([section] if section else []), *parts])


def _out_dir_to_exclude(run_dirs: list[Path], out_dir: Path) -> list[Path]:
    # Skipping the out folder keeps stray copies there out of the report, but if the user
    # writes the report into a run folder itself, skipping it would hide every record.
    out = out_dir.resolve()
    if any(out == d.resolve() or out in d.resolve().parents for d in run_dirs):
        return []
    return [out_dir]
