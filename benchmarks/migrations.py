"""Upgrade run records of an older schema to the current one (:data:`benchmarks.record.SCHEMA`).

A kept record stays valid across a redesign of the configs: reading it upgrades
its config to the layout of today's, and recomputes its config hash, so a sweep
resumed over old records skips what they already hold and the report reads them
beside new ones. Each step is a frozen mapping, written for the layout of its
day, never read from today's config files (which will change again).

Schema 1 -> 2 (the config tree became the registry, issue 15):

==============================================  ======================================================
schema 1                                        schema 2
==============================================  ======================================================
``data.source`` + the task                      ``dataset`` (``conf/dataset/<name>.yaml``), see
                                                ``_V2_DATASETS``: image/embedded ``fashion_mnist``,
                                                image/openml ``fashion_mnist_openml``, text/embedded
                                                ``wordnet``, text/hf ``ag_news``, speech
                                                ``spoken_digits``, driving ``carracing``
``task.source``, ``task.data_dir``              gone (``dataset``; ``dataset.loader.data_dir``)
``task.corpus.*`` (speech)                      ``dataset.loader.*``
``task.n_*_tracks``, ``episode_steps``,         ``dataset.loader.*``, with the track seeds
``noise_std`` (driving)                         ``train_seed``/``val_seed``/``test_seed`` 1000/2000/3000
--                                              ``task.test_size: 10000`` (image), ``task.val_share:
                                                0.1``, ``test_share: 0.2``, ``split_seed: 0`` (speech)
--                                              ``task.corruptions: null``, ``corruption_size:
                                                1000``, ``corruption_seed: 0`` (image, text: these runs
                                                evaluated no corruptions, so they match today's runs
                                                with ``task.corruptions=null``, not its default)
--                                              ``pair`` (each task's default methods)
``pipelines.validated.ValidatedPipeline``       ``pipelines.tuned.TunedPipeline``
cnn's ``n_classes: 10``, ``image_size: 28``     gone: the estimator takes them from the data
--                                              ``tuning.metric``, ``tuning.higher_is_better``: the
                                                score the trials were ranked by (``_V1_MONITORS``)
the record's ``dataset`` name                   the dataset config's name (``wordnet_supersense``
                                                became ``wordnet``, ``carracing_v3`` ``carracing``)
==============================================  ======================================================

Everything else (methods, grids, trainer, tuning, sizes, seeds) is unchanged, so
the same job composes to the same config and hash (image and text: with
``task.corruptions=null``); ``tests/test_migrations.py`` checks that for every kept
record in ``reports/results/``.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["upgrade"]

_V2_PAIRS = {
    "image": {"pipeline": "hog_svm", "e2e": "cnn"},
    "text": {"pipeline": "tfidf_svm", "e2e": "char_cnn"},
    "speech": {"pipeline": "mfcc_hmm", "e2e": "wav_ctc"},
    "driving": {"pipeline": "opencv_pd", "e2e": "pilotnet"},
}
#: what each schema-1 e2e module's early stopping and trials were ranked by (its class's monitor)
_V1_MONITORS = {"e2e_models.cnn.CNN": ("val_acc", True), "e2e_models.char_cnn.CharCNN": ("val_acc", True),
                "e2e_models.byte_transformer.ByteTransformer": ("val_acc", True),
                "e2e_models.wav_ctc.WavCTC": ("val_loss", False), "e2e_models.pilotnet.PilotNet": ("val_loss", False)}
_V1_DATASET_NAMES = {"fashion_mnist": "fashion_mnist", "wordnet_supersense": "wordnet", "ag_news": "ag_news",
                     "spoken_digits": "spoken_digits", "carracing_v3": "carracing"}
_HF_TEXT = {"_target_": "benchmarks.datasets.hf_text.HFText", "name": None, "text_column": "text",
            "label_column": "label", "train_split": "train", "test_split": "test"}


def _v2_dataset(task: str, source: str, old_task: dict[str, Any], data_dir: Any) -> dict[str, Any]:
    """The schema-2 ``dataset`` node that replaces schema 1's ``data.source`` for ``task``."""
    if task == "image" and source == "embedded":
        return {"name": "fashion_mnist", "tasks": ["image"],
                "loader": {"_target_": "benchmarks.datasets.fashion_mnist.FashionMNIST",
                           "root": "/usr/share/datasets/fashion-mnist"}}
    if task == "image" and source == "openml":
        return {"name": "fashion_mnist_openml", "tasks": ["image"],
                "loader": {"_target_": "benchmarks.datasets.openml_images.OpenMLImages", "name": "Fashion-MNIST",
                           "data_id": None, "version": 1, "image_shape": [28, 28], "channels_first": False,
                           "n_train": 60000, "data_dir": data_dir}}
    if task == "text" and source == "embedded":
        return {"name": "wordnet", "tasks": ["text"],
                "loader": {"_target_": "benchmarks.datasets.wordnet.WordNet",
                           "path": "/usr/share/wordnet/data.noun"}}
    if task == "text" and source == "hf":
        return {"name": "ag_news", "tasks": ["text"],
                "loader": {**_HF_TEXT, "path": "fancyzhx/ag_news", "data_dir": data_dir}}
    if task == "speech":
        return {"name": "spoken_digits", "tasks": ["speech"],
                "loader": {"_target_": "benchmarks.datasets.spoken_digits.SpokenDigits", "data_dir": data_dir,
                           **old_task.get("corpus", {})}}
    if task == "driving":
        tracks = {k: old_task[k] for k in ("n_train_tracks", "n_val_tracks", "n_test_tracks") if k in old_task}
        return {"name": "carracing", "tasks": ["driving"],
                "loader": {"_target_": "benchmarks.datasets.carracing.CarRacing", "data_dir": data_dir, **tracks,
                           "train_seed": 1000, "val_seed": 2000, "test_seed": 3000,
                           "episode_steps": old_task.get("episode_steps"), "noise_std": old_task.get("noise_std")}}
    raise ValueError(f"no schema-2 dataset for task {task!r} with data.source {source!r}")


