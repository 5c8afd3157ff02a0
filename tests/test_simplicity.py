"""The simplicity vector (benchmarks/simplicity.py), against hand counts."""

from __future__ import annotations

from omegaconf import OmegaConf

from benchmarks import registry
from benchmarks.simplicity import code_size, hyperparameters, simplicity


def _method(*overrides):
    return OmegaConf.to_container(registry.compose(list(overrides)).method, resolve=True)


def test_hog_svm_has_two_stages_one_convex_problem_and_two_tuned_hyperparameters():
    vector = simplicity(_method("task=image", "approach=pipeline"))
    # by hand: HOG (designed) -> linear SVM (a convex problem); the config declares hog cell_size and
    # n_bins, svm C, dual and max_iter; the grid tunes hog__cell_size and svm__C
    assert vector["components"] == 2
    assert [(s["name"], s["kind"], s["problem"]) for s in vector["stages"]] == [
        ("hog", "designed", None), ("svm", "learned", "convex")]
    assert vector["optimisation_problems"] == 1 and vector["problem_kinds"] == {"convex": 1}
    assert vector["hyperparameters"]["tuned_names"] == ["hog__cell_size", "svm__C"]
    assert vector["hyperparameters"]["fixed_names"] == ["hog__n_bins", "svm__dual", "svm__max_iter"]
    assert vector["own_code"]["classes"] == ["pipelines.hog.HOG"]


def test_cnn_is_one_learned_stage_with_lr_and_dropout_tuned():
    vector = simplicity(_method("task=image", "approach=e2e"))
    assert (vector["components"], vector["problem_kinds"]) == (1, {"SGD": 1})
    params = hyperparameters(_method("task=image", "approach=e2e"))
    # by hand: the grid tunes lr and dropout; batch size, patience and epochs are fixed
    assert params == {"tuned": ["dropout", "lr"], "fixed": ["batch_size", "patience", "trainer.max_epochs"]}
    assert code_size(["e2e_models.cnn.CNN", "e2e_models.estimator.LightningEstimator"])["classes"] == [
        "e2e_models.cnn.CNN"]


def test_dagger_solves_its_network_once_per_round_and_once_more():
    vector = simplicity(_method("task=driving", "approach=e2e", "method=pilotnet_dagger"))
    assert vector["components"] == 1 and vector["problem_kinds"] == {"SGD": 3}  # 2 rounds + the first fit
    hog_lbp = simplicity(_method("task=image", "approach=pipeline", "method=hog_lbp_svm"))
    assert [s["name"] for s in hog_lbp["stages"]] == ["features__hog", "features__lbp", "svm"]


def test_code_size_counts_statements_and_decision_points():
    size = code_size(["tests.test_simplicity._Probe"])
    # statements: class, def, if, return, return; McCabe: 1 + the if + the `and` = 3
    assert size == {"classes": ["tests.test_simplicity._Probe"], "logical_lines": 5, "cyclomatic": 3}


class _Probe:
    """A docstring is not a statement."""

    def f(self, a, b):
        if a and b:
            return 1
        return 0
