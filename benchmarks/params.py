"""Parameter checks declared once per class, in the manner of scikit-learn's ``_parameter_constraints``.

A class lists what each parameter may be, with scikit-learn's constraint objects
(``Interval``, ``StrOptions``, a type, ``None``, ``"boolean"``, ...), and calls
:func:`check_params` where the values are first used. The error names the key as
the user writes it in a config (``task.val_size=0 must be an int in the range
[1, inf)``), which scikit-learn's own ``validate_params`` cannot know.

One difference from scikit-learn: ``True`` and ``False`` are not integers here.
A YAML ``val_size: yes`` is a typo, not the number 1.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from sklearn.utils._param_validation import Interval, Options, StrOptions, make_constraint

from benchmarks.errors import ConfigError

__all__ = ["Interval", "Options", "StrOptions", "check_params", "positive_int", "satisfies"]


def positive_int(*, allow_none: bool = False) -> list:
    """The constraint list of an integer >= 1 (optionally ``None``)."""
    return [Interval(numbers.Integral, 1, None, closed="left")] + ([None] if allow_none else [])


def check_params(params: Mapping[str, Any] | object, constraints: Mapping[str, list], prefix: str = "") -> None:
    """Check ``params`` against ``constraints``; raise a ``ConfigError`` naming the first bad key.

    Args:
        params: a mapping of parameter values, or an object whose attributes hold them
            (an estimator, a task, a dataset loader).
        constraints: ``{name: [constraint, ...]}``; a value is valid when it satisfies
            any one of them (scikit-learn's rule). Names missing from ``params`` are skipped.
        prefix: how the config spells the owner, e.g. ``"task."`` or ``"dataset.loader."``.

    Raises:
        ConfigError: ``<prefix><name>=<value> must be <what the constraints allow>``.
    """
    get = params.get if isinstance(params, Mapping) else (lambda name, default: getattr(params, name, default))
    missing = object()
    for name, allowed in constraints.items():
        value = get(name, missing)
        if value is missing:
            continue
        if not satisfies(value, allowed):
            wanted = " or ".join("true or false" if c == "boolean" else str(make_constraint(c)) for c in allowed)
            raise ConfigError(f"{prefix}{name}={value!r} must be {wanted}")


def satisfies(value: Any, allowed: list) -> bool:
    """Whether ``value`` meets one of the constraints ``allowed`` (a bool meets only boolean ones)."""
    options = [make_constraint(c) for c in allowed]
    takes_bool = any(c == "boolean" for c in allowed) or any(isinstance(c, Options) and c.type is bool
                                                             for c in options)
    if isinstance(value, bool) and not takes_bool:
        return False
    return any(c.is_satisfied_by(value) for c in options)
