"""Tests of the report's analysis layer on synthetic records drawn from known learning curves:
fits, model selection, crossover, samples to target, verdicts, breakdowns, artifacts, HTML and LaTeX."""

from __future__ import annotations

import base64
import html
import json
import math
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from reports import build_report
from reports.cli import main
from reports.analyse import metric_summary, ok_runs, panels
from reports.breakdowns import parse_breakdown, single_factor_levels
from reports.collect import collect_runs
from reports.errors import ReportWarning
from reports.formatting import compact_number
from reports.crossover import AT_START, NOT_REACHED
from reports.fits import fit_family, select_model
from reports.html import markdown_to_html
from reports.panel_analysis import analyse_panel
from reports.plots import learning_curve_figure
from reports.reference import panel_reference
from reports.verdicts import CONTRADICTED, INCONCLUSIVE, SUPPORTED, paired_test, verdict
from test_report import make_record, write_record

SIZES = tuple(int(n) for n in np.geomspace(100, 10000, 6).round())
#: Error curves a·n^(−b) + c: the pipeline starts better, e2e learns faster and overtakes.
PIPELINE = (0.3, 0.2, 0.08)
E2E = (4.0, 0.5, 0.02)
NOISE = 0.003


def power_law(n: float, a: float, b: float, c: float) -> float:
    return a * n ** (-b) + c


def write_power_law_sweep(root: Path, curves: dict[str, tuple[float, float, float]], *, seeds=range(5),
                          sizes=SIZES, rng_seed: int = 1, task: str = "image", metric: str = "accuracy",
                          to_score=lambda error: 1 - error, higher_is_better: bool = True, extra=None) -> Path:
    """Records whose error at size n is ``a·n^(−b) + c`` plus Gaussian noise (sd ``NOISE``) per run.

    ``to_score`` maps the error to the recorded metric; ``extra(approach, size, seed)`` adds metrics.
    Fit time grows linearly with n, 30× larger for e2e; latency is 8× larger for e2e.
    """
    rng = np.random.default_rng(rng_seed)
    for approach, params in curves.items():
        for n in sizes:
            for seed in seeds:
                error = power_law(n, *params) + rng.normal(0, NOISE)
                metrics = {metric: to_score(error), **(extra(approach, n, seed) if extra else {})}
                write_record(root / f"{approach}_{n}_{seed}", make_record(
                    task, approach, int(n), seed, metrics=metrics, primary_metric=metric,
                    higher_is_better=higher_is_better,
                    fit_time_s=(0.01 if approach == "pipeline" else 0.3) * n * (1 + 0.05 * seed)))
    return root


#: Bootstrap replicates where a test does not look at the intervals (keeps the file fast).
FEW = 40


def build(root: Path, **kwargs) -> Path:
    """Build the report of ``root`` into ``root/report`` and return that folder."""
    out = root / "report"
    build_report([root], out, **kwargs)
    return out


@pytest.fixture(scope="module")
def crossing(tmp_path_factory) -> Path:
    """The report of a 6-size × 5-seed sweep where e2e overtakes the pipeline (records in the parent)."""
    root = write_power_law_sweep(tmp_path_factory.mktemp("crossing"), {"pipeline": PIPELINE, "e2e": E2E})
    return build(root)


def test_power_law_fit_recovers_the_exponent_within_10_percent(crossing):
    fits = pd.read_csv(crossing / "tables" / "fits_image.csv")
    pow3 = fits[fits["family"] == "pow3"].set_index("approach")
    for approach, (_, b, _) in (("pipeline", PIPELINE), ("e2e", E2E)):
        assert pow3.loc[approach, "b"] == pytest.approx(b, rel=0.10)
        # The bootstrap CI over seeds brackets the estimate.
        assert pow3.loc[approach, "b_ci_low"] <= pow3.loc[approach, "b"] <= pow3.loc[approach, "b_ci_high"]
    assert fits.groupby("approach")["chosen"].sum().eq(1).all()


