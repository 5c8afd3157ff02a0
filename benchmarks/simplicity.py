"""How simple a method is, as a vector, never one score (the seed's claim "e2e is simpler").

Computed from a resolved method config: by the runner into each record's
``simplicity`` section, and by the report for records made before it existed:

- ``stages``: the separately designed or separately trained stages. A scikit-learn
  pipeline's steps (a ``FeatureUnion``'s parts each count, and so do the configured
  parts a step's class lists in its ``components``), a fixed extractor such as
  HOG or MFCC as a *designed* stage; a network is one learned stage. Each stage class
  declares the training problem it solves in its ``optimisation`` attribute (``None``
  for designed, else ``"convex"``, ``"EM"``, ``"SGD"``, ``"closed form"`` or
  ``"closed-loop search"``); a wrapper that solves them again (DAgger retrains its
  network each round) names the config key that counts how often (``solves_base``).
- ``components`` and ``optimisation_problems``: how many stages, and how many training
  problems they solve, by kind.
- ``hyperparameters``: the names the method config declares (step and module
  arguments, the network's batch size, patience and epochs) and its grid tunes, split
  into ``tuned`` (a grid of two or more values) and ``fixed``.
- ``own_code``: logical lines (statements) and McCabe cyclomatic complexity of the
  classes the method config names, read with :mod:`inspect` and :mod:`ast`; shared
  infrastructure (the tuning wrappers, base classes, libraries) is left out. A line
  count rewards whatever a library hides, so it is reported beside the others, never alone.

The tuning effort after Dodge et al. 2019 ("Show Your Work", EMNLP) comes from the
record's trials and is computed by the report.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections import Counter
from typing import Any, Iterator, Mapping

__all__ = ["KNOWN_PROBLEMS", "code_size", "hyperparameters", "simplicity", "stages"]

#: the training problems of library learners, by class name (scikit-learn's own docs)
KNOWN_PROBLEMS = {
    "LinearSVC": "convex", "SVC": "convex", "LogisticRegression": "convex", "Ridge": "closed form",
    "RidgeClassifier": "closed form", "LinearRegression": "closed form", "SGDClassifier": "convex",
}
#: classes named by method configs that every method of an approach shares, and namespaces of libraries
SHARED = ("pipelines.tuned.", "e2e_models.estimator.", "sklearn.", "functools.")
#: estimator and trainer settings that say how a job runs, not how the method learns
NOT_HYPERPARAMETERS = {"_target_", "_partial_", "_convert_", "budget", "seed", "output_dir", "logger", "trainer",
                       "param_grid", "pipeline", "module", "steps", "transformer_list", "scoring"}
#: trainer settings that are the network's training hyperparameters
TRAINER_HYPERPARAMETERS = ("max_epochs",)


def stages(method: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A method's stages from its resolved config: ``[{"name", "kind": "designed"|"learned", "problem", "solved"}]``.

    A pipeline's steps (a ``FeatureUnion``'s parts each count) or a network's module;
    each class says what it solves in its ``optimisation`` attribute. A ``wrapper``
    whose class names ``solves_base`` (DAgger: ``"rounds"``) solves the learned stages
    once more per unit of that config key.
    """
    estimator = dict(method.get("estimator") or {})
    if estimator.get("pipeline"):
        # an assembly of components is not a stage of its own: its components are
        found = [_stage(name, step) for name, step in _config_steps(estimator["pipeline"].get("steps") or [])
                 if not getattr(_class(step["_target_"]), "components", ())]
    elif estimator.get("module"):
        module = estimator["module"]
        found = [_stage(module["_target_"].rpartition(".")[2], module)]
    else:
        raise ValueError(f"method {method.get('name')!r} has neither estimator.pipeline nor estimator.module")
    wrapper = method.get("wrapper") or {}
    key = getattr(_class(wrapper["_target_"]), "solves_base", None) if wrapper.get("_target_") else None
    if key is not None:
        found = [stage | {"solved": stage["solved"] * (1 + int(wrapper[key]))} if stage["kind"] == "learned"
                 else stage for stage in found]
    return found


def _class(target: str) -> type:
    module, _, name = target.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _stage(name: str, step: Mapping[str, Any]) -> dict[str, Any]:
    cls = _class(step["_target_"])
    problem = getattr(cls, "optimisation", KNOWN_PROBLEMS.get(cls.__name__, "unknown"))
    return {"name": name, "kind": "designed" if problem is None else "learned", "problem": problem, "solved": 1}


