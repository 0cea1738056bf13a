"""Declarative hyperparameter checks, in the manner of scikit-learn's ``_parameter_constraints``.

Each estimator lists its hyperparameters with the constraints they obey; ``fit``
calls :func:`validate_params` once, so a wrong value fails before any work is
done, with a message that names the hyperparameter, what is expected and what
was given.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

__all__ = ["Interval", "Options", "InstanceOf", "validate_params"]


@dataclass(frozen=True)
class Interval:
    """A real or integer interval; ``None`` bounds are open ends."""

    kind: type  # numbers.Integral or numbers.Real
    left: float | None
    right: float | None
    closed: str = "both"  # "both", "left", "right", "neither"

    def is_satisfied_by(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        if self.kind is numbers.Real and value != value:  # NaN
            return False
        if self.left is not None:
            if value < self.left or (value == self.left and self.closed in ("right", "neither")):
                return False
        if self.right is not None:
            if value > self.right or (value == self.right and self.closed in ("left", "neither")):
                return False
        return True

    def __str__(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        lb = "[" if self.closed in ("both", "left") else "("
        rb = "]" if self.closed in ("both", "right") else ")"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        return f"{kind} in the range {lb}{left}, {right}{rb}"


@dataclass(frozen=True)
class Options:
    """A fixed set of strings."""

    values: frozenset

    def __init__(self, *values):
        object.__setattr__(self, "values", frozenset(values))

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, str) and value in self.values

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in sorted(self.values))


@dataclass(frozen=True)
class InstanceOf:
    """Any instance of the given type(s); ``callable`` accepts callables."""

    types: tuple
    description: str = ""

    def __init__(self, *types, description=""):
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "description", description)

    def is_satisfied_by(self, value) -> bool:
        for t in self.types:
            if t is callable:
                if callable(value):
                    return True
            elif t is None:
                if value is None:
                    return True
            elif isinstance(value, t) and not (
                t is not bool
                and isinstance(value, bool)
                and t in (int, numbers.Integral, numbers.Real)
            ):
                return True
        return False

    def __str__(self) -> str:
        if self.description:
            return self.description
        names = [
            "None"
            if t is None
            else "a callable"
            if t is callable
            else f"an instance of {t.__name__}"
            for t in self.types
        ]
        return " or ".join(names)


def validate_params(estimator, constraints: dict) -> None:
    """Check every hyperparameter of ``estimator`` against ``constraints``.

    ``constraints`` maps a hyperparameter name to a list of acceptable
    constraints (``Interval``, ``Options``, ``InstanceOf`` or ``None`` for the
    value None). The value passes when any constraint accepts it.
    """
    params = estimator.get_params(deep=False)
    for name, allowed in constraints.items():
        value = params[name]
        ok = any(
            (c is None and value is None) or (c is not None and c.is_satisfied_by(value))
            for c in allowed
        )
        if ok:
            continue
        expected = " or ".join("None" if c is None else str(c) for c in allowed)
        is_type_problem = all(
            isinstance(c, Interval)
            and (not isinstance(value, numbers.Real) or isinstance(value, bool))
            or isinstance(c, InstanceOf)
            for c in allowed
            if c is not None
        )
        exc = TypeError if is_type_problem else ValueError
        raise exc(
            f"The {name!r} parameter of {type(estimator).__name__} must be {expected}; got {value!r}."
        )
