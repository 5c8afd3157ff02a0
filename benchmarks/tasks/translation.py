"""The translation task: verses of one language to the other, scored by BLEU and chrF (sacrebleu)."""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

from benchmarks.datasets.base import DatasetLoader, Split
from benchmarks.errors import ConfigError, DataUnavailable
from benchmarks.params import Interval, check_params, positive_int
from benchmarks.splits import training_subset
from benchmarks.tasks.base import Task, TaskData, UnitScores

__all__ = ["TranslationTask", "bleu_from_statistics"]

#: n-gram orders of BLEU (Papineni et al. 2002)
_ORDER = 4


def bleu_from_statistics(stats: np.ndarray) -> np.ndarray:
    """Corpus BLEU from summed sentence statistics, as sacrebleu computes it (default ``exp`` smoothing).

    Args:
        stats: ``(..., 10)`` sums of sacrebleu's per-sentence statistics
            ``[hyp_len, ref_len, correct_1..4, total_1..4]``.

    Returns:
        ``(...)`` float64 BLEU on a 0–100 scale; equals ``sacrebleu.corpus_bleu`` on the
        sentences summed (``tests/test_translation.py`` checks it).
    """
    stats = np.asarray(stats, dtype=np.float64)
    hyp_len, ref_len = stats[..., 0], stats[..., 1]
    correct, total = stats[..., 2:2 + _ORDER], stats[..., 2 + _ORDER:2 + 2 * _ORDER]
    log_precision = np.zeros(stats.shape[:-1])
    smooth = np.ones(stats.shape[:-1])
    dead = np.zeros(stats.shape[:-1], dtype=bool)  # an order without n-grams: sacrebleu scores 0
    for n in range(_ORDER):
        dead |= total[..., n] == 0
        zero = correct[..., n] == 0
        smooth = np.where(zero, smooth * 2, smooth)
        with np.errstate(divide="ignore", invalid="ignore"):
            precision = np.where(zero, 100.0 / (smooth * total[..., n]), 100.0 * correct[..., n] / total[..., n])
            log_precision += np.where(dead, 0.0, np.log(precision))
    with np.errstate(divide="ignore", invalid="ignore"):
        brevity = np.where(hyp_len >= ref_len, 1.0, np.exp(1 - ref_len / np.maximum(hyp_len, 1e-300)))
    return np.where(dead | (hyp_len == 0), 0.0, brevity * np.exp(log_precision / _ORDER))