#: the schema-1 task keys that moved into the dataset's loader
_MOVED_TASK_KEYS = ("source", "data_dir", "corpus", "n_train_tracks", "n_val_tracks", "n_test_tracks",
                    "episode_steps", "noise_std")


def _config_v1_to_v2(config: dict[str, Any], task: str) -> dict[str, Any]:
    config = copy.deepcopy(config)
    data = config.pop("data", None) or {}
    source = data.pop("source", "embedded")
    if data:
        config["data"] = data
    old_task = config.get("task") or {}
    data_dir = old_task.get("data_dir", (config.get("paths") or {}).get("data_dir"))
    config["dataset"] = _v2_dataset(task, source, old_task, data_dir)
    config["task"] = {k: v for k, v in old_task.items() if k not in _MOVED_TASK_KEYS}
    if task == "image":
        config["task"]["test_size"] = 10000
    if task in ("image", "text"):
        # these runs evaluated no corruptions: today's task.corruptions=null
        config["task"] |= {"corruptions": None, "corruption_size": 1000, "corruption_seed": 0}
    if task == "speech":
        config["task"] |= {"val_share": 0.1, "test_share": 0.2, "split_seed": 0}
    config["pair"] = dict(_V2_PAIRS[task])
    estimator = (config.get("method") or {}).get("estimator") or {}
    if estimator.get("_target_") == "pipelines.validated.ValidatedPipeline":
        estimator["_target_"] = "pipelines.tuned.TunedPipeline"
    module = estimator.get("module") or {}
    if module.get("_target_") == "e2e_models.cnn.CNN":
        module.pop("n_classes", None)
        module.pop("image_size", None)
    return config


def _v1_search_direction(method: dict[str, Any]) -> dict[str, Any]:
    """Schema 2's ``tuning.metric`` and ``tuning.higher_is_better``, which schema 1 did not record."""
    estimator = method.get("estimator") or {}
    if "pipeline" in estimator:  # scikit-learn scorers: higher is better
        return {"metric": f"val_{estimator.get('scoring', 'accuracy')}", "higher_is_better": True}
    monitor = _V1_MONITORS.get((estimator.get("module") or {}).get("_target_"))
    return {} if monitor is None else {"metric": monitor[0], "higher_is_better": monitor[1]}


def _v1_to_v2(record: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.record import config_hash

    record = dict(record)
    task = record.get("task")
    if task in _V2_PAIRS and isinstance(record.get("config"), dict) and record["config"]:
        record["config"] = _config_v1_to_v2(record["config"], task)
        record["config_hash"] = config_hash(record["config"])
        if isinstance(record.get("tuning"), dict):
            record["tuning"] = {**record["tuning"], **_v1_search_direction(record["config"]["method"])}
    if record.get("dataset") in _V1_DATASET_NAMES:
        record["dataset"] = _V1_DATASET_NAMES[record["dataset"]]
    record["schema"] = 2
    return record


_STEPS = {1: _v1_to_v2}


def upgrade(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` in the current schema: upgraded step by step from its own, or as it is.

    A record of the current schema (or an unknown one, which the caller refuses) is
    returned unchanged; an older one is copied, never changed in place.
    """
    while record.get("schema") in _STEPS:
        record = _STEPS[record["schema"]](record)
    return record


def rewrite(roots: list[str]) -> int:
    """Rewrite every ``result.json`` below ``roots`` in the current schema (atomically); return how many changed."""
    from pathlib import Path

    from benchmarks.record import RECORD_NAME, read_record, write_record

    changed = 0
    for root in roots:
        for path in sorted(Path(root).rglob(RECORD_NAME)):
            record = read_record(path)
            if record is not None and upgrade(record) is not record:
                write_record(upgrade(record), path.parent)
                changed += 1
    return changed


if __name__ == "__main__":
    import sys

    from benchmarks.record import SCHEMA

    # python -m benchmarks.migrations reports/results: re-key kept records once
    from pathlib import Path

    missing = [root for root in sys.argv[1:] if not Path(root).is_dir()]
    if not sys.argv[1:] or missing:
        print(f"usage: python -m benchmarks.migrations DIR...: rewrites the run records below each DIR in "
              f"schema {SCHEMA}" + (f"; not a folder: {', '.join(missing)}" if missing else ""), file=sys.stderr)
        sys.exit(2)
    print(f"{rewrite(sys.argv[1:])} record(s) rewritten in schema {SCHEMA}")