def test_crossover_lies_within_its_ci_and_the_range(crossing):
    truth = brentq(lambda n: power_law(n, *E2E) - power_law(n, *PIPELINE), SIZES[0], SIZES[-1])
    data = pd.read_csv(crossing / "tables" / "data_image.csv")
    row = data[data["what"] == "crossover"].iloc[0]
    assert row["kind"] == "measured"
    assert row["ci_low"] <= truth <= row["ci_high"], (truth, row["ci_low"], row["ci_high"])
    assert row["size"] == pytest.approx(truth, rel=0.1)
    assert row["p_starts_worse"] == 1.0 and row["p_starts_worse_finishes_better"] == 1.0


def test_verdicts_with_five_seeds_follow_the_data(crossing):
    verdicts = pd.read_csv(crossing / "tables" / "verdicts_image.csv").set_index("claim")
    assert verdicts.loc["performance", "verdict"] == SUPPORTED
    assert verdicts.loc["data", "verdict"] == SUPPORTED
    assert verdicts.loc["training cost", "verdict"] == SUPPORTED
    assert (verdicts.drop(["simplicity", "robustness"])["n_seeds"] == 5).all()
    # the synthetic records name no real method classes and record no shifted test conditions
    assert (verdicts.loc[["simplicity", "robustness"], "verdict"] == "inconclusive").all()
    # The permutation test over 5 seeds cannot go below 2/32.
    assert verdicts.loc["performance", "p_value"] == pytest.approx(2 / 32)
    assert verdicts.loc["performance", "ci_low"] > 0


def test_samples_to_target_is_interpolated_on_the_fit(crossing):
    data = pd.read_csv(crossing / "tables" / "data_image.csv")
    targets = data[data["what"] == "samples_to_target"].set_index(["pair", "kind"])
    e2e = targets.loc[("e2e (cnn)", "0.90")]
    # 90% of the best accuracy, solved on the true e2e curve.
    truth = brentq(lambda n: 1 - power_law(n, *E2E) - e2e["target"], SIZES[0], SIZES[-1])
    assert e2e["size"] == pytest.approx(truth, rel=0.15)
    assert SIZES[0] < e2e["size"] < SIZES[-1] and e2e["size"] not in SIZES
    # The pipeline never comes within 1% of the best (e2e's) accuracy.
    assert math.isnan(targets.loc[("pipeline (hog_svm)", "0.99"), "size"])


def test_each_pair_of_methods_gets_its_own_named_crossover_line(tmp_path):
    write_power_law_sweep(tmp_path / "hog", {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(3))
    # a second, stronger pipeline method, which e2e overtakes later
    second = write_power_law_sweep(tmp_path / "hog_lbp", {"pipeline": (0.3, 0.2, 0.07)}, seeds=range(3),
                                   rng_seed=2)
    for path in second.rglob("result.json"):
        record = json.loads(path.read_text())
        record.update(method="hog_lbp_svm", config_hash=record["config_hash"] + "-lbp")
        path.write_text(json.dumps(record))
    rows = ok_runs(collect_runs([tmp_path]).runs)
    panel = panels(rows).iloc[0]
    analysis = analyse_panel(rows, panel, n_bootstrap=FEW)
    figure = learning_curve_figure(metric_summary(rows), panel, analysis)
    lines = {line.get_label(): line for line in figure.axes[0].get_lines() if "crossover" in line.get_label()}
    assert sorted(label.split(" ≈ ")[0] for label in lines) == [
        "crossover e2e (cnn) vs pipeline (hog_lbp_svm)", "crossover e2e (cnn) vs pipeline (hog_svm)"]
    assert len({line.get_linestyle() for line in lines.values()}) == 2


def test_performance_below_the_largest_run_says_it_is_not_the_full_pool(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2))
    for folder in root.glob(f"e2e_{SIZES[-1]}_*"):
        shutil.rmtree(folder)  # e2e's runs at the largest size have not finished
    table = (build(root, n_bootstrap=FEW) / "tables" / "verdicts_image.md").read_text()
    [performance] = [line for line in table.splitlines() if "at the full pool" in line]
    assert (f"caution: the sides share sizes only up to n = {compact_number(SIZES[-2])}, below the largest run "
            f"(n = {compact_number(SIZES[-1])})") in performance