class TranslationTask(Task):
    """Translate sentences (Bible verses by default): source strings in, target strings out.

    Data: the ``dataset`` loader's parallel corpus. The default,
    ``dataset=bible`` (:class:`benchmarks.datasets.bible.Bible`), holds 29.8k
    English–Spanish verse pairs split by chapter (27.2k / 1.4k / 1.2k);
    ``dataset=hf_parallel`` reads a Hugging Face parallel corpus. A corpus without
    a validation or test split gets them carved by group (a chapter, a document),
    a ``val_share`` / ``test_share`` of its groups, with ``split_seed``. Only the
    training subset depends on the run's seed: nested random prefixes of one
    seeded order of the pool.

    Inputs ``X``: ``(n,)`` object arrays of source sentences (str); targets ``y``:
    ``(n,)`` object arrays of reference translations (str), detokenised.

    Metrics (:meth:`evaluate`): ``bleu`` (primary) and ``chrf`` (chrF2), corpus
    level, from ``sacrebleu`` (Post 2018, "A Call for Clarity in Reporting BLEU
    Scores", WMT) with its default 13a tokenisation; both on a 0–100 scale. Their
    signatures go to the record's ``task_info``. :meth:`extra_metrics` adds
    the rule-based reference (Apertium, ``reference=apertium``) on the same
    test split, as ``expert_bleu`` and ``expert_chrf``: the report shows it as a
    reference line, like driving's expert. It learns nothing, so it is computed
    once per test split and cached.

    Args:
        dataset: the loader of the ``dataset`` config (``conf/dataset/<name>.yaml``).
        direction: ``"<src>-<tgt>"`` of the dataset's two languages, e.g. ``en-es`` or ``es-en``.
        reference: ``"apertium"`` (needs Debian ``apertium-eng-spa``) or ``None``.
        val_share, test_share: the share of groups carved as the validation / test split
            from a corpus without one, in (0, 1).
        split_seed: seed of the carving.
        val_size: validation pairs used (a fixed subset); ``None`` = all.
        test_size: test pairs used (a fixed subset, for quick runs); ``None`` = all.
        cache_dir: where the reference's outputs are cached (``paths.data_dir``); ``None``: not cached.

    Raises (from :meth:`load`):
        ConfigError: a direction the corpus does not have, a bad share or size.
        DataUnavailable: from the loader; or the reference's package is missing.
    """

    name = "translation"
    primary_metric = "bleu"
    higher_is_better = True

    _parameter_constraints = {
        "direction": [str],
        "reference": [str, None],
        "val_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "test_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "split_seed": [Interval(numbers.Integral, 0, None, closed="left")],
        "val_size": positive_int(allow_none=True),
        "test_size": positive_int(allow_none=True),
    }

    def __init__(self, dataset: DatasetLoader, direction: str = "en-es", reference: str | None = "apertium",
                 val_share: float = 0.05, test_share: float = 0.05, split_seed: int = 0,
                 val_size: int | None = None, test_size: int | None = None, cache_dir: str | None = None) -> None:
        self.dataset = dataset
        self.direction = direction
        self.reference = reference
        self.val_share = val_share
        self.test_share = test_share
        self.split_seed = split_seed
        self.val_size = val_size
        self.test_size = test_size
        self.cache_dir = cache_dir

    @property
    def languages(self) -> tuple[str, str]:
        """``(source, target)`` language codes of :attr:`direction`."""
        parts = self.direction.split("-")
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"task.direction={self.direction!r} must be <source>-<target>, e.g. en-es")
        return parts[0], parts[1]

    def load(self) -> TaskData:
        check_params(self, self._parameter_constraints, "task.")
        if self.reference not in (None, "apertium"):
            raise ConfigError(f"task.reference={self.reference!r} must be apertium or null")
        source, target = self.languages
        corpus = self.dataset.load()
        languages = list(corpus.info.get("languages", []))
        if sorted(languages) != sorted([source, target]):
            raise ConfigError(f"task.direction={self.direction}: the dataset's languages are "
                              f"{'-'.join(languages) or 'not given'}; use {'-'.join(languages)} or "
                              f"{'-'.join(reversed(languages))}")
        if self.reference == "apertium":
            # before any training: a missing reference would otherwise fail the run after its fit
            from benchmarks.experts.apertium import check_available

            check_available(self.direction)
        flip = languages != [source, target]
        parts = [None if s is None else Split(s.y, s.X, s.groups) if flip else s
                 for s in (corpus.train, corpus.val, corpus.test)]
        rest, val, test = parts
        if rest is None or len(rest) == 0:
            raise DataUnavailable("the dataset has no training pairs")
        if test is None:
            rest, test = self._carve(rest, self.test_share, "task.test_share")
        if val is None:
            rest, val = self._carve(rest, self.val_share, "task.val_share")
        val = self._subset(val, self.val_size, "task.val_size", "validation")
        test = self._subset(test, self.test_size, "task.test_size", "test")
        return TaskData(train=rest, val=val, test=test, info={**corpus.info, "direction": self.direction})

    def _subset(self, split: Split, size: int | None, key: str, what: str) -> Split:
        """A fixed random subset of ``size`` pairs (in corpus order), or all of ``split``."""
        if size is None:
            return split
        if not size <= len(split):
            raise ConfigError(f"{key}={size} must be at most the {len(split)} {what} pairs")
        return split.take(np.sort(training_subset(np.zeros(len(split), dtype=np.int64), size, self.split_seed)))

    def _carve(self, split: Split, share: float, key: str) -> tuple[Split, Split]:
        groups = split.groups if split.groups is not None else np.arange(len(split))
        try:
            rest_idx, part_idx = next(GroupShuffleSplit(n_splits=1, test_size=share, random_state=self.split_seed)
                                      .split(np.arange(len(split)), groups=groups))
        except ValueError:
            raise ConfigError(f"{key}={share}: cannot carve it from {len(np.unique(groups))} groups and keep "
                              "some for training") from None
        return split.take(rest_idx), split.take(part_idx)

    def training_indices(self, pool: Split, train_size: int | None, seed: int) -> np.ndarray:
        """Nested prefixes of one seeded order of the pool (pairs have no class to stratify by)."""
        return training_subset(np.zeros(len(pool), dtype=np.int64), train_size, seed)

    def evaluate(self, y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, float]:
        """Corpus ``bleu`` and ``chrf`` (sacrebleu defaults, 0–100) of ``y_pred`` against one reference each.

        Raises:
            ValueError: not one hypothesis per reference.
        """
        from sacrebleu.metrics import BLEU, CHRF

        if len(y_true) != len(y_pred):
            raise ValueError(f"{len(y_pred)} translations for {len(y_true)} references")
        refs, hyps = [[str(t) for t in y_true]], [str(p) for p in y_pred]
        return {"bleu": float(BLEU().corpus_score(hyps, refs).score),
                "chrf": float(CHRF().corpus_score(hyps, refs).score)}

    def task_info(self, data: TaskData, train: Split) -> dict[str, Any]:
        """The sacrebleu signatures, the training subset's size in words (Koehn & Knowles 2017 count words),
        and the reference's name (the report's label for ``expert_*`` metrics)."""
        from sacrebleu.metrics import BLEU, CHRF

        source, target = self.languages
        metrics = {"bleu": BLEU(), "chrf": CHRF()}
        for metric in metrics.values():  # a signature names the reference count, known once it has scored
            metric.corpus_score(["a"], [["a"]])
        reference = {} if self.reference is None else {"reference": "Apertium (rule-based)"}
        return {**reference, "signatures": {name: str(metric.get_signature()) for name, metric in metrics.items()},
                f"train_words_{source}": int(sum(len(str(s).split()) for s in train.X)),
                f"train_words_{target}": int(sum(len(str(t).split()) for t in train.y))}

    def extra_metrics(self, estimator: Any, data: TaskData, test_pred: Any, artifacts_dir: Path) -> dict[str, float]:
        """The reference system's ``expert_bleu`` and ``expert_chrf`` on the test split; the test hypotheses as a file."""
        artifacts_dir.mkdir(parents=True, exist_ok=True)
        (artifacts_dir / "test_hypotheses.txt").write_text(
            "".join(str(p).replace("\n", " ") + "\n" for p in test_pred), encoding="utf-8")
        if self.reference is None:
            return {}
        from benchmarks.experts.apertium import translate

        hyps = translate(list(data.test.X), self.direction, self.cache_dir)
        return {f"expert_{k}": v for k, v in self.evaluate(data.test.y, hyps).items()}

    def unit_scores(self, data: TaskData, test_pred: Any) -> UnitScores:
        """One unit per test sentence: its BLEU statistics, reduced by :func:`bleu_from_statistics`."""
        from sacrebleu.metrics import BLEU

        # the statistics sacrebleu's own paired bootstrap resamples (sacrebleu.significance)
        stats = np.asarray(BLEU()._extract_corpus_statistics([str(p) for p in test_pred],
                                                             [[str(t) for t in data.test.y]]), dtype=np.float64)
        return UnitScores(np.arange(len(stats)), group=data.test.groups, stats=stats,
                          reducer=f"{__name__}:bleu_from_statistics")

    def trivial_score(self, data: TaskData) -> tuple[str, float, bool]:
        """BLEU of copying each source sentence through untranslated (the floor a system must clear)."""
        return self.primary_metric, self.evaluate(data.test.y, list(data.test.X))[self.primary_metric], True
