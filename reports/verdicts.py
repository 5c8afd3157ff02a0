"""Claim verdicts: what the runs of one panel say about the seed's claims.

One row per claim and (pipeline, e2e) pair:

- **performance**: "e2e performs better than the pipeline at the full pool". Evidence: the
  paired difference e2e − pipeline of the primary metric over the seeds both sides ran at
  the largest training-set size they share, signed so that positive means e2e is better.
- **data**: "e2e needs more labelled data". Evidence: the same paired difference at the
  smallest shared size (the claim expects e2e to be worse there) and, per seed, how much
  that difference grows from the smallest to the largest shared size (the claim expects
  e2e to gain on the pipeline as data grows; a constant gap is about the model, not the
  data). Supported only when both CIs agree with the claim; contradicted when e2e is
  better already at the smallest size. The crossover (:mod:`reports.crossover`) and the
  samples each side needs to reach 95% of the best score (:mod:`reports.targets`) are
  quoted as the sizes that say how much more.
- **training cost**: "e2e costs more to train". Evidence: the per-seed ratio of fit time
  e2e/pipeline at the largest shared size, summarised as a geometric mean; train FLOPs
  where recorded.
- **inference cost**: "e2e costs more at inference". Evidence: the per-seed ratio of
  latency (ms per sample), as for training cost.
- **robustness**: "e2e is more robust". Evidence: effective robustness (Taori et al. 2020;
  :mod:`reports.robustness`), paired over seeds at the largest shared size, with its CI.
- **simplicity**: "e2e is simpler". Evidence: both sides' simplicity vectors
  (:mod:`benchmarks.simplicity`) and tuning effort (:mod:`reports.simplicity`); the rule
  is :func:`simplicity_claim`'s, not a CI.

Each verdict reads a 95% Student-t CI over seeds (of the mean difference, or of the mean
log ratio): **supported** when it excludes no-difference in the claimed direction,
**contradicted** when it excludes it in the other direction, **inconclusive** otherwise,
and always inconclusive with fewer than two paired seeds. A paired test is printed
next to it: an exact sign-flip permutation test of the mean difference with fewer than
``WILCOXON_MIN_SEEDS`` seeds (Wilcoxon's signed-rank test cannot reach p < 0.05 with
fewer than six), Wilcoxon's signed-rank test from there on. The verdict follows the CI,
never the p-value alone, so nothing claims more than its CI allows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from reports.bootstrap import TwoLevel, load_units, two_level_difference
from reports.crossover import Crossover
from reports.robustness import linear_fit, shift_scores
from reports.formatting import compact_number, format_estimate, format_ratio
from reports.stats import mean_ci
from reports.targets import Target

SUPPORTED, CONTRADICTED, INCONCLUSIVE = "supported", "contradicted", "inconclusive"
#: the CI lies inside the region of practical equivalence (Benavoli et al. 2017): the sides tie in practice
EQUIVALENT = "practically equivalent"
WILCOXON_MIN_SEEDS = 10
#: The fraction of the best score whose samples-to-target the data claim's row quotes.
QUOTED_FRACTION = 0.95


def verdict(low: float, high: float, n_seeds: int, claimed_positive: bool = True, rope: float = math.nan) -> str:
    """The verdict a CI ``(low, high)`` of an effect supports; the claim says it is > 0 (or < 0).

    With a ``rope`` (the region of practical equivalence, ±rope in the effect's units), a CI
    that lies inside it gives :data:`EQUIVALENT`.
    """
    if n_seeds < 2 or not (math.isfinite(low) and math.isfinite(high)):
        return INCONCLUSIVE
    if math.isfinite(rope) and -rope < low and high < rope:
        return EQUIVALENT
    if low > 0:
        return SUPPORTED if claimed_positive else CONTRADICTED
    if high < 0:
        return CONTRADICTED if claimed_positive else SUPPORTED
    return INCONCLUSIVE


def paired_test(differences: np.ndarray) -> tuple[str, float]:
    """Two-sided paired test that the differences are centred on 0: (name, p-value).

    Exact sign-flip permutation test of the mean with fewer than ``WILCOXON_MIN_SEEDS``
    values (all 2^n sign patterns), Wilcoxon's signed-rank test otherwise. NaN p with
    fewer than 2 values, and p = 1 when every difference is 0.
    """
    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return "none (1 seed)" if d.size == 1 else "none", math.nan
    if d.size >= WILCOXON_MIN_SEEDS:
        if not np.any(d):
            return "Wilcoxon signed-rank", 1.0
        return "Wilcoxon signed-rank", float(stats.wilcoxon(d).pvalue)
    observed = abs(d.mean())
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=d.size)))
    null = np.abs((signs * d).mean(axis=1))
    return "sign-flip permutation", float(np.mean(null >= observed - 1e-12 * max(observed, 1.0)))


@dataclass(frozen=True)
class PairedEffect:
    """A paired effect over seeds at one training-set size.

    Attributes:
        size: training-set size (examples).
        mean: mean of the per-seed effect (a difference in metric units, or a log ratio).
        ci: 95% Student-t CI of that mean (NaN with one seed).
        n_seeds: seeds both sides ran at ``size``.
        test, p_value: the paired test (:func:`paired_test`).
    """

    size: float
    mean: float
    ci: tuple[float, float]
    n_seeds: int
    test: str
    p_value: float


def paired_effect(pipeline: pd.Series, e2e: pd.Series, size: float, *, log_ratio: bool = False,
                  sign: float = 1.0) -> PairedEffect:
    """Per-seed ``sign·(e2e − pipeline)`` (or ``log(e2e/pipeline)``), its mean, CI and test.

    Args:
        pipeline, e2e: values indexed by seed (NaN or missing seeds are dropped from both).
        size: the training-set size they were measured at (carried along).
        log_ratio: use the log of the ratio (costs; positive means e2e costs more).
        sign: +1 when higher values are better for the difference, −1 otherwise.
    """
    both = pd.concat([pipeline.rename("p"), e2e.rename("e")], axis=1).dropna()
    if log_ratio:
        both = both[(both["p"] > 0) & (both["e"] > 0)]
        effect = np.log(both["e"].to_numpy(float) / both["p"].to_numpy(float))
    else:
        effect = sign * (both["e"].to_numpy(float) - both["p"].to_numpy(float))
    test, p = paired_test(effect)
    mean = float(effect.mean()) if effect.size else math.nan
    return PairedEffect(size, mean, mean_ci(effect), int(effect.size), test, p)


@dataclass(frozen=True)
class Claim:
    """One row of a verdict table.

    Attributes:
        claim: the claim in words, e.g. "e2e performs better at the full pool".
        evidence: what the verdict rests on, with numbers, CI and test, one line.
        n_seeds: the paired seeds behind the verdict.
        verdict: ``SUPPORTED``, ``CONTRADICTED`` or ``INCONCLUSIVE``.
        effect: the paired effect (``None`` where none could be formed).
    """

    key: str
    claim: str
    evidence: str
    n_seeds: int
    verdict: str
    effect: PairedEffect | None


def _values_at(rows: pd.DataFrame, size: float, column: str) -> pd.Series:
    at = rows[rows["train_size"].eq(size).fillna(False).astype(bool)]
    if column not in at:
        return pd.Series(dtype=float)
    return pd.to_numeric(at[column], errors="coerce").groupby(at["seed"].astype(int)).mean()


def _shared_sizes(p_rows: pd.DataFrame, e_rows: pd.DataFrame) -> list[float]:
    return sorted(set(p_rows["train_size"].dropna().astype(float)) & set(e_rows["train_size"].dropna().astype(float)))


#: the significance level a shown test must be able to reach
ALPHA = 0.05


def smallest_p(test: str, n: int) -> float:
    """The smallest two-sided p-value :func:`paired_test` can give with ``n`` values.

    The exact sign-flip test has 2^n equally likely sign patterns, and the observed one and
    its mirror image are always at least as extreme: p ≥ 2 / 2^n (0.25 with 3 seeds).
    """
    if test == "sign-flip permutation":
        return 2.0 / 2 ** n
    return 0.0 if n >= 2 else 1.0


def _p_text(effect: PairedEffect) -> str:
    if not math.isfinite(effect.p_value):
        return "no test (1 seed)"
    floor = smallest_p(effect.test, effect.n_seeds)
    if floor > ALPHA:
        # a test that cannot reject is not shown beside a verdict (its p would read as a contradiction)
        return f"no test shown: with {effect.n_seeds} seeds the {effect.test} test cannot go below p = {floor:.3g}"
    return f"{effect.test} p = {effect.p_value:.3g}"


def probability_of_improvement(pipeline: pd.Series, e2e: pd.Series, sign: float = 1.0, n_bootstrap: int = 2000,
                               seed: int = 0) -> tuple[float, tuple[float, float], int]:
    """P(a run of e2e scores better than a run of the pipeline), rliable's probability of improvement.

    Agarwal et al. 2021 ("Deep Reinforcement Learning at the Edge of the Statistical Precipice",
    NeurIPS): the Mann–Whitney statistic over every (e2e run, pipeline run) pair, ties counting
    one half, with a 95% percentile bootstrap CI that resamples each side's runs.

    Args:
        pipeline, e2e: one score per run (seeds), NaN dropped.
        sign: +1 when higher scores are better, −1 otherwise.

    Returns:
        ``(probability, (low, high), runs per side)``; NaN with fewer than one run a side.
    """
    p = pipeline.dropna().to_numpy(float) * sign
    e = e2e.dropna().to_numpy(float) * sign
    if not (p.size and e.size):
        return math.nan, (math.nan, math.nan), 0

    def statistic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # a: (..., n) e2e, b: (..., m) pipeline
        diff = a[..., :, None] - b[..., None, :]
        return ((diff > 0) + 0.5 * (diff == 0)).mean(axis=(-1, -2))

    rng = np.random.default_rng(seed)
    boot = statistic(e[rng.integers(0, e.size, (n_bootstrap, e.size))], p[rng.integers(0, p.size, (n_bootstrap, p.size))])
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(statistic(e, p)), (float(low), float(high)), int(min(p.size, e.size))


def _difference_text(effect: PairedEffect, metric: str) -> str:
    low, high = effect.ci
    ci = f", 95% CI [{low:+.3g}, {high:+.3g}]" if math.isfinite(low) else ""
    # Signed as an advantage, so that > 0 reads "e2e better" for error metrics (WER) too.
    return (f"e2e advantage in {metric} (> 0: e2e better) at n = {compact_number(effect.size)}: "
            f"{effect.mean:+.3g}{ci}; {_p_text(effect)}")


def _ratio_text(effect: PairedEffect, what: str) -> str:
    low, high = effect.ci
    ci = f", 95% CI [{format_ratio(math.exp(low))}, {format_ratio(math.exp(high))}]" if math.isfinite(low) else ""
    return (f"{what} e2e/pipeline at n = {compact_number(effect.size)}: geometric mean "
            f"{format_ratio(math.exp(effect.mean))}{ci}; {_p_text(effect)}")


def _gap_change(p_rows: pd.DataFrame, e_rows: pd.DataFrame, smallest: float, largest: float,
                sign: float) -> PairedEffect:
    """Per seed, how much the signed difference e2e − pipeline grows from the smallest to the largest size."""
    def gap(size: float) -> pd.Series:
        both = pd.concat([_values_at(p_rows, size, "score").rename("p"), _values_at(e_rows, size, "score").rename("e")],
                         axis=1).dropna()
        return sign * (both["e"] - both["p"])

    return paired_effect(gap(smallest), gap(largest), largest)


def _data_verdict(start: PairedEffect, gain: PairedEffect) -> str:
    """Supported: e2e is worse at the smallest size *and* gains on the pipeline as data grows (both CIs
    exclude 0), so the gap is about data. Contradicted: e2e is better already at the smallest size."""
    at_start = verdict(*start.ci, start.n_seeds, claimed_positive=False)
    if at_start == CONTRADICTED:
        return CONTRADICTED
    if at_start == SUPPORTED and verdict(*gain.ci, gain.n_seeds) == SUPPORTED:
        return SUPPORTED
    return INCONCLUSIVE


def pair_claims(p_rows: pd.DataFrame, e_rows: pd.DataFrame, metric: str, higher_is_better: bool,
                cross: Crossover, targets: dict[str, Target], panel_rows: pd.DataFrame | None = None,
                rope: float = math.nan) -> list[Claim]:
    """The claims for one (pipeline, e2e) pair of a panel.

    Args:
        p_rows, e_rows: the ok runs of the pipeline and the e2e side (with ``score``).
        metric, higher_is_better: the panel's primary metric.
        cross: the pair's crossover.
        targets: ``"pipeline"``/``"e2e"`` -> the side's samples to ``QUOTED_FRACTION`` of the best score.
        panel_rows: every ok run of the panel, which the robustness fit pools (default: the pair's).
        rope: the primary metric's region of practical equivalence (``rope`` of the task's config):
            a performance CI inside ±rope reads :data:`EQUIVALENT`; NaN: none.
    """
    sizes = _shared_sizes(p_rows, e_rows)
    if not sizes:
        return [Claim(key, claim, "no training-set size measured by both sides", 0, INCONCLUSIVE, None)
                for key, claim in CLAIMS.items()]
    sign = 1.0 if higher_is_better else -1.0
    largest, smallest = sizes[-1], sizes[0]
    claims = []
    full = paired_effect(_values_at(p_rows, largest, "score"), _values_at(e_rows, largest, "score"), largest,
                         sign=sign)
    performance = _difference_text(full, metric)
    improvement, (imp_low, imp_high), _ = probability_of_improvement(
        _values_at(p_rows, largest, "score"), _values_at(e_rows, largest, "score"), sign)
    if math.isfinite(improvement):
        performance += f"; P(e2e run better) = {improvement:.2f} [{imp_low:.2f}, {imp_high:.2f}]"
    both = _two_level(p_rows[p_rows["train_size"] == largest], e_rows[e_rows["train_size"] == largest], sign)
    if both is not None:
        performance += (f"; seeds × {both.n_units} test units, paired two-level bootstrap (Bouthillier et al. "
                        f"2021): 95% CI [{both.ci[0]:+.3g}, {both.ci[1]:+.3g}], the test sample's share of the "
                        f"variance {both.test_share:.0%}")
    run_sizes = pd.concat([p_rows["train_size"], e_rows["train_size"]]).dropna().astype(float)
    if run_sizes.max() > largest:
        # an unfinished sweep of one side: the verdict is about a smaller size than the claim's
        performance += (f"; caution: the sides share sizes only up to n = {compact_number(largest)}, below the "
                        f"largest run (n = {compact_number(run_sizes.max())}), so this is not the full pool")
    if math.isfinite(rope):
        performance += f"; region of practical equivalence (ROPE) ±{rope:g}"
    claims.append(Claim("performance", CLAIMS["performance"], performance, full.n_seeds,
                        verdict(*full.ci, full.n_seeds, rope=rope), full))

    start = paired_effect(_values_at(p_rows, smallest, "score"), _values_at(e_rows, smallest, "score"), smallest,
                          sign=sign)
    evidence = [_difference_text(start, metric), f"crossover: {cross.describe()}"]
    if math.isfinite(cross.p_starts_worse):
        evidence.append(f"P(e2e starts worse) = {cross.p_starts_worse:.2f}, P(starts worse and finishes "
                        f"better) = {cross.p_starts_worse_finishes_better:.2f}")
    evidence.append(f"samples to {QUOTED_FRACTION:.0%} of best: pipeline {targets['pipeline'].describe()}, "
                    f"e2e {targets['e2e'].describe()}")
    gain = _gap_change(p_rows, e_rows, smallest, largest, sign)
    if len(sizes) < 2:
        evidence.append("only one shared size, so data requirements cannot be told from performance")
        data_verdict = INCONCLUSIVE
    else:
        low, high = gain.ci
        ci = f", 95% CI [{low:+.3g}, {high:+.3g}]" if math.isfinite(low) else ""
        evidence.insert(1, f"change of that difference from n = {compact_number(smallest)} to "
                           f"{compact_number(largest)}: {gain.mean:+.3g}{ci}")
        data_verdict = _data_verdict(start, gain)
    claims.append(Claim("data", CLAIMS["data"], "; ".join(evidence), min(start.n_seeds, gain.n_seeds),
                        data_verdict, start))

    fit = paired_effect(_values_at(p_rows, largest, "cost.fit_time_s"), _values_at(e_rows, largest, "cost.fit_time_s"),
                        largest, log_ratio=True)
    flops = [f"{side} train FLOPs {format_estimate(v.mean(), count=True) if v.notna().any() else 'not recorded'}"
             for side, v in (("pipeline", _values_at(p_rows, largest, "cost.train_flops")),
                             ("e2e", _values_at(e_rows, largest, "cost.train_flops")))]
    claims.append(Claim("training cost", CLAIMS["training cost"],
                        f"{_ratio_text(fit, 'fit time')}; {', '.join(flops)}", fit.n_seeds,
                        verdict(*fit.ci, fit.n_seeds), fit))

    latency = paired_effect(_values_at(p_rows, largest, "cost.latency_ms_per_sample"),
                            _values_at(e_rows, largest, "cost.latency_ms_per_sample"), largest, log_ratio=True)
    claims.append(Claim("inference cost", CLAIMS["inference cost"], _ratio_text(latency, "latency (ms/sample)"),
                        latency.n_seeds, verdict(*latency.ci, latency.n_seeds), latency))
    claims.append(robustness_claim(p_rows, e_rows, pd.concat([p_rows, e_rows]) if panel_rows is None else panel_rows,
                                   metric, higher_is_better, largest))
    claims.append(simplicity_claim(p_rows[p_rows["train_size"] == largest], e_rows[e_rows["train_size"] == largest]))
    return claims


def robustness_claim(p_rows: pd.DataFrame, e_rows: pd.DataFrame, fit_rows: pd.DataFrame, metric: str,
                     higher_is_better: bool, size: float) -> Claim:
    """"e2e is more robust": effective robustness (Taori et al. 2020), paired over seeds at the largest size
    where both sides recorded shifted test conditions for two or more paired seeds (else for one).

    The fit of shifted against clean score pools ``fit_rows``; each run's effective
    robustness is its shifted score minus the fit's prediction (signed so that > 0 is
    more robust), and the evidence is the paired difference e2e − pipeline, with its
    t-CI, beside the plain relative drop of each side.
    """
    scores = shift_scores(fit_rows, metric)
    seeds_at = {}
    for rows in (p_rows, e_rows):
        shifted = rows.loc[shift_scores(rows, metric).index]
        for n, group in shifted.groupby("train_size"):
            seeds_at.setdefault(n, []).append(set(group["seed"]))
    paired = {n: len(set.intersection(*sets)) for n, sets in seeds_at.items() if len(sets) == 2}
    if len(scores) < 3 or not paired:
        return Claim("robustness", CLAIMS["robustness"], "no shifted test conditions recorded (metric@severity=...)",
                     0, INCONCLUSIVE, None)
    # the largest size with two or more paired seeds, else the largest with any
    largest, size = size, max((n for n, k in paired.items() if k >= 2), default=max(paired))
    intercept, slope = linear_fit(scores)
    sign = 1.0 if higher_is_better else -1.0

    def effective(rows: pd.DataFrame) -> pd.Series:
        at = rows[rows["train_size"] == size]
        own = shift_scores(at, metric)
        return pd.Series(sign * (own["shifted"] - (intercept + slope * own["clean"])).to_numpy(),
                         index=at.loc[own.index, "seed"].to_numpy())

    effect = paired_effect(effective(p_rows), effective(e_rows), size)
    drops = []
    for side, rows in (("pipeline", p_rows), ("e2e", e_rows)):
        own = shift_scores(rows[rows["train_size"] == size], metric)
        drop = float((1 - own["shifted"] / own["clean"]).mean()) if len(own) else math.nan
        drops.append(f"{side} {'−' if higher_is_better else '+'}{abs(drop):.1%}" if math.isfinite(drop)
                     else f"{side} ?")
    low, high = effect.ci
    ci = f", 95% CI [{low:+.3g}, {high:+.3g}]" if math.isfinite(low) else ""
    evidence = (f"effective robustness e2e − pipeline (> 0: e2e more robust than its clean {metric} predicts) "
                f"at n = {compact_number(size)}: {effect.mean:+.3g}{ci}; {_p_text(effect)}; fit over "
                f"{len(scores)} runs: shifted = {intercept:.3g} + {slope:.3g} × clean; relative change under "
                f"shift: {', '.join(drops)}")
    if size < largest:
        evidence += (f"; caution: both sides recorded shifted conditions only up to n = {compact_number(size)}, "
                     f"below the largest shared size (n = {compact_number(largest)})")
    return Claim("robustness", CLAIMS["robustness"], evidence, effect.n_seeds,
                 verdict(*effect.ci, effect.n_seeds), effect)


def paired_by_size(p_rows: pd.DataFrame, e_rows: pd.DataFrame, sign: float) -> dict[float, TwoLevel]:
    """The two-level bootstrap of the paired difference at every size both sides measured with units.

    Sizes where no seed's two runs kept their units are left out.
    """
    out = {}
    for size in _shared_sizes(p_rows, e_rows):
        both = _two_level(p_rows[p_rows["train_size"] == size], e_rows[e_rows["train_size"] == size], sign)
        if both is not None:
            out[size] = both
    return out


def _two_level(p_rows: pd.DataFrame, e_rows: pd.DataFrame, sign: float) -> TwoLevel | None:
    """The two-level bootstrap of the paired difference, over the seeds whose two runs kept their units."""
    if "unit_scores.file" not in p_rows or "unit_scores.file" not in e_rows:
        return None
    units = []
    for rows in (p_rows, e_rows):
        found = {}
        for _, row in rows.dropna(subset=["unit_scores.file"]).iterrows():
            try:
                found[row["seed"]] = load_units(Path(row["path"]).parent / row["unit_scores.file"])
            except (OSError, ValueError, KeyError):
                continue  # a copied record without its units: that seed is left out
        units.append(found)
    seeds = sorted(set(units[0]) & set(units[1]))
    if not seeds:
        return None
    return two_level_difference([units[0][s] for s in seeds], [units[1][s] for s in seeds], sign)


def _first(rows: pd.DataFrame, column: str) -> float:
    values = pd.to_numeric(rows[column], errors="coerce").dropna() if column in rows else pd.Series(dtype=float)
    return float(values.iloc[0]) if len(values) else math.nan


def _problems(rows: pd.DataFrame) -> str:
    kinds = [(c.split(".")[-1], _first(rows, c)) for c in rows.columns if c.startswith("simplicity.problem_kinds.")]
    return ", ".join(f"{n:g} {kind}" for kind, n in sorted(kinds) if n > 0) or "none"


def simplicity_claim(p_rows: pd.DataFrame, e_rows: pd.DataFrame) -> Claim:
    """"e2e is simpler", from both sides' simplicity vectors at one training-set size.

    Supported when e2e has fewer components, no more optimisation problems and needs no
    more trials to reach 95% of its best (median over seeds); contradicted when it needs
    more trials or tunes more hyperparameters; inconclusive otherwise, with fewer than two
    paired seeds (one seed's tuning effort is one draw), and when a side's vector is missing.
    """
    paired = sorted(set(p_rows["seed"].dropna()) & set(e_rows["seed"].dropna()))
    keys = {"components": "simplicity.components", "problems": "simplicity.optimisation_problems",
            "tuned": "simplicity.hyperparameters.tuned", "fixed": "simplicity.hyperparameters.fixed",
            "lines": "simplicity.own_code.logical_lines", "cyclomatic": "simplicity.own_code.cyclomatic"}
    p = {k: _first(p_rows, c) for k, c in keys.items()}
    e = {k: _first(e_rows, c) for k, c in keys.items()}
    if any(math.isnan(v) for v in (p["components"], e["components"])):
        return Claim("simplicity", CLAIMS["simplicity"], "no simplicity vector recorded", len(paired), INCONCLUSIVE,
                     None)
    trials = {side: pd.to_numeric(rows.set_index("seed")["simplicity.trials_to_95"], errors="coerce").dropna()
              if "simplicity.trials_to_95" in rows else pd.Series(dtype=float)
              for side, rows in (("pipeline", p_rows), ("e2e", e_rows))}
    p_trials = float(trials["pipeline"].median()) if len(trials["pipeline"]) else math.nan
    e_trials = float(trials["e2e"].median()) if len(trials["e2e"]) else math.nan
    if len(paired) < 2:  # one seed's tuning effort is one draw
        result = INCONCLUSIVE
    elif e_trials > p_trials or e["tuned"] > p["tuned"]:
        result = CONTRADICTED
    elif e["components"] < p["components"] and e["problems"] <= p["problems"] and e_trials <= p_trials:
        result = SUPPORTED
    else:
        result = INCONCLUSIVE
    n = lambda v: "?" if math.isnan(v) else f"{v:g}"  # noqa: E731
    evidence = (f"pipeline vs e2e: components {n(p['components'])} vs {n(e['components'])}; optimisation problems "
                f"{n(p['problems'])} ({_problems(p_rows)}) vs {n(e['problems'])} ({_problems(e_rows)}); "
                f"hyperparameters tuned {n(p['tuned'])} vs {n(e['tuned'])}, fixed {n(p['fixed'])} vs {n(e['fixed'])}; "
                f"trials to {QUOTED_FRACTION:.0%} of the best (median over seeds, Dodge et al. 2019) "
                f"{n(p_trials)} vs {n(e_trials)}; own code {n(p['lines'])} vs {n(e['lines'])} logical lines, "
                f"cyclomatic {n(p['cyclomatic'])} vs {n(e['cyclomatic'])}")
    return Claim("simplicity", CLAIMS["simplicity"], evidence, len(paired), result, None)


CLAIMS = {
    "performance": "e2e performs better than the pipeline at the full pool (largest shared size)",
    "data": "e2e needs more labelled data (worse at the smallest shared size, gaining as data grows)",
    "training cost": "e2e costs more to train (fit time)",
    "inference cost": "e2e costs more at inference (latency)",
    "robustness": "e2e is more robust (under test conditions no side trained on, beyond what its clean score predicts)",
    "simplicity": "e2e is simpler (fewer stages and training problems, no more tuning)",
}