def test_e2e_that_never_overtakes_gives_not_reached_and_no_number(tmp_path):
    parallel = (PIPELINE[0], PIPELINE[1], PIPELINE[2] + 0.05)
    out = build(write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": parallel}))
    row = pd.read_csv(out / "tables" / "data_image.csv").query("what == 'crossover'").iloc[0]
    assert row["kind"] == NOT_REACHED and math.isnan(row["size"])
    text = (out / "report.md").read_text()
    assert "not reached within the measured range" in text and "extrapolated:" not in text
    verdicts = pd.read_csv(out / "tables" / "verdicts_image.csv").set_index("claim")
    assert verdicts.loc["performance", "verdict"] == CONTRADICTED
    # A constant gap is no evidence that e2e needs more data.
    assert verdicts.loc["data", "verdict"] == INCONCLUSIVE


def test_one_seed_is_never_supported(tmp_path):
    out = build(write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=[0]))
    verdicts = pd.read_csv(out / "tables" / "verdicts_image.csv")
    assert (verdicts["verdict"] == INCONCLUSIVE).all()
    assert (verdicts.set_index("claim").drop("robustness")["n_seeds"] == 1).all()  # no shifted conditions here
    fits = pd.read_csv(out / "tables" / "fits_image.csv")
    assert fits["b_ci_low"].isna().all()
    assert "inconclusive" in (out / "report.md").read_text().split("## Records")[0]


def test_lower_is_better_and_unbounded_metrics_are_fitted_generically(tmp_path):
    # Speech-like: WER is its own error.
    speech = write_power_law_sweep(tmp_path / "speech", {"pipeline": PIPELINE, "e2e": E2E}, task="speech",
                                   metric="wer", to_score=lambda e: e, higher_is_better=False)
    fits = pd.read_csv(build(speech, n_bootstrap=FEW) / "tables" / "fits_speech.csv")
    assert fits["error"].eq("wer").all()
    assert fits.query("family == 'pow3' and approach == 'e2e'")["b"].iloc[0] == pytest.approx(E2E[1], rel=0.1)
    # Driving-like: reward is unbounded, fitted as its negation.
    driving = write_power_law_sweep(tmp_path / "driving", {"pipeline": PIPELINE, "e2e": E2E}, task="driving",
                                    metric="reward", to_score=lambda e: 1000 * (1 - e) - 300)
    out = build(driving, n_bootstrap=FEW)
    fits = pd.read_csv(out / "tables" / "fits_driving.csv")
    assert fits["error"].eq("−reward").all()
    assert fits.query("family == 'pow3' and approach == 'e2e'")["b"].iloc[0] == pytest.approx(E2E[1], rel=0.1)
    verdicts = pd.read_csv(out / "tables" / "verdicts_driving.csv").set_index("claim")
    assert verdicts.loc["performance", "verdict"] == SUPPORTED
    assert "more accurate" not in (out / "report.md").read_text()


def test_model_selection_prefers_the_generating_family():
    n = np.array(SIZES, dtype=float)
    assert select_model(n, power_law(n, *E2E), True).chosen == "pow3"
    exponential = 0.3 * np.exp(-3 * n / n.max()) + 0.1
    selection = select_model(n, exponential, True)
    assert selection.chosen == "exp3" and selection.holdout_error["exp3"] < 1e-3
    assert select_model(n[:2], power_law(n[:2], *E2E), True) is None
    assert fit_family("pow3", n, power_law(n, *E2E), True).params[1] == pytest.approx(E2E[1], rel=1e-3)


