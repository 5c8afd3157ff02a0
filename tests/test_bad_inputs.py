"""The bad-input catalogue: each bad input gives one line that names the problem.

No traceback reaches the user for these; the full one stays in the job's log, and
the job leaves a ``failed`` record (nothing already recorded is lost).

| # | bad input | the one-line error |
|---|---|---|
| 1 | `task=nope` | Hydra: `Could not find 'task/nope'` + the available options |
| 2 | `approach=both` | Hydra: `Could not find 'approach/both'` |
| 3 | `method=nope` | Hydra: `Could not find 'method/nope'` |
| 4 | `method=cnn` with `approach=pipeline` | `method=cnn belongs to approach=e2e, not approach=pipeline; add approach=e2e ...` |
| 5 | `train_size=-5` | `train_size=-5 must be a positive integer or null` |
| 6 | `train_size=0` | `train_size=0 must be a positive integer or null` |
| 7 | `train_size=10000000` | `train_size=10000000 exceeds the training pool of 55000 examples; use train_size=null ...` |
| 8 | `train_size=2.5` | `train_size=2.5 must be a positive integer or null (the whole pool)` |
| 9 | `train_size=abc` | `train_size='abc' must be a positive integer or null (the whole pool)` |
| 10 | `seed=abc` | `seed='abc' must be an int in the range [0, 4294967295]` |
| 11 | `seed=1.5` | `seed=1.5 must be an int in the range [0, 4294967295]` |
| 12 | `tuning.budget=0` | `tuning.budget=0 must be an int in the range [1, inf)` |
| 13 | `threads=0` | `threads=0 must be an int in the range [1, inf)` |
| 14 | `data.source=openml` (the key before datasets became a config group) | `data.source was replaced by the dataset config group; pick a dataset with dataset=NAME (task=image: cifar10, fashion_mnist, ...)`, exit 2 |
| 15 | `trainr.max_epochs=2` (typo) | Hydra: `Could not override 'trainr.max_epochs'` |
| 16 | a missing Debian data package | `... install it with: apt-get install dataset-fashion-mnist` (tests/test_fashion_mnist.py) |
| 17 | `dataset=fashion_mnist_openml` with no network and no cache | `openml.org is unreachable ...` (tests/test_fashion_mnist.py) |
| 18 | an unwritable output folder | `cannot create the output folder /proc/x: No such file or directory`, exit 2 |
| 19 | a corrupt `result.json` in a sweep being resumed | warning naming the file; that job runs again |
| 20 | a corrupt `result.json` in a sweep being reported | warning naming the file; the report builds (tests/test_report.py) |
| 21 | `e2ebench-report` on a folder with no runs | `e2ebench-report: error: no run records ...`, exit 2 (tests/test_report.py) |
| 22 | `e2ebench-report` on a missing folder | `e2ebench-report: error: ... does not exist`, exit 2 (tests/test_report.py) |
| 23 | disk full while writing a record | the previous record is kept, no temporary file (tests/test_resume.py) |
| 24 | `method=tfidf_svm` with `task=image` | `method=tfidf_svm is for task text, not task=image` |
| 25 | a truncated or corrupt dataset cache file | `CacheWarning: rebuilding the cache entry ...: x.npy has N bytes, not M (truncated?)`; rebuilt, never used (tests/test_cache.py) |
| 26 | a joblib worker killed by the OS (out of memory) | a `failed` record: `worker process P died: ... out of memory ...`; the sweep finishes (tests/test_launchers.py) |
| 27 | `seed=-1`, `seed=5000000000` | `seed=-1 must be an int in the range [0, 4294967295]` |
| 28 | `task.val_size=0`, `task.val_size=60000` (image) | `task.val_size=0 must be an int in the range [1, inf)`; `task.val_size=60000 must be smaller than the 60000 examples it is carved from` |
| 29 | `task.snrs=[abc]` (speech) | `task.snrs: 'abc' is not a number of dB; ...` (tests/test_speech.py) |
| 30 | `+bogus_key=1`, `+data.bogus=1` (a key nothing reads) | `unknown config key(s) bogus_key: nothing reads them; the keys are ...` |
| 31 | `threads=100000` (more than the cores) | `threads=100000 exceeds the 2 core(s) this job may use; use at most 2` |
| 32 | `trainer.max_epochs=0`, `-1` or `abc` | `trainer.max_epochs=0 must be an int in the range [1, inf)` |
| 33 | `trainer.devices=4` (multi-process DDP) | `trainer.devices=4: each job trains on one device in one process ...` |
| 34 | a single run of a job that another process is running | `not started: process P is already running this job in DIR; wait for it or kill it ...`, exit 1 (tests/test_resume.py) |
| 35 | a `running.json` with pid 0, a negative or a huge pid | ignored: the job runs (it blocked it for good, or crashed the sweep) (tests/test_resume.py) |
| 36 | `hydra.launcher.n_jobs=0` or `abc` | `hydra.launcher.n_jobs=0: must be at least 1 (or -1: one job per core)`, exit 2 |
| 37 | a tuned hyperparameter also set on the method, e.g. `method.estimator.pipeline.steps.0.1.cell_size=5` | `lbp__cell_size=5 is set on the method, but param_grid.lbp__cell_size tunes it over [4, 7], which would replace it; to fix the value, set method.estimator.param_grid.lbp__cell_size=[5]` |
| 38 | a bad grid value the budget would not sample, e.g. `param_grid.lbp__cell_size=[7,50]` | `param_grid.lbp__cell_size=50 fails on the training data: cell_size=50 is larger than the 28x28 image`, for every seed |
| 39 | `dataset=nope` | Hydra: `Could not find 'dataset/nope'` + the available options |
| 40 | `dataset=wordnet` with `task=image` | `dataset=wordnet is for task text, not task=image` |
| 41 | `dataset=image_folder` with no `dataset.loader.root` | `dataset.loader.root has no value: set it, e.g. dataset.loader.root=...` |
| 42 | a dataset path that does not exist, a missing column, a folder of one class, a transcript word outside the vocabulary | one line naming the path, the column (and the columns there are) or the word and row (tests/test_image_folder.py, test_text_file.py, test_hf_text.py, test_wav_folder.py) |
| 43 | `dataset.loader.val_seed=1001` (driving; validation tracks inside the training tracks) | `the train and val tracks overlap (seeds 1000..1059 and 1001..1003): set dataset.loader.val_seed apart` (tests/test_driving.py) |
| 44 | `+dataset.loader.bogus=1`, `+method.estimator.pipeline.steps.0.1.bogus=1` (an argument the class does not take) | `dataset.loader: FashionMNIST.__init__() got an unexpected keyword argument 'bogus'` |
| 45 | a `_target_` that does not import, e.g. `dataset.loader._target_=benchmarks.datasets.nope.Nope` | `dataset.loader: cannot import _target_ 'benchmarks.datasets.nope.Nope': No module named ...` |
| 46 | `+method.wrapper._target_=...` of something that is not a meta-estimator | `method.wrapper must build a meta-estimator (with _partial_: true) that takes base=<the estimator>; ...` |
| 47 | `pair.pipeline=lbp_svm` (the pair is read from the task's file) | `pair.pipeline=lbp_svm: a task's pair is read from conf/task/<task>.yaml ...; pick another method with method=NAME`, exit 2 |
| 48 | `method.estimator.seed=5000000000` | `method.estimator.seed=5000000000 must be an int in the range [0, 4294967295]` |
| 49 | a `result.json` of another schema (99) or with an unknown field in a sweep being resumed | warning naming the file and the reason; the job runs again, and a record of another schema is renamed aside, not overwritten (tests/test_resume.py) |
"""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import FAST, records


