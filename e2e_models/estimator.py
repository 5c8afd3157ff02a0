"""Train a LightningModule as a scikit-learn-style estimator, with model selection on validation."""

from __future__ import annotations

import copy
import inspect
import logging
import numbers
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

import lightning as L
import numpy as np
import torch
from lightning.fabric.utilities.throughput import measure_flops
from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from benchmarks.errors import ConfigError
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.tuning import check_fixed_settings, search
from e2e_models.datamodule import ArrayDataModule

log = logging.getLogger(__name__)


class LightningEstimator(BaseEstimator):
    """Fit a LightningModule per hyperparameter candidate; keep the best on validation.

    Each candidate trains with early stopping on the module's validation metric
    (``module.monitor``, e.g. ``val_acc`` for classifiers, ``val_loss`` by
    default) and keeps its best epoch (``ModelCheckpoint``); the candidate with
    the best validation score is the fitted model. Training is seeded (``L.seed_everything`` and a
    seeded shuffling generator), so with ``trainer.deterministic=True`` a run is
    reproducible on the CPU.

    Args:
        module: a callable (``_partial_`` Hydra target) returning an
            ``e2e_models.supervised.SupervisedModule`` (its ``loss``, ``decode``,
            ``monitor``, ``encode_inputs`` and ``encode_targets`` define the
            task's side of training). Keyword arguments come from the candidate;
            ``n_classes`` and ``input_shape``, when the callable takes them and
            the config does not set them, come from the data (see
            ``_implied_module_kwargs``). ``encode_inputs`` is applied to the training, validation and
            prediction inputs before they become tensors (text -> bytes, say).
        param_grid: ``{module_kwarg: [values]}`` to search.
        budget: at most this many candidates (shared with the pipeline side).
        seed: training seed (initialisation, dropout, batch order).
        batch_size: training batch size.
        patience: epochs without a better validation score before stopping.
        trainer: keyword arguments for ``lightning.Trainer`` (``max_epochs``,
            ``accelerator``, ...). ``enable_progress_bar: null`` shows the bar only
            on an interactive terminal.
        output_dir: where per-candidate CSV logs and the chosen checkpoint go
            (a temporary folder when ``None``).
        logger: optional Lightning logger that receives each candidate's score.

    Attributes (after ``fit``): ``model_``, ``best_params_``, ``best_score_``,
    ``search_results_``, ``search_metric_`` and ``search_higher_is_better_`` (the module's
    ``monitor`` and whether it improves upwards), ``feature_time_s_`` (0.0: no separate feature stage),
    ``n_params_``, ``train_flops_`` (forward + backward FLOPs of every training
    step, counted with ``torch.utils.flop_counter`` via Lightning's
    ``measure_flops``; validation passes excluded; variable-length inputs are
    counted at their median length), ``epochs_`` (per candidate). Each trial of
    ``search_results_`` also gives its ``epochs`` and ``stopped_by``: ``early_stopping``,
    ``max_epochs`` or ``max_time`` (the ``trainer.max_time`` cap was reached).
    """

    _parameter_constraints = {
        "budget": positive_int(),
        # numpy's SeedSequence takes no negative seed, Lightning's seed_everything none of 2**32 or more
        "seed": [Interval(numbers.Integral, 0, 2**32 - 1, closed="both")],
        "batch_size": positive_int(),
        "patience": positive_int(),
    }

    def __init__(self, module: Callable[..., L.LightningModule], param_grid: Mapping[str, list] | None = None,
                 budget: int = 4, seed: int = 0, batch_size: int = 128, patience: int = 3,
                 trainer: Mapping[str, Any] | None = None, output_dir: str | Path | None = None,
                 logger: Any = None) -> None:
        self.module = module
        self.param_grid = param_grid
        self.budget = budget
        self.seed = seed
        self.batch_size = batch_size
        self.patience = patience
        self.trainer = trainer
        self.output_dir = output_dir
        self.logger = logger

    def fit(self, X: Any, y: Any, X_val: Any, y_val: Any) -> "LightningEstimator":
        """Train every candidate on ``(X, y)``, score it on ``(X_val, y_val)``, keep the best.

        ``X``/``X_val`` are the task's inputs (arrays of ``n`` examples, or lists of
        strings for text), ``y``/``y_val`` their labels (``(n,)`` class indices,
        steering values, or transcripts), encoded by the module. Returns ``self``.
        """
        check_params(self, self._parameter_constraints, "method.estimator.")
        out = Path(self.output_dir) if self.output_dir is not None else Path(tempfile.mkdtemp(prefix="e2ebench-"))
        # a re-run of a killed job starts from scratch, not from its stale files
        for stale in ("checkpoints", "trials"):
            shutil.rmtree(out / stale, ignore_errors=True)
        trainer_kwargs = dict(self.trainer or {})
        if trainer_kwargs.get("enable_progress_bar") is None:
            trainer_kwargs["enable_progress_bar"] = sys.stderr.isatty()
        trainer_kwargs.setdefault("enable_model_summary", False)

        self.train_flops_ = 0
        self.epochs_ = []
        fixed = _implied_module_kwargs(self.module, X, y, y_val)
        self._check_grid(fixed)
        def fit_candidate(trial: int, params: dict[str, Any]):
            L.seed_everything(self.seed, workers=True, verbose=False)
            model = self.module(**fixed, **params)
            model.prepare(X, y)
            # per candidate: a candidate may change the encoding (max_len, say);
            # encoding 66k glosses takes well under a second
            X_enc, X_val_enc = model.encode_inputs(X), model.encode_inputs(X_val)
            y_enc, y_val_enc = model.encode_targets(y), model.encode_targets(y_val)
            datamodule = ArrayDataModule(X_enc, y_enc, X_val_enc, y_val_enc, self.batch_size, self.seed,
                                         model.input_lengths(X_enc), model.input_lengths(X_val_enc))
            watch = {"monitor": model.monitor, "mode": model.monitor_mode}
            checkpoint = ModelCheckpoint(dirpath=out / "checkpoints" / f"trial_{trial}", filename="best",
                                         save_top_k=1, enable_version_counter=False, **watch)
            early_stopping = EarlyStopping(patience=self.patience, **watch)
            trainer = L.Trainer(
                **trainer_kwargs,
                callbacks=[early_stopping, checkpoint],
                logger=CSVLogger(out, name="trials", version=str(trial)),
                default_root_dir=out,
            )
            lengths = model.input_lengths(X_enc)
            probe = X_enc[:2] if lengths is None else X_enc[:2, :max(1, int(np.median(lengths)))]
            flops_per_example = _train_flops_per_example(model, probe, y_enc[:2])
            trainer.fit(model, datamodule=datamodule)
            epochs = trainer.current_epoch
            self.train_flops_ += flops_per_example * len(y_enc) * epochs
            self.epochs_.append(epochs)
            max_epochs = trainer_kwargs.get("max_epochs")
            # what ended training: a capped run (trainer.max_time) says so in the record
            stopped_by = "early_stopping" if early_stopping.stopped_epoch else \
                "max_epochs" if max_epochs is not None and epochs >= max_epochs else "max_time"
            return checkpoint.best_model_score, checkpoint.best_model_path, {"epochs": epochs,
                                                                             "stopped_by": stopped_by}

        # monitor and monitor_mode are class attributes: every candidate watches the same metric
        module_class = getattr(self.module, "func", self.module)
        self.search_metric_, self.search_higher_is_better_ = module_class.monitor, module_class.monitor_mode == "max"
        self.best_score_, self.best_params_, best_path, self.search_results_ = search(
            self.param_grid, self.budget, self.seed, fit_candidate,
            higher_is_better=self.search_higher_is_better_, metric=self.search_metric_, logger=self.logger)
        self.model_ = self.module(**fixed, **self.best_params_)
        state = torch.load(best_path, map_location="cpu", weights_only=False)["state_dict"]
        self.model_.load_state_dict(state)
        self.model_.eval()
        # keep only the chosen checkpoint: a sweep of hundreds of jobs adds up
        kept = out / "model.ckpt"
        shutil.move(best_path, kept)
        shutil.rmtree(out / "checkpoints", ignore_errors=True)
        if self.output_dir is None:
            shutil.rmtree(out, ignore_errors=True)
        self.n_params_ = int(sum(p.numel() for p in self.model_.parameters()))
        self.feature_time_s_ = 0.0
        return self

    def _check_grid(self, fixed: Mapping[str, Any]) -> None:
        """Build the module with every grid value before tuning, so a bad value fails every seed.

        Raises:
            ConfigError: a module setting is also tuned by the grid, or a grid value fails.
        """
        check_fixed_settings(getattr(self.module, "keywords", None) or {}, self.param_grid)
        for key, values in dict(self.param_grid or {}).items():
            for value in values:
                try:
                    self.module(**{**fixed, key: value})
                except (ValueError, TypeError) as exc:
                    raise ConfigError(f"param_grid.{key}={value!r} fails to build the model: {exc}") from exc

    @torch.inference_mode()
    def predict(self, X: Any, batch_size: int = 1024) -> np.ndarray | list:
        """Predictions from batched forward passes in eval mode, decoded by the model.

        ``X`` is what the task gives (an array, or strings for text), encoded
        by the model's ``encode_inputs``. Returns an array ``(n, ...)`` when the
        model's ``decode`` gives tensors (class indices ``(n,)`` int64 for
        classifiers), or a list of ``n`` items when it gives lists (strings).
        """
        check_is_fitted(self, "model_")
        self.model_.eval()
        X = self.model_.encode_inputs(X)
        lengths = self.model_.input_lengths(X)
        # variable-length inputs: batches of similar length, each cut to its longest item
        order = np.arange(len(X)) if lengths is None else np.argsort(lengths, kind="stable")
        batches = []
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            xb = X[idx] if lengths is None else X[idx, :max(1, int(lengths[idx].max()))]
            batches.append(self.model_.decode(self.model_(torch.from_numpy(np.ascontiguousarray(xb)))))
        if batches and isinstance(batches[0], torch.Tensor):
            return torch.cat(batches).numpy()[np.argsort(order)]
        items = [item for batch in batches for item in batch]
        return [items[j] for j in np.argsort(order)]