def test_paired_test_and_verdict_rules():
    assert paired_test(np.array([0.1, 0.2, 0.3])) == ("sign-flip permutation", pytest.approx(0.25))
    name, p = paired_test(np.arange(1.0, 13.0))
    assert name == "Wilcoxon signed-rank" and p < 0.01
    assert math.isnan(paired_test(np.array([0.1]))[1])
    assert verdict(0.1, 0.2, 3) == SUPPORTED and verdict(-0.2, -0.1, 3) == CONTRADICTED
    assert verdict(-0.2, -0.1, 3, claimed_positive=False) == SUPPORTED
    assert verdict(-0.1, 0.2, 3) == INCONCLUSIVE and verdict(0.1, 0.2, 1) == INCONCLUSIVE


def test_missing_sizes_and_failed_runs_still_build_and_are_named(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(3))
    for folder in [root / f"e2e_{SIZES[-1]}_2", *root.glob(f"e2e_{SIZES[2]}_*")]:
        shutil.rmtree(folder)
    write_record(root / "failed", make_record("image", "e2e", SIZES[-1], 2, status="failed",
                                              error="RuntimeError: out of memory"))
    out = build(root, n_bootstrap=FEW)
    text = (out / "report.md").read_text()
    assert "Missing ok runs" in text and f"e2e (cnn) at {SIZES[2]}: seeds 0–2" in text
    assert f"e2e (cnn) at {SIZES[-1]}: seed 2" in text
    assert "RuntimeError: out of memory" in text
    verdicts = pd.read_csv(out / "tables" / "verdicts_image.csv").set_index("claim")
    assert verdicts.loc["performance", "n_seeds"] == 2
    assert (out / "report.html").stat().st_size > 0


def test_html_is_self_contained_with_every_table_and_figure(crossing):
    page = (crossing / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    tables = sorted((crossing / "tables").glob("*.md"))
    assert {t.stem.split("_")[0] for t in tables} >= {"verdicts", "accuracy", "data", "fits", "cost"}
    for table in tables:
        caption = table.read_text().split("Table: ", 1)[1].strip()
        assert html.escape(caption, quote=False)[:120] in page, table.name
    figures = sorted((crossing / "figures").glob("*.png"))
    assert {f.stem for f in figures} >= {"learning_curve_image", "pareto_image", "cost_image"}
    for figure in figures:
        assert base64.b64encode(figure.read_bytes()).decode()[:200] in page, figure.name
    assert page.count("<table>") == len(tables) + 1  # and the coverage grid
    assert 'src="figures/' not in page and "data:image/png;base64," in page
    # Verdicts come before every other table.
    assert page.index("Verdicts: image") < page.index("<h2 id=\"records\">")


def test_markdown_to_html_renders_links_code_lists_and_escapes():
    page = markdown_to_html("## A & B\n\n- one `x|y`\n  - two [r](a/b.json)\n\ntext <b> *is* **so**, 2*3\n",
                            Path("."))
    assert '<h2 id="a--b">A &amp; B</h2>' in page and "<code>x|y</code>" in page
    assert "<em>is</em> <strong>so</strong>, 2*3" in page
    assert '<a href="a/b.json">r</a>' in page and "text &lt;b&gt;" in page and page.count("<ul>") == 2


def test_breakdown_metrics_give_a_figure_and_a_table(tmp_path):
    def extra(approach, n, seed):
        slope = 0.02 if approach == "pipeline" else 0.01
        metrics = {f"wer@snr={snr}": 0.1 + slope * (20 - snr) + 0.001 * seed for snr in (0, 10, 20)}
        metrics["wer@snr=clean"] = 0.05 + 0.001 * seed
        metrics["wer@snr=clean,voices=heldout"] = 0.2
        metrics["wer@snr=0,voices=heldout"] = 0.6
        return metrics

    out = build(write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, task="speech", metric="wer",
                                      to_score=lambda e: e, higher_is_better=False, seeds=range(3), extra=extra),
                n_bootstrap=FEW)
    assert (out / "figures" / "breakdown_wer_snr_speech.png").stat().st_size > 1000
    table = pd.read_csv(out / "tables" / "breakdown_speech.csv")
    assert set(table["breakdown"]) == {"snr=0", "snr=10", "snr=20", "snr=clean", "snr=clean,voices=heldout",
                                       "snr=0,voices=heldout"}
    assert (table["train_size"] == SIZES[-1]).all()
    row = table[(table["approach"] == "pipeline") & (table["breakdown"] == "snr=0")].iloc[0]
    assert row["mean"] == pytest.approx(0.1 + 0.02 * 20 + 0.001) and row["n_seeds"] == 3
    assert "wer against snr" in (out / "report.md").read_text()
    curves = pd.read_csv(out / "tables" / "breakdown_curves_speech.csv")
    assert sorted(curves["train_size"].unique()) == sorted(SIZES)
    at_0db = curves[(curves["approach"] == "e2e") & (curves["breakdown"] == "snr=0")].sort_values("train_size")
    assert len(at_0db) == len(SIZES) and (at_0db["n_seeds"] == 3).all()
    assert (out / "figures" / "breakdown_curves_wer_snr_speech.png").stat().st_size > 1000
    assert "learning curves of wer by snr" in (out / "report.md").read_text()


