"""Tests of the report (``reports``) on synthetic run records written into tmp folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.record import SCHEMA
from reports import build_report
from reports.analyse import cost_summary, metric_summary, ok_runs, panels, select_panel
from reports.cli import main, parse_args
from reports.collect import collect_runs
from reports.errors import NoRecordsError, NoSuccessfulRunsError, ReportWarning
from reports.plots import cost_figure, learning_curve_figure
from reports.settings import comparable_config
from reports.stats import mean_ci, t_multiplier

SIZES = (100, 300, 1000)
SEEDS = (0, 1, 2)
#: Test accuracy at seed 0; seeds 1 and 2 add SEED_OFFSETS, so the mean over seeds is base + 0.04/3.
BASE_ACCURACY = {
    ("pipeline", 100): 0.70, ("pipeline", 300): 0.75, ("pipeline", 1000): 0.80,
    ("e2e", 100): 0.55, ("e2e", 300): 0.72, ("e2e", 1000): 0.86,
}
SEED_OFFSETS = (0.00, 0.01, 0.03)
METHODS = {"pipeline": "hog_svm", "e2e": "cnn"}
FAILED_ERROR = "RuntimeError: boom in the e2e trainer\nTraceback (most recent call last):\n  File ..."


def make_config(task="image", approach="pipeline", train_size=100, seed=0, *, budget=2, max_epochs=6,
                val_size=1000, dataset="fashion_mnist", grid=None, sizes="100,300,1000,null", name="demo") -> dict:
    """A resolved config as the runner stores it: per-run paths, seed copies and all."""
    out = f"/runs/{name}/approach={approach},seed={seed},task={task},train_size={train_size}"
    trainer = {"max_epochs": max_epochs, "accelerator": "auto", "devices": 1, "enable_progress_bar": None}
    return {
        "name": name, "train_size": train_size, "seed": seed, "threads": None,
        "tuning": {"budget": budget},
        "paths": {"data_dir": "/root/.cache/e2ebench", "output_dir": out},
        "trainer": trainer,
        "dataset": {"name": dataset, "tasks": [task],
                    "loader": {"_target_": "benchmarks.datasets.x.Loader", "data_dir": "/root/.cache/e2ebench"}},
        "task": {"_target_": f"benchmarks.tasks.{task}.Task", "val_size": val_size},
        "learning_curve_sizes": sizes,
        "approach": {"name": approach},
        "method": {"name": METHODS.get(approach, "m"), "approach": approach, "tasks": [task],
                   "estimator": {"budget": budget, "seed": seed, "trainer": dict(trainer), "output_dir": out,
                                 "param_grid": grid or {"C": [0.3, 1.0]}}},
        "logger": {"save_dir": out, "name": "logs"},
    }


def make_record(task="image", approach="pipeline", train_size=100, seed=0, *, status="ok", metrics=None,
                primary_metric="accuracy", higher_is_better=True, fit_time_s=1.0, config_hash=None,
                finished_at="2026-11-29T14:00:05+00:00", error=None, dataset="fashion_mnist",
                cost=None, **config) -> dict:
    """A run record of today's schema as a job writes it (benchmarks/record.py:RunRecord); ``config`` goes to
    make_config."""
    method = METHODS.get(approach, "m")
    ok = status == "ok"
    return {
        "schema": SCHEMA, "task": task, "dataset": dataset, "approach": approach, "method": method,
        "train_size": train_size, "seed": seed, "primary_metric": primary_metric,
        "higher_is_better": higher_is_better, "status": status, "error": error,
        "metrics": (metrics or {}) if ok else {}, "val_metrics": (metrics or {}) if ok else {},
        "cost": {"fit_time_s": fit_time_s, "feature_time_s": 0.5 if approach == "pipeline" else 0.0,
                 "predict_time_s": 0.2, "latency_ms_per_sample": 0.05 if approach == "pipeline" else 0.4,
                 "train_flops": 1.5e12 if approach == "e2e" else None, "n_params": 1234 if ok else None,
                 "peak_rss_mb": 512.0, **(cost or {})},
        "hyperparameters": {"svm__C": 1.0},
        "config": make_config(task, approach, train_size, seed, dataset=dataset, **config),
        "overrides": [f"task={task}", f"approach={approach}", f"train_size={train_size}", f"seed={seed}"],
        "config_hash": config_hash or "-".join(map(str, [task, approach, train_size, seed, *config.values()])),
        "env": {"python": "3.11.7", "torch": "2.13.0"},
        "started_at": "2026-11-29T14:00:00+00:00", "finished_at": finished_at,
    }


def write_record(folder: Path, record: dict) -> Path:
    """Write ``record`` as ``folder/result.json`` (folders created)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "result.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def write_sweep(root: Path) -> Path:
    """A sweep: image (accuracy) × both approaches × SIZES × SEEDS, a small lower-is-better
    speech task, one failed record, one corrupt record and one temporary file."""
    job = 0
    for (approach, size), base in BASE_ACCURACY.items():
        for seed, offset in zip(SEEDS, SEED_OFFSETS, strict=True):
            fit_time = (0.01 if approach == "pipeline" else 0.2) * size * (1 + 0.1 * seed)
            write_record(root / str(job), make_record("image", approach, size, seed, fit_time_s=fit_time,
                                                     metrics={"accuracy": base + offset, "macro_f1": base}))
            job += 1
    for approach, wer in (("pipeline", 0.30), ("e2e", 0.20)):
        for size in (100, 1000):
            for seed in (0, 1):
                write_record(root / str(job), make_record(
                    "speech", approach, size, seed, dataset="digits", primary_metric="wer",
                    higher_is_better=False, metrics={"wer": wer + 0.02 * seed}))
                job += 1
    write_record(root / "failed", make_record("image", "e2e", None, 7, status="failed", error=FAILED_ERROR))
    (root / "corrupt").mkdir()
    (root / "corrupt" / "result.json").write_text('{"schema": 1, "task": "ima', encoding="utf-8")
    (root / "tmp").mkdir()
    (root / "tmp" / "result.json.tmp").write_text("{", encoding="utf-8")
    return root