def hyperparameters(method: Mapping[str, Any]) -> dict[str, list[str]]:
    """The declared hyperparameters of a resolved method config, ``{"tuned": [...], "fixed": [...]}``.

    Names are the grid's (``hog__cell_size``, ``lr``) or dotted config paths for what the
    grid does not tune (``svm.C``, ``batch_size``, ``trainer.max_epochs``).
    """
    estimator = dict(method.get("estimator") or {})
    grid = dict(estimator.get("param_grid") or {})
    tuned = sorted(k for k, v in grid.items() if isinstance(v, (list, tuple)) and len(v) > 1)
    declared = set(grid) - set(tuned)
    declared |= {k for k in estimator if k not in NOT_HYPERPARAMETERS}
    module = dict(estimator.get("module") or {})
    declared |= {k for k in module if k not in NOT_HYPERPARAMETERS}
    for name, step in _config_steps((estimator.get("pipeline") or {}).get("steps") or []):
        declared |= {f"{name}__{k}" for k in step if k not in NOT_HYPERPARAMETERS}
    if "trainer" in estimator:
        declared |= {f"trainer.{k}" for k in TRAINER_HYPERPARAMETERS if k in (estimator["trainer"] or {})}
    wrapper = dict(method.get("wrapper") or {})
    declared |= {f"wrapper.{k}" for k in wrapper if k not in NOT_HYPERPARAMETERS | {"train_seed", "n_tracks"}}
    return {"tuned": tuned, "fixed": sorted(declared - set(tuned))}


def _config_steps(steps: list, prefix: str = "") -> Iterator[tuple[str, dict]]:
    """``(grid-style name, step config)`` of every leaf step of a pipeline config."""
    for name, step in steps:
        step = dict(step)
        parts = step.get("transformer_list")
        components = getattr(_class(step["_target_"]), "components", ()) if step.get("_target_") else ()
        if parts:
            yield from _config_steps(parts, f"{prefix}{name}__")
        elif components:
            # a step assembled from separately trained components (the phrase-based system)
            yield from _config_steps([(part, step[part]) for part in components if isinstance(step.get(part), dict)],
                                     f"{prefix}{name}__")
            yield f"{prefix}{name}", {k: v for k, v in step.items() if k not in components}
        else:
            yield f"{prefix}{name}", step


def code_size(targets: list[str]) -> dict[str, Any]:
    """Logical lines and cyclomatic complexity of the classes ``targets`` names (dotted paths).

    Shared infrastructure (:data:`SHARED`) is left out; a class is counted once.
    """
    own = sorted({t for t in targets if not t.startswith(SHARED)})
    lines = complexity = 0
    for target in own:
        tree = ast.parse(textwrap.dedent(inspect.getsource(_class(target))))
        lines += sum(isinstance(node, ast.stmt) and not _is_docstring(node) for node in ast.walk(tree))
        complexity += sum(_mccabe(f) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return {"classes": own, "logical_lines": lines, "cyclomatic": complexity}


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _mccabe(function: ast.AST) -> int:
    """McCabe's number of one function: 1 + its decision points (branches, loops, handlers, boolean operands)."""
    points = 0
    for node in ast.walk(function):
        if isinstance(node, (ast.If, ast.For, ast.While, ast.IfExp, ast.ExceptHandler, ast.AsyncFor, ast.Assert)):
            points += 1
        elif isinstance(node, ast.BoolOp):
            points += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            points += 1 + len(node.ifs)
    return 1 + points


def _targets(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        if isinstance(node.get("_target_"), str):
            yield node["_target_"]
        for value in node.values():
            yield from _targets(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _targets(value)


def simplicity(method: Mapping[str, Any]) -> dict[str, Any]:
    """The record's ``simplicity`` section of a resolved ``method`` config."""
    found = stages(method)
    problems = Counter()
    for stage in found:
        if stage["kind"] == "learned":
            problems[stage["problem"]] += stage["solved"]
    params = hyperparameters(method)
    return {
        "components": len(found),
        "stages": found,
        "optimisation_problems": sum(problems.values()),
        "problem_kinds": dict(sorted(problems.items())),
        "hyperparameters": {"tuned": len(params["tuned"]), "fixed": len(params["fixed"]), **{
            f"{k}_names": v for k, v in params.items()}},
        "own_code": code_size(list(_targets({k: method.get(k) for k in ("estimator", "wrapper")}))),
    }