def test_breakdowns_compare_the_sides_at_the_largest_size_they_share(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, task="speech", metric="wer",
                                 to_score=lambda e: e, higher_is_better=False, seeds=range(2),
                                 extra=lambda approach, n, seed: {"wer@snr=0": 0.5, "wer@snr=10": 0.3})
    for seed in range(2):
        shutil.rmtree(root / f"e2e_{SIZES[-1]}_{seed}")
    table = pd.read_csv(build(root, n_bootstrap=FEW) / "tables" / "breakdown_speech.csv")
    assert set(table["train_size"]) == {SIZES[-2]} and set(table["approach"]) == {"pipeline", "e2e"}
    assert levels_in_order(["0", "clean", "20", "5"]) == ["clean", "20", "5", "0"]


def levels_in_order(levels: list[str]) -> list[str]:
    frame = pd.DataFrame({"metric": "wer", "factors": [{"snr": v} for v in levels]})
    return single_factor_levels(frame, "wer")["snr"]


def test_image_artifacts_are_copied_and_embedded(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3])
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    for folder in (root / f"e2e_{SIZES[2]}_0", root / f"e2e_{SIZES[2]}_1"):
        (folder / "artifacts").mkdir()
        figure.savefig(folder / "artifacts" / "filmstrip.png")
        record = json.loads((folder / "result.json").read_text())
        record["artifacts"] = ["artifacts/filmstrip.png", "artifacts/missing.png"]
        (folder / "result.json").write_text(json.dumps(record))
    with pytest.warns(UserWarning, match="missing.png"):
        build_report([root], root / "report", n_bootstrap=FEW)
    copies = list((root / "report" / "artifacts" / "image").glob("*.png"))
    assert len(copies) == 1 and "filmstrip" in copies[0].name
    text = (root / "report" / "report.md").read_text()
    assert f"e2e (cnn), training-set size {SIZES[2]}, seed 0: `filmstrip.png`" in text
    page = (root / "report" / "report.html").read_text()
    assert base64.b64encode(copies[0].read_bytes()).decode()[:100] in page