@pytest.mark.parametrize("override, message", [
    ("method=cnn", "method=cnn belongs to approach=e2e, not approach=pipeline"),
    ("method=tfidf_svm", "method=tfidf_svm is for task text, not task=image"),
    ("train_size=-5", "train_size=-5 must be a positive integer or null"),
    ("train_size=0", "train_size=0 must be a positive integer or null"),
    ("train_size=10000000", "train_size=10000000 exceeds the training pool of 59000 examples"),
    ("train_size=2.5", "train_size=2.5 must be a positive integer or null"),
    ("train_size=abc", "train_size='abc' must be a positive integer or null"),
    ("seed=abc", "seed='abc' must be an int in the range [0, 4294967295]"),
    ("seed=1.5", "seed=1.5 must be an int in the range"),
    ("seed=-1", "seed=-1 must be an int in the range [0, 4294967295]"),
    ("seed=5000000000", "seed=5000000000 must be an int in the range [0, 4294967295]"),
    ("threads=100000", "threads=100000 exceeds the"),
    ("trainer.max_epochs=0", "trainer.max_epochs=0 must be an int in the range [1, inf)"),
    ("trainer.max_epochs=-1", "trainer.max_epochs=-1 must be an int in the range [1, inf)"),
    ("trainer.max_epochs=abc", "trainer.max_epochs='abc' must be an int in the range [1, inf)"),
    ("trainer.devices=4", "trainer.devices=4: each job trains on one device in one process"),
    ("task.val_size=0", "task.val_size=0 must be an int in the range [1, inf)"),
    ("task.val_size=60000", "task.val_size=60000 must be smaller than the 60000 examples it is carved from"),
    ("tuning.budget=0", "tuning.budget=0 must be an int in the range [1, inf)"),
    ("threads=0", "threads=0 must be an int in the range [1, inf)"),
    ("dataset=wordnet", "dataset=wordnet is for task text, not task=image"),
    ("dataset=image_folder", "dataset.loader.root has no value: set it, e.g. dataset.loader.root=..."),
    ("task=image dataset=text_file", "dataset=text_file is for task text, not task=image"),
    ("+dataset.loader.bogus=1", "dataset.loader: FashionMNIST.__init__() got an unexpected keyword argument 'bogus'"),
    ("dataset.loader._target_=benchmarks.datasets.nope.Nope",
     "dataset.loader: cannot import _target_ 'benchmarks.datasets.nope.Nope': No module named"),
    ("+method.wrapper._target_=sklearn.preprocessing.StandardScaler",
     "method.wrapper must build a meta-estimator (with _partial_: true) that takes base=<the estimator>"),
    ("method.estimator.seed=5000000000", "method.estimator.seed=5000000000 must be an int in the range [0, 4294967295]"),
    ("+bogus_key=1", "unknown config key(s) bogus_key: nothing reads them"),
    ("+data.bogus=1", "unknown config key(s) data.bogus: nothing reads them"),
    # a tuned value also set on the step would be silently replaced by the grid
    ("method=lbp_svm method.estimator.pipeline.steps.0.1.cell_size=5",
     "lbp__cell_size=5 is set on the method, but param_grid.lbp__cell_size tunes it over [4, 7]"),
    ("approach=e2e +method.estimator.module.lr=0.5", "lr=0.5 is set on the method, but param_grid.lr tunes it"),
    # every grid value is checked, though tuning.budget=1 would only try the first
    ("method=lbp_svm method.estimator.param_grid.lbp__cell_size=[7,50]",
     "param_grid.lbp__cell_size=50 fails on the training data: cell_size=50 is larger than the 28x28 image"),
    ("approach=e2e method.estimator.param_grid.dropout=[0.5,2.0]", "param_grid.dropout=2.0 fails to build the model"),
    ("method=hog_lbp_svm method.estimator.pipeline.steps.0.1.transformer_list.1.1.radius=20",
     "LBP radius=20 must be a number above 0 and below half the 28x28 image side"),
])
def test_bad_value_fails_with_one_line(app, tmp_path, capsys, override, message):
    code = app(f"hydra.run.dir={tmp_path / 'run'}", *FAST, *override.split())
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 2  # the error, then where the record and log are
    [record] = records(tmp_path / "run")
    assert record["status"] == "failed" and message in record["error"]
    assert record["task"] == "image", "the report lists the failure under its task"
    assert "Traceback" in (tmp_path / "run" / "app.log").read_text(), "the log keeps the traceback"