def _implied_module_kwargs(module: Callable[..., L.LightningModule], X: Any, y: np.ndarray,
                           y_val: np.ndarray) -> dict[str, Any]:
    """What the data says about the model's size, for the arguments the config left out.

    ``n_classes``: labels are class indices ``0..K-1`` and the validation split
    holds every class, so ``K = max(y, y_val) + 1`` even when a small training
    subset lacks one. ``input_shape``: ``X.shape[1:]`` of array inputs (images
    ``(H, W)`` or ``(H, W, C)``). So one method config serves datasets of
    different class counts and image sizes (WordNet: 24 classes, AG News: 4;
    Fashion-MNIST 28x28 grey, CIFAR-10 32x32 colour).
    """
    bound = getattr(module, "keywords", None) or {}  # a functools.partial from Hydra's _partial_
    try:
        parameters = inspect.signature(module).parameters
    except (TypeError, ValueError):
        return {}
    implied = {}
    if "n_classes" in parameters and "n_classes" not in bound:
        implied["n_classes"] = int(max(np.max(y), np.max(y_val))) + 1
    if "input_shape" in parameters and "input_shape" not in bound and isinstance(X, np.ndarray):
        implied["input_shape"] = tuple(int(d) for d in X.shape[1:])
    return implied


def _train_flops_per_example(model: L.LightningModule, x: np.ndarray, y: np.ndarray) -> int:
    """Forward + backward FLOPs of one training example (counted on a batch of 2)."""
    xb = torch.from_numpy(np.ascontiguousarray(x))
    yb = torch.from_numpy(np.ascontiguousarray(y))
    # a copy, so counting does not touch the real model's BatchNorm statistics
    probe = copy.deepcopy(model).train()
    flops = measure_flops(probe, lambda: probe.training_outputs(xb, yb), lambda outputs: probe.loss(outputs, yb))
    return int(flops) // len(xb)