def test_artifacts_come_from_the_largest_run_that_still_has_them(tmp_path):
    # Kept records (make results) of older runs can lack their files; the report takes the next run.
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3])
    from matplotlib.figure import Figure

    for folder in (root / f"e2e_{SIZES[2]}_0", root / f"e2e_{SIZES[1]}_1"):
        record = json.loads((folder / "result.json").read_text())
        record["artifacts"] = ["artifacts/filmstrip.png"]
        (folder / "result.json").write_text(json.dumps(record))
    (root / f"e2e_{SIZES[1]}_1" / "artifacts").mkdir()
    Figure(figsize=(1, 1)).savefig(root / f"e2e_{SIZES[1]}_1" / "artifacts" / "filmstrip.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReportWarning)
        build_report([root], root / "report", n_bootstrap=FEW)
    assert len(list((root / "report" / "artifacts" / "image").glob("*.png"))) == 1
    assert f"training-set size {SIZES[1]}, seed 1: `filmstrip.png`" in (root / "report" / "report.md").read_text()


def test_expert_scores_are_a_reference_not_a_side(tmp_path):
    expert = {"expert_accuracy": 0.97, "expert_laps": 1.0}
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3],
                                 extra=lambda approach, n, seed: {**expert, "laps": 0.5})
    out = build(root, n_bootstrap=FEW)
    accuracy = (out / "tables" / "accuracy_image.md").read_text()
    assert "expert (reference)" in accuracy.splitlines()[0] and accuracy.count("0.970") == 3
    data = pd.read_csv(out / "tables" / "accuracy_image.csv")
    assert (data.loc[(data["approach"] == "reference") & (data["task"] == "image"), "mean"] == 0.97).sum() == 3
    metrics = pd.read_csv(out / "tables" / "metrics_image.csv")
    assert set(metrics["quantity"]) == {"laps"}
    assert metrics.loc[metrics["approach"] == "reference", "mean"].tolist() == [1.0]
    table = (out / "tables" / "metrics_image.md").read_text()
    assert "expert_" not in table and "| all " in table and "expert (reference)" in table
    summary = metric_summary(ok_runs(collect_runs([root]).runs))
    rows = ok_runs(collect_runs([root]).runs)
    panel = panels(rows).iloc[0]
    figure = learning_curve_figure(summary, panel, reference=panel_reference(rows, panel))
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "expert (reference): 0.970" in labels
    assert figure.axes[0].get_ylim()[0] <= 0.97 <= figure.axes[0].get_ylim()[1]


def test_odd_expert_scores_are_read_or_dropped_with_a_warning(tmp_path):
    # A boolean, an infinity on one run, and the expert's own breakdowns, none of them a side's.
    def extra(approach, n, seed):
        return {"expert_accuracy": math.inf if (n, seed) == (SIZES[0], 0) else 0.97, "expert_laps": True,
                "laps": 0.5, "expert_accuracy@track=1": 0.9, "accuracy@track=1": 0.5, "accuracy@track=2": 0.6}

    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3],
                                 extra=extra)
    with pytest.warns(ReportWarning, match="dropped 2 non-finite metrics.expert_accuracy"):
        out = build(root, n_bootstrap=FEW)
    assert (out / "tables" / "accuracy_image.md").read_text().count("0.970") == 3
    assert "expert (reference)" in (out / "tables" / "metrics_image.md").read_text()
    breakdowns = pd.read_csv(out / "tables" / "breakdown_image.csv")
    assert set(breakdowns["metric"]) == {"accuracy"}


def test_artifacts_outside_the_job_folder_are_refused_and_names_kept_apart(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(1), sizes=SIZES[:3])
    from matplotlib.figure import Figure

    folder = root / f"e2e_{SIZES[2]}_0"
    (folder / "artifacts" / "a").mkdir(parents=True)
    for name, colour in (("a/b.png", "red"), ("a-b.png", "blue")):
        Figure(figsize=(1, 1), facecolor=colour).savefig(folder / "artifacts" / name)
    Figure(figsize=(1, 1)).savefig(tmp_path / "secret.png")
    record = json.loads((folder / "result.json").read_text())
    record["artifacts"] = ["artifacts/a/b.png", "artifacts/a-b.png", "../../secret.png", str(tmp_path / "secret.png")]
    (folder / "result.json").write_text(json.dumps(record))
    with pytest.warns(ReportWarning, match="outside its job folder"):
        build_report([root], root / "report", n_bootstrap=FEW)
    copies = sorted((root / "report" / "artifacts" / "image").glob("*.png"))
    assert len(copies) == 2 and len({c.read_bytes() for c in copies}) == 2


def test_expert_scores_that_disagree_across_runs_are_warned_about(tmp_path):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3],
                                 extra=lambda approach, n, seed: {"expert_accuracy": 0.9 + 0.01 * seed})
    with pytest.warns(ReportWarning, match="image .*: the reference's accuracy differs across runs"):
        build(root, n_bootstrap=FEW)