N_OK = len(BASE_ACCURACY) * len(SEEDS) + 2 * 2 * 2


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report of the synthetic sweep, built once: (sweep root, report.md path, warnings)."""
    root = write_sweep(tmp_path_factory.mktemp("sweep"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = build_report([root], root / "report")
    return root, report, [str(w.message) for w in caught]


def test_report_files_exist(built):
    root, report, _ = built
    out = root / "report"
    assert report == out / "report.md" and report.stat().st_size > 0
    for task in ("image", "speech"):
        for kind in ("accuracy", "cost"):
            for suffix in ("md", "tex", "csv"):
                assert (out / "tables" / f"{kind}_{task}.{suffix}").stat().st_size > 0
        for kind in ("learning_curve", "cost"):
            for suffix in ("png", "pdf"):
                path = out / "figures" / f"{kind}_{task}.{suffix}"
                assert path.stat().st_size > 1000
    assert (out / "figures" / "learning_curve_image.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "figures" / "learning_curve_image.pdf").read_bytes()[:5] == b"%PDF-"


def test_runs_csv_has_every_record_including_failed(built):
    root, _, _ = built
    runs = pd.read_csv(root / "report" / "runs.csv")
    assert len(runs) == N_OK + 1
    assert runs["status"].value_counts().to_dict() == {"ok": N_OK, "failed": 1}
    assert {"metrics.accuracy", "cost.fit_time_s", "cost.train_flops", "env.torch", "config_hash",
            "overrides", "path"} <= set(runs.columns)
    assert not any(c == "config" or c.startswith("config.") for c in runs.columns)
    # relative to the report, so the report moves with its records
    assert all((root / "report" / p).is_file() for p in runs["path"]) and not runs["path"].str.startswith("/").any()
    failed = runs[runs["status"] == "failed"].iloc[0]
    assert failed["error"].startswith("RuntimeError: boom") and pd.isna(failed["train_size"])
    assert runs.loc[runs["status"] == "ok", "overrides"].str.contains("task=image approach=").any()


def test_corrupt_record_is_skipped_with_a_warning_and_counted(built):
    _, report, messages = built
    assert any("corrupt" in m and "skipping" in m for m in messages)
    text = report.read_text()
    assert "Unreadable files skipped: 1" in text and "corrupt/result.json" in text


def test_accuracy_table_has_expected_mean_and_ci(built):
    root, _, _ = built
    tables = root / "report" / "tables"
    values = [BASE_ACCURACY["pipeline", 1000] + o for o in SEED_OFFSETS]
    expected = np.mean(values)
    data = pd.read_csv(tables / "accuracy_image.csv")
    cell = data[(data["approach"] == "pipeline") & (data["train_size"] == 1000)].iloc[0]
    assert cell["mean"] == pytest.approx(expected)
    assert cell["n_seeds"] == 3
    half = t_multiplier(3) * np.std(values, ddof=1) / np.sqrt(3)  # Student-t, 2 degrees of freedom
    assert (cell["ci_low"], cell["ci_high"]) == pytest.approx((expected - half, expected + half))
    assert cell["half_width"] == pytest.approx(half)

    markdown = (tables / "accuracy_image.md").read_text()
    header = markdown.splitlines()[0]
    # Pipeline column left of the e2e column.
    assert header.index("pipeline (hog_svm)") < header.index("e2e (cnn)") < header.index("n seeds")
    row = next(line for line in markdown.splitlines() if line.startswith("| 1000"))
    assert f"{expected:.3f} ± {cell['half_width']:.3f}" in row
    assert row.rstrip(" |").endswith("3")


def test_lower_is_better_task_is_labelled(built):
    root, _, _ = built
    markdown = (root / "report" / "tables" / "accuracy_speech.md").read_text()
    assert "wer (lower is better)" in markdown
    assert "0.210 ± 0.127" in markdown  # e2e: 0.20 and 0.22 over two seeds, t(0.975, 1) = 12.7
    assert "with 2 seeds the CI is wide (t = 12.7)" in markdown


def test_latex_table_uses_booktabs_and_escapes(built):
    root, _, _ = built
    tex = (root / "report" / "tables" / "cost_image.tex").read_text()
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert tex.count(rule) == 1
    assert r"hog\_svm" in tex and "hog_svm" not in tex.replace(r"hog\_svm", "")
    assert "±" not in tex and r"$\pm$" in tex and r"$\times$" in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_tables_compile(built, tmp_path):
    root, _, _ = built
    tables = sorted((root / "report" / "tables").glob("*.tex"))
    body = "\n".join(rf"\input{{{p.as_posix()}}}" for p in tables)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n" + body + "\n\\end{document}\n")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:]


def test_cost_table_has_ratio_rows(built):
    root, _, _ = built
    data = pd.read_csv(root / "report" / "tables" / "cost_image.csv")
    ratio = data[(data["quantity"] == "fit_time_s_ratio") & (data["train_size"] == 300)]["mean"].item()
    # Fit time is 0.2·n·(1 + 0.1·seed) for e2e and 0.01·n·(1 + 0.1·seed) for the pipeline.
    assert ratio == pytest.approx(20.0)
    markdown = (root / "report" / "tables" / "cost_image.md").read_text()
    assert "e2e/pipeline" in markdown and "20.0×" in markdown and "8.00×" in markdown  # latency 0.4/0.05
    assert "1.50 T" in markdown  # e2e train FLOPs with an SI prefix


def test_report_md_embeds_tables_figures_and_failures(built):
    root, report, _ = built
    text = report.read_text()
    assert "](figures/learning_curve_image.png)" in text and "![learning curve: test accuracy" in text
    assert "![fit time against training-set size](figures/cost_image.png)" in text
    assert "| train size" in text and "pipeline (hog_svm)" in text
    failures = text[text.index("## Failed runs"):]
    assert "RuntimeError: boom in the e2e trainer" in failures and "Traceback" not in failures
    assert "failed/result.json" in failures
    assert f"runs kept: {N_OK + 1} ({N_OK} ok, 1 failed)" in text


def test_report_md_lists_coverage(built):
    _, report, _ = built
    coverage = report.read_text().split("## Coverage")[1].split("## Results")[0]
    image = coverage.split("### image")[1].split("###")[0]
    header = next(line for line in image.splitlines() if line.startswith("| approach (method)"))
    assert [cell.strip() for cell in header.split("|")[2:-1]] == [str(size) for size in SIZES]
    assert image.count("0–2") == 2 * len(SIZES)
    assert "Failed runs for task `image`: 1" in image


def test_duplicate_ok_records_keep_the_latest(tmp_path):
    early = make_record(config_hash="same", metrics={"accuracy": 0.5}, finished_at="2026-11-29T10:00:00+00:00")
    late = make_record(config_hash="same", metrics={"accuracy": 0.9}, finished_at="2026-11-29T12:00:00+00:00")
    write_record(tmp_path / "b", early)
    write_record(tmp_path / "a", late)
    write_record(tmp_path / "c", make_record(seed=1, metrics={"accuracy": 0.7}))
    with pytest.warns(UserWarning, match="duplicate ok record"):
        collection = collect_runs([tmp_path])
    assert len(collection.runs) == 2
    assert collection.runs["metrics.accuracy"].tolist() == [0.9, 0.7]
    assert collection.duplicates == ((tmp_path / "b" / "result.json").resolve(),)


def test_single_seed_shows_mean_only_and_identical_seeds_do_not_crash(tmp_path):
    write_record(tmp_path / "0", make_record(train_size=100, seed=0, metrics={"accuracy": 0.8}))
    for seed in (0, 1):
        write_record(tmp_path / f"1{seed}", make_record(train_size=300, seed=seed, metrics={"accuracy": 0.9}))
    build_report([tmp_path], tmp_path / "out")
    data = pd.read_csv(tmp_path / "out" / "tables" / "accuracy_image.csv").set_index("train_size")
    assert np.isnan(data.loc[100, "ci_low"]) and data.loc[100, "n_seeds"] == 1
    assert data.loc[300, "ci_low"] == data.loc[300, "ci_high"] == pytest.approx(0.9)
    markdown = (tmp_path / "out" / "tables" / "accuracy_image.md").read_text()
    rows = [line for line in markdown.splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith("| 100 ") and "0.800 " in rows[0]
    assert not any("±" in row for row in rows)


def test_mean_ci_is_a_student_t_interval():
    assert np.isnan(mean_ci([0.5])).all() and np.isnan(mean_ci([])).all()
    assert mean_ci([0.7, 0.7, np.nan]) == (0.7, 0.7)
    assert t_multiplier(2) == pytest.approx(12.706, abs=1e-3) and t_multiplier(5) == pytest.approx(2.776, abs=1e-3)
    # Two seeds: half-width t(0.975, 1) · s/√2 = 12.7 · |a − b| / 2, far wider than their range.
    low, high = mean_ci([0.80, 0.82])
    assert (high - low) / 2 == pytest.approx(12.706 * 0.01, rel=1e-4) and low < 0.80 and high > 0.82
    low, high = mean_ci([0.1, 0.2, 0.3, 0.4])
    assert (low + high) / 2 == pytest.approx(0.25)
    assert (high - low) / 2 == pytest.approx(3.182 * np.std([0.1, 0.2, 0.3, 0.4], ddof=1) / 2, rel=1e-3)
    assert mean_ci([0.1, 0.2, 0.3, 0.4]) == (low, high)


def test_cli_empty_folder_is_a_one_line_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("e2ebench-report: error: no run records")
    assert not (tmp_path / "report").exists()


def test_cli_missing_folder_is_a_one_line_error(tmp_path, capsys):
    assert main([str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


def test_cli_only_corrupt_records(tmp_path, capsys):
    (tmp_path / "result.json").write_text("not json")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("e2ebench-report: warning: skipping")
    assert err[-1].startswith("e2ebench-report: error: no run records") and "1 unreadable" in err[-1]


def test_cli_only_failed_runs_writes_failures_and_exits_2(tmp_path, capsys):
    write_record(tmp_path / "0", make_record(status="failed", error="ValueError: bad | input\nTraceback ..."))
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "none of the 1 run(s) is ok" in captured.err
    assert "out/report.md" in captured.out
    text = (tmp_path / "out" / "report.md").read_text()
    assert r"ValueError: bad \| input" in text
    assert len(pd.read_csv(tmp_path / "out" / "runs.csv")) == 1


def test_cli_success_is_reproducible_and_ignores_records_in_the_out_folder(built, capsys):
    root, _, _ = built
    out = root / "cli-out"
    write_record(out / "stray", make_record(seed=5, metrics={"accuracy": 0.1}))
    assert main([str(root), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"report written to {out / 'report.md'}"
    assert "e2ebench-report: warning: skipping" in captured.err
    assert 5 not in pd.read_csv(out / "runs.csv")["seed"].tolist()
    for name in ("accuracy_image.csv", "accuracy_image.md", "cost_image.tex"):
        assert (out / "tables" / name).read_bytes() == (root / "report" / "tables" / name).read_bytes()


def test_cli_default_out_is_inside_the_first_run_dir(tmp_path):
    assert parse_args([str(tmp_path), "other"]).out == tmp_path / "report"
    assert parse_args([str(tmp_path), "--out", "x"]).out == Path("x")


def test_build_report_raises_on_no_records(tmp_path):
    with pytest.raises(NoRecordsError):
        build_report([tmp_path], tmp_path / "out")
    write_record(tmp_path / "x", make_record(status="failed"))
    with pytest.raises(NoSuccessfulRunsError) as info:
        build_report(tmp_path, tmp_path / "out")
    assert info.value.report_path.exists()


def test_overlapping_run_dirs_and_foreign_schema(tmp_path):
    write_record(tmp_path / "a", make_record(metrics={"accuracy": 0.8}))
    write_record(tmp_path / "b", {**make_record(seed=1, metrics={"accuracy": 0.8}), "schema": SCHEMA + 1})
    with pytest.warns(UserWarning, match=f"schema {SCHEMA + 1}: this version of e2ebench reads schemas 1 to {SCHEMA}"):
        collection = collect_runs([tmp_path, tmp_path / "a", tmp_path / "a" / "result.json"])
    assert collection.n_files == 2 and len(collection.runs) == 1 and len(collection.skipped) == 1


def test_panels_keep_datasets_and_metrics_apart(tmp_path):
    write_record(tmp_path / "0", make_record(dataset="digits", metrics={"accuracy": 0.9}, config_hash="d"))
    write_record(tmp_path / "1", make_record(dataset="fashion_mnist", metrics={"accuracy": 0.8}))
    write_record(tmp_path / "2", make_record("text", metrics={"accuracy": 0.5, "macro_f1": 0.4}))
    write_record(tmp_path / "3", make_record("text", seed=1, primary_metric="macro_f1", metrics={"macro_f1": 0.4}))
    table = panels(ok_runs(collect_runs([tmp_path]).runs))
    assert sorted(table["name"]) == ["image_digits", "image_fashion_mnist", "text_accuracy", "text_macro_f1"]
    summary = metric_summary(ok_runs(collect_runs([tmp_path]).runs))
    assert sorted(summary["mean"]) == pytest.approx([0.4, 0.5, 0.8, 0.9])


def test_out_dir_may_be_the_run_dir(tmp_path):
    write_record(tmp_path / "job", make_record(metrics={"accuracy": 0.8}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert build_report([tmp_path / "job"], tmp_path).exists()
    assert len(pd.read_csv(tmp_path / "runs.csv")) == 1


def test_comparable_config_drops_what_varies_within_a_comparison():
    base = comparable_config(make_config("image", "e2e", 100, 0))
    other = comparable_config(make_config("image", "e2e", 3000, 4, name="other", sizes="100,null"))
    assert base == other  # size, seed, name, paths, output dirs, seed copies, learning_curve_sizes
    assert base["tuning.budget"] == "2" and base["trainer.max_epochs"] == "6"
    assert base["task.val_size"] == "1000" and base["dataset.name"] == "fashion_mnist"
    assert base["method.estimator.param_grid.C"] == "[0.3, 1.0]"
    assert not any(k.startswith(("paths", "logger", "approach", "seed", "name", "hydra", "threads",
                                 "learning_curve_sizes")) for k in base)
    assert not any(k.endswith(("enable_progress_bar", "output_dir", "data_dir", ".seed")) for k in base)
    assert comparable_config(None) == {} and comparable_config("x") == {}


def _settings_sweep(root: Path) -> None:
    """Same task/approach/method/sizes/seeds, run once with budget 2 / 6 epochs and once with 4 / 20."""
    for setting, (budget, epochs, accuracy) in enumerate(((2, 6, 0.70), (4, 20, 0.90))):
        for approach in ("pipeline", "e2e"):
            for size in (100, 1000):
                for seed in (0, 1):
                    write_record(root / f"{setting}-{approach}-{size}-{seed}", make_record(
                        "image", approach, size, seed, budget=budget, max_epochs=epochs, name=f"sweep{setting}",
                        metrics={"accuracy": accuracy + 0.01 * seed}))


def test_runs_with_different_settings_are_split_not_averaged(tmp_path):
    _settings_sweep(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = build_report([tmp_path], tmp_path / "out")
    tables = tmp_path / "out" / "tables"
    assert not (tables / "accuracy_image.csv").exists()
    for setting, accuracy in ((1, 0.70), (2, 0.90)):
        data = pd.read_csv(tables / f"accuracy_image_s{setting}.csv")
        assert len(data) == 4 and (data["n_seeds"] == 2).all() and (data["n_runs"] == 2).all()
        assert data["mean"].tolist() == pytest.approx([accuracy + 0.005] * 4)
        for kind in ("learning_curve", "cost"):
            assert (tmp_path / "out" / "figures" / f"{kind}_image_s{setting}.png").exists()
        assert "e2e/pipeline" in (tables / f"cost_image_s{setting}.md").read_text()
    assert "setting 2/2: trainer.max_epochs=20, tuning.budget=4" in (tables / "accuracy_image_s2.md").read_text()
    text = report.read_text()
    results = text.split("## Results")[1]
    assert results.count("Settings: tuning.budget=2, trainer.max_epochs=6, task.val_size=1000.") == 1
    assert "Settings: tuning.budget=4, trainer.max_epochs=20," in results
    assert "differs from the others in: trainer.max_epochs=6, tuning.budget=2." in results
    warned = [str(w.message) for w in caught if issubclass(w.category, ReportWarning)]
    assert any("2 different settings" in m for m in warned)
    assert not any("several runs for one seed" in m for m in warned)
    assert "2 different settings" in text.split("## Warnings")[1].split("## Coverage")[0]


def test_every_panel_prints_its_key_settings(built):
    _, report, _ = built
    results = report.read_text().split("## Results")[1]
    line = "Settings: tuning.budget=2, trainer.max_epochs=6, task.val_size=1000."
    assert results.count(line) == 2  # image and speech
    assert "setting 1/" not in results and "Setting 1 of" not in results


def test_a_method_run_with_two_grids_is_reported_as_two_variants(tmp_path):
    for seed in (0, 1):
        write_record(tmp_path / f"p{seed}", make_record(seed=seed, metrics={"accuracy": 0.8}))
        for grid, accuracy in (({"lr": [0.001]}, 0.6), ({"lr": [0.01]}, 0.7)):
            write_record(tmp_path / f"e{seed}{accuracy}", make_record(
                approach="e2e", seed=seed, grid=grid, metrics={"accuracy": accuracy}))
    with pytest.warns(ReportWarning, match="2 different configurations"):
        report = build_report([tmp_path], tmp_path / "out")
    data = pd.read_csv(tmp_path / "out" / "tables" / "accuracy_image.csv")  # one setting: no split
    assert sorted(data["method"]) == ["cnn [v1]", "cnn [v2]", "hog_svm"]
    assert data.set_index("method")["mean"].to_dict() == pytest.approx(
        {"cnn [v1]": 0.6, "cnn [v2]": 0.7, "hog_svm": 0.8})
    text = report.read_text()
    assert "e2e (cnn [v1]): method.estimator.param_grid.lr=[0.001]" in text
    assert "e2e (cnn [v2]): method.estimator.param_grid.lr=[0.01]" in text


def test_crowded_groups_are_counted_once_and_listed_in_the_report(tmp_path):
    # Same setting and seed, different config hash (learning_curve_sizes is not compared).
    for sizes in ("100,null", "100,300,null"):
        write_record(tmp_path / sizes, make_record(sizes=sizes, metrics={"accuracy": 0.8}))
    ok = ok_runs(collect_runs([tmp_path]).runs)
    with pytest.warns(ReportWarning, match=r"^1 group\(s\) have several runs for one seed") as record:
        cost_summary(ok)  # 7 cost quantities, one group
    assert len(record) == 1
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        report = build_report([tmp_path], tmp_path / "out")
    assert "1 group(s) have several runs for one seed" in report.read_text().split("## Warnings")[1]


def test_corrupt_record_warning_is_in_report_md(built):
    _, report, _ = built
    section = report.read_text().split("## Warnings")[1].split("## Coverage")[0]
    assert "skipping" in section and "corrupt/result.json" in section


def test_figure_subtitles_say_what_the_band_is(tmp_path):
    for size in (100, 300, 1000, 55000):
        write_record(tmp_path / str(size), make_record(train_size=size, metrics={"accuracy": 0.8},
                                                       fit_time_s=size / 100))
    ok = ok_runs(collect_runs([tmp_path]).runs)
    panel = panels(ok).iloc[0]
    figure = learning_curve_figure(select_panel(metric_summary(ok), panel), panel)
    axes = figure.axes[0]
    assert axes.get_title().endswith("1 seed, no CI") and "bootstrap" not in axes.get_title()
    figure.canvas.draw()
    assert axes.get_xlabel() == "training-set size (examples, log scale)"
    assert [t.get_text() for t in axes.get_xticklabels()] == ["100", "300", "1k", "55k"]

    costs = select_panel(cost_summary(ok), panel)
    figure = cost_figure(costs, panel)
    axes = figure.axes[0]
    figure.canvas.draw()
    assert axes.get_ylabel() == "fit time incl. tuning (s), log scale"
    low, high = axes.get_ylim()
    labels = [float(t.get_text()) for t, v in zip(axes.get_yticklabels(), axes.get_yticks(), strict=True)
              if low <= v <= high and t.get_text()]
    assert len(labels) >= 4 and not set(labels) <= {1.0, 10.0, 100.0}

    write_record(tmp_path / "s1", make_record(train_size=100, seed=1, metrics={"accuracy": 0.9}))
    ok = ok_runs(collect_runs([tmp_path]).runs)
    figure = learning_curve_figure(select_panel(metric_summary(ok), panel), panel)
    assert figure.axes[0].get_title().endswith("Student-t CI over 1–2 seeds (no CI where 1 seed)")


def test_cost_table_headers_feature_stage_and_rss_notes(built, tmp_path):
    root, _, _ = built
    markdown = (root / "report" / "tables" / "cost_image.md").read_text()
    header = markdown.splitlines()[0]
    assert "fit time incl. tuning (s)" in header and "baseline RSS" not in header
    assert "hyperparameter search" in markdown and "per-epoch validation" in markdown
    assert "memory kept from earlier jobs" in markdown
    rows = {line.split("|")[2].strip(): [c.strip() for c in line.split("|")[1:-1]]
            for line in markdown.splitlines() if line.startswith("| 300 ")}
    feature = [c.strip() for c in header.split("|")[1:-1]].index("feature time (s)")
    assert rows["e2e (cnn)"][feature] == "—" and rows["pipeline (hog_svm)"][feature] == "0.500"
    assert "no separate feature stage" in markdown

    # baseline_rss_mb gets a column when recorded; peak RSS is shown as recorded.
    for seed in (0, 1):
        write_record(tmp_path / str(seed), make_record(seed=seed, metrics={"accuracy": 0.8},
                                                       cost={"baseline_rss_mb": 300.0, "peak_rss_mb": 900.0}))
    build_report([tmp_path], tmp_path / "out")
    markdown = (tmp_path / "out" / "tables" / "cost_image.md").read_text()
    header = [c.strip() for c in markdown.splitlines()[0].split("|")[1:-1]]
    row = [c.strip() for c in markdown.splitlines()[2].split("|")[1:-1]]
    assert row[header.index("peak RSS (MB)")] == "900" and row[header.index("baseline RSS (MB)")] == "300"
    assert "baseline RSS, the process's resident memory when the job started" in markdown


def test_other_metrics_get_their_own_table(built):
    root, _, _ = built
    markdown = (root / "report" / "tables" / "metrics_image.md").read_text()
    header = [c.strip() for c in markdown.splitlines()[0].split("|")[1:-1]]
    assert header[-1] == "macro_f1" and "accuracy" not in header  # the primary metric has its own table
    data = pd.read_csv(root / "report" / "tables" / "metrics_image.csv")
    # write_sweep records macro_f1 = the size's base accuracy for every seed, so its mean is exact
    expected = {(a, n): base for (a, n), base in BASE_ACCURACY.items()}
    got = {(r.approach, r.train_size): r.mean for r in data.itertuples() if r.quantity == "macro_f1"}
    assert got == pytest.approx(expected)
    assert "Other test metrics" in (root / "report" / "report.md").read_text()


def test_train_throughput_comes_from_the_recorded_epochs_and_fit_time(tmp_path):
    from reports.collect import train_throughput

    e2e = make_record("image", "e2e", 1000, 0, fit_time_s=50.0, metrics={"accuracy": 0.8})
    e2e["tuning"] = {"budget": 2, "trials": [{"params": {}, "val_score": 0.8, "epochs": 6},
                                             {"params": {}, "val_score": 0.7, "epochs": 4}]}
    assert train_throughput(e2e) == pytest.approx(10 * 1000 / 50.0)
    pipeline = make_record("image", "pipeline", 1000, 0, metrics={"accuracy": 0.8})
    pipeline["tuning"] = {"budget": 2, "trials": [{"params": {}, "val_score": 0.8}]}
    assert train_throughput(pipeline) is None
    assert train_throughput(e2e | {"cost": {"fit_time_s": 0.0}}) is None

    write_record(tmp_path / "e2e", e2e)
    write_record(tmp_path / "pipeline", pipeline)
    build_report([tmp_path], tmp_path / "out")
    markdown = (tmp_path / "out" / "tables" / "cost_image.md").read_text()
    header = [c.strip() for c in markdown.splitlines()[0].split("|")[1:-1]]
    rows = {r[1]: r for r in ([c.strip() for c in line.split("|")[1:-1]] for line in markdown.splitlines()[2:4])}
    column = header.index("train throughput (examples/s)")
    assert rows["e2e (cnn)"][column] == "200" and rows["pipeline (hog_svm)"][column] == "—"
    assert "training examples processed per second of fit time" in markdown


def test_an_ok_record_without_its_metric_is_named_and_left_out(tmp_path):
    from reports.analyse import ok_runs
    from reports.errors import ReportWarning

    runs = pd.DataFrame({"status": ["ok", "ok"], "primary_metric": ["accuracy", "accuracy"],
                         "metrics.accuracy": [0.8, None], "path": ["a/result.json", "b/result.json"],
                         "task": "image", "dataset": "fashion_mnist", "approach": "pipeline", "method": "hog_svm",
                         "train_size": 100, "seed": 0})
    with pytest.warns(ReportWarning, match=r"1 ok run\(s\) lack their primary metric .*: b/result.json"):
        ok = ok_runs(runs)
    assert ok["score"].isna().tolist() == [False, True]