@pytest.mark.parametrize("override, message", [
    ("task=nope", "Could not find 'task/nope'"),
    ("method=nope", "Could not find 'method/nope'"),
    ("approach=both", "Could not find 'approach/both'"),
    ("trainr.max_epochs=2", "Could not override 'trainr.max_epochs'"),
    ("dataset=nope", "Could not find 'dataset/nope'"),
])
def test_unknown_choice_or_key_is_named(app, tmp_path, capsys, override, message):
    code = app(override, f"hydra.run.dir={tmp_path / 'run'}")
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_overriding_a_pair_is_refused_with_the_way_to_pick_a_method(app, tmp_path, capsys):
    code = app("pair.pipeline=lbp_svm", f"hydra.run.dir={tmp_path / 'run'}")
    err = capsys.readouterr().err
    assert code == 2 and "a task's pair is read from conf/task/<task>.yaml" in err and "method=NAME" in err


def test_the_replaced_data_source_key_points_to_the_dataset_group(app, tmp_path, capsys):
    code = app("data.source=openml", f"hydra.run.dir={tmp_path / 'run'}")
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "data.source was replaced by the dataset config group; pick a dataset with dataset=NAME" in err
    assert "task=image: cifar10, fashion_mnist, fashion_mnist_openml, image_folder, kmnist, mnist" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder(app, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code = app(f"hydra.run.dir={locked / 'run'}", *FAST)
    assert code == 2
    assert "cannot write into the output folder" in capsys.readouterr().err


def test_unwritable_output_folder_as_root(app, capsys):
    # /proc refuses new folders even to root
    code = app("hydra.run.dir=/proc/e2ebench-run", *FAST)
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot create the output folder /proc/e2ebench-run" in err
    assert "Traceback" not in err


def test_corrupt_record_in_a_resumed_sweep_is_rerun(app, tmp_path, capsys):
    sweep = tmp_path / "sweep"
    args = ["-m", "train_size=100", f"hydra.sweep.dir={sweep}", *FAST]
    assert app(*args) == 0
    [path] = list(sweep.rglob("result.json"))
    path.write_text(path.read_text()[:100])  # truncated, as by a crash mid-copy
    assert app(*args) == 0
    out = capsys.readouterr().out
    assert "ignoring unreadable run record" in out and str(path) in out
    assert json.loads(path.read_text())["status"] == "ok"


def test_sweeping_a_key_left_out_of_job_folders_is_refused(app, tmp_path, capsys):
    assert app("-m", f"hydra.sweep.dir={tmp_path / 'sweep'}", "threads=1,2", *FAST) == 2
    err = capsys.readouterr().err
    assert "threads=1,2: sweeping threads is not supported" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "sweep").exists()


@pytest.mark.parametrize("value", ["0", "abc"])
def test_zero_or_non_integer_parallel_jobs_is_refused(app, tmp_path, capsys, value):
    code = app("-m", "hydra/launcher=joblib", f"hydra.launcher.n_jobs={value}",
               f"hydra.sweep.dir={tmp_path / 'sweep'}", *FAST)
    err = capsys.readouterr().err
    assert code == 2 and f"hydra.launcher.n_jobs={value}: must be" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "sweep").exists()