@pytest.mark.parametrize(("formats", "present", "absent"), [
    (["md"], ["report.md", "tables/accuracy_image.md"], ["report.html", "report.tex", "tables/accuracy_image.tex"]),
    (["tex"], ["report.tex", "tables/accuracy_image.tex"], ["report.md", "report.html", "tables/accuracy_image.md"]),
    (["html"], ["report.html"], ["report.md", "report.tex", "tables/accuracy_image.tex"]),
])
def test_format_option_writes_only_what_is_asked(tmp_path, capsys, formats, present, absent):
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3])
    out = tmp_path / "out"
    assert main([str(root), "--out", str(out), f"--bootstrap={FEW}", *[f"--format={f}" for f in formats]]) == 0
    for name in present:
        assert (out / name).is_file(), name
    for name in absent:
        assert not (out / name).exists(), name
    assert (out / "tables" / "accuracy_image.csv").is_file() and (out / "figures" / "pareto_image.pdf").is_file()


def test_latex_output_is_ascii_so_any_engine_reads_it(crossing):
    for path in [crossing / "report.tex", *(crossing / "tables").glob("*.tex")]:
        text = path.read_text(encoding="utf-8")
        assert text.isascii(), (path.name, sorted({c for c in text if not c.isascii()}))
        assert "\\toprule" in text or path.name == "report.tex"


LATEX_ENGINES = [e for e in ("pdflatex", "lualatex") if shutil.which(e)]


@pytest.mark.skipif(not LATEX_ENGINES, reason="no LaTeX engine (Debian texlive-latex-recommended: pdflatex, "
                                               "lualatex) is installed")
def test_report_tex_compiles(crossing):
    result = subprocess.run([LATEX_ENGINES[0], "-interaction=nonstopmode", "-halt-on-error",
                             "-output-directory", str(crossing), "report.tex"],
                            cwd=crossing, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert (crossing / "report.pdf").stat().st_size > 10000


def test_e2e_better_from_the_smallest_size_has_no_crossover_and_contradicts_the_data_claim(tmp_path):
    better = (PIPELINE[0] * 0.5, PIPELINE[1], PIPELINE[2] - 0.03)
    out = build(write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": better}), n_bootstrap=FEW)
    row = pd.read_csv(out / "tables" / "data_image.csv").query("what == 'crossover'").iloc[0]
    assert row["kind"] == AT_START and math.isnan(row["size"]) and row["p_starts_worse"] == 0.0
    verdicts = pd.read_csv(out / "tables" / "verdicts_image.csv").set_index("claim")
    assert verdicts.loc["data", "verdict"] == CONTRADICTED
    assert verdicts.loc["performance", "verdict"] == SUPPORTED


def test_breakdown_names_are_parsed_and_malformed_ones_ignored():
    assert parse_breakdown("wer@snr=clean,voices=heldout") == ("wer", {"snr": "clean", "voices": "heldout"})
    assert parse_breakdown("word_acc@set=asterisk") == ("word_acc", {"set": "asterisk"})
    for name in ("accuracy", "wer@", "@snr=1", "wer@snr", "wer@snr=1,x"):
        assert parse_breakdown(name) is None, name


def test_latex_cells_escape_what_the_default_font_encoding_misprints(crossing):
    tex = (crossing / "tables" / "verdicts_image.tex").read_text()
    body = tex[tex.index("\\midrule"):]
    assert "(\\textgreater{} 0: e2e better)" in body and ">" not in body.replace("\\textgreater{}", "")
    assert not any(line.lstrip().startswith("[") for line in body.splitlines())


def test_a_named_reference_and_sizes_in_words_reach_the_report(tmp_path):
    # translation's records: Apertium as the reference, the training subset's words in task_info
    root = write_power_law_sweep(tmp_path, {"pipeline": PIPELINE, "e2e": E2E}, seeds=range(2), sizes=SIZES[:3],
                                 extra=lambda approach, n, seed: {"expert_accuracy": 0.5})
    for path in root.rglob("result.json"):
        record = json.loads(path.read_text())
        record["task_info"] = {"reference": "Apertium (rule-based)", "train_words_en": 25 * record["train_size"]}
        path.write_text(json.dumps(record))
    out = build(root, n_bootstrap=FEW)
    assert "Apertium (rule-based, reference)" in (out / "tables" / "accuracy_image.md").read_text()
    sizes = (out / "tables" / "sizes_image.md").read_text()
    assert "words en" in sizes and f"{25 * SIZES[2]:,}" in sizes
    assert "Apertium" in (out / "report.md").read_text()


def test_a_test_that_cannot_reject_is_not_shown_and_one_that_can_is():
    from reports.verdicts import PairedEffect, _p_text, smallest_p

    assert smallest_p("sign-flip permutation", 3) == 0.25 and smallest_p("sign-flip permutation", 6) == 2 / 64
    three = PairedEffect(100, 0.05, (0.01, 0.09), 3, "sign-flip permutation", 0.25)
    assert _p_text(three) == "no test shown: with 3 seeds the sign-flip permutation test cannot go below p = 0.25"
    six = PairedEffect(100, 0.05, (0.01, 0.09), 6, "sign-flip permutation", 0.03125)
    assert _p_text(six) == "sign-flip permutation p = 0.0312"


def test_probability_of_improvement_counts_pairs_of_runs():
    from reports.verdicts import probability_of_improvement

    better = probability_of_improvement(pd.Series([0.80, 0.81, 0.82]), pd.Series([0.90, 0.91, 0.92]))
    assert better[0] == 1.0 and better[1] == (1.0, 1.0) and better[2] == 3
    # one e2e run below every pipeline run, one tie: (3 + 3 + 0.5 + 2) / 9 pairs
    mixed = probability_of_improvement(pd.Series([0.80, 0.81, 0.82]), pd.Series([0.90, 0.79, 0.81]))
    assert mixed[0] == pytest.approx((3 + 0 + 1.5) / 9) and mixed[1][0] < mixed[0] < mixed[1][1]
    # for an error metric lower is better
    assert probability_of_improvement(pd.Series([0.2, 0.3]), pd.Series([0.1, 0.15]), sign=-1.0)[0] == 1.0


def test_a_tight_tie_inside_the_rope_is_practically_equivalent_and_a_wide_one_is_not(tmp_path):
    from reports.verdicts import EQUIVALENT, INCONCLUSIVE, verdict

    assert verdict(-0.002, 0.003, 5, rope=0.005) == EQUIVALENT
    assert verdict(-0.002, 0.008, 5, rope=0.005) == INCONCLUSIVE
    assert verdict(0.001, 0.003, 5, rope=0.005) == EQUIVALENT  # inside the ROPE, though it excludes 0
    assert verdict(0.001, 0.003, 5) == "supported"  # no ROPE: the plain rule

    # the same curve on both sides, 5 seeds: image's ROPE (±0.005, conf/task/image.yaml) holds the CI
    same = write_power_law_sweep(tmp_path / "same", {"pipeline": PIPELINE, "e2e": PIPELINE}, seeds=range(5),
                                 sizes=SIZES[:3])
    claims = analyse_panel(ok_runs(collect_runs([same]).runs), panels(ok_runs(collect_runs([same]).runs)).iloc[0],
                           FEW).pairs[0].claims
    performance = next(c for c in claims if c.key == "performance")
    assert performance.verdict == EQUIVALENT and "ROPE) ±0.005" in performance.evidence
    # with 2 seeds the CI is too wide to call it a tie
    few = write_power_law_sweep(tmp_path / "few", {"pipeline": PIPELINE, "e2e": PIPELINE}, seeds=range(2),
                                sizes=SIZES[:3], rng_seed=3)
    rows = ok_runs(collect_runs([few]).runs)
    performance = next(c for c in analyse_panel(rows, panels(rows).iloc[0], FEW).pairs[0].claims
                       if c.key == "performance")
    assert performance.verdict == INCONCLUSIVE
