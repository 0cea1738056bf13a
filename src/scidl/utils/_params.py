"""Declarative hyperparameter checks, in the manner of scikit-learn's ``_parameter_constraints``.

Each estimator lists its hyperparameters with the constraints they obey; ``fit``
calls :func:`validate_params` once, so a wrong value fails before any work is
done, with a message that names the hyperparameter, what is expected and what
was given.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

__all__ = ["Interval", "Options", "InstanceOf", "parameter_constraints", "validate_params"]


@dataclass(frozen=True)
class Interval:
    """A real or integer interval; ``None`` bounds are open ends.

    Parameters
    ----------
    kind : type
        ``numbers.Integral`` or ``numbers.Real``; booleans never qualify.
    left, right : float or None
        The bounds; None leaves that end open (-inf or inf).
    closed : {"both", "left", "right", "neither"}, default "both"
        Which bounds belong to the interval.

    Attributes
    ----------
    kind, left, right, closed
        The fields above (the dataclass is frozen).

    Examples
    --------
    >>> import numbers
    >>> from scidl.utils import Interval
    >>> rate = Interval(numbers.Real, 0, 1, closed="right")
    >>> rate.is_satisfied_by(0.5), rate.is_satisfied_by(0.0), rate.is_satisfied_by(True)
    (True, False, False)
    >>> str(rate)
    'a float in the range (0, 1]'
    """

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
    """A fixed set of strings.

    Parameters
    ----------
    *values : str
        The accepted strings.

    Attributes
    ----------
    values : frozenset of str
        The accepted strings.

    Examples
    --------
    >>> from scidl.utils import Options
    >>> solver = Options("svd", "qr")
    >>> solver.is_satisfied_by("qr"), solver.is_satisfied_by("lu")
    (True, False)
    >>> str(solver)
    "one of 'qr', 'svd'"
    """

    values: frozenset

    def __init__(self, *values):
        object.__setattr__(self, "values", frozenset(values))

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, str) and value in self.values

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in sorted(self.values))


@dataclass(frozen=True)
class InstanceOf:
    """Any instance of the given type(s); ``callable`` accepts callables.

    A bool is not accepted as an ``int`` or a real number (``True`` is not a batch
    size), only where ``bool`` itself is listed.

    Parameters
    ----------
    *types : type, None or callable
        The accepted types; ``None`` accepts None, ``callable`` any callable.
    description : str, default ""
        What error messages say is expected; empty lists the types.

    Attributes
    ----------
    types : tuple
        The accepted types.
    description : str
        The description used in messages.

    Examples
    --------
    >>> from scidl.utils import InstanceOf
    >>> c = InstanceOf(int, None)
    >>> c.is_satisfied_by(3), c.is_satisfied_by(None), c.is_satisfied_by(True)
    (True, True, False)
    >>> str(c)
    'an instance of int or None'
    """

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


def parameter_constraints(cls) -> dict:
    """The hyperparameter constraints of ``cls``, merged along its class hierarchy.

    Every class may declare ``_parameter_constraints``, a dict from
    hyperparameter name to a list of constraints, for the hyperparameters it
    introduces (or whose constraints it changes). The merged table starts from
    the most basic class and lets each subclass add or override entries, so a
    neural estimator lists only its own hyperparameters and inherits the common
    ones (``lr``, ``batch_size``, ...) from its base.

    Tables of scikit-learn's own classes (a scidl estimator may subclass one, as
    :class:`scidl.unsupervised.DBSCAN` does) are left out: they use scikit-learn's
    constraint vocabulary (``"boolean"``, ``callable``, types) and scikit-learn checks
    them itself in ``fit``.

    Parameters
    ----------
    cls : type
        An estimator class (or instance).

    Returns
    -------
    dict
        Hyperparameter name -> list of constraints.

    Examples
    --------
    >>> import numbers
    >>> from scidl.utils import Interval, parameter_constraints
    >>> class Base:
    ...     _parameter_constraints = {"lr": [Interval(numbers.Real, 0, None)]}
    >>> class Child(Base):
    ...     _parameter_constraints = {"depth": [Interval(numbers.Integral, 1, None)]}
    >>> sorted(parameter_constraints(Child))
    ['depth', 'lr']
    """
    if not isinstance(cls, type):
        cls = type(cls)
    merged: dict = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.split(".")[0] == "sklearn":
            continue
        merged.update(klass.__dict__.get("_parameter_constraints", {}))
    return merged


def validate_params(estimator, constraints: dict | None = None) -> None:
    """Check every hyperparameter of ``estimator`` against its constraints.

    ``constraints`` maps a hyperparameter name to a list of acceptable
    constraints (``Interval``, ``Options``, ``InstanceOf`` or ``None`` for the
    value None). The value passes when any constraint accepts it. By default
    the constraints are the class's ``_parameter_constraints`` merged along its
    class hierarchy (:func:`parameter_constraints`), the one mechanism every
    scidl estimator uses.

    Parameters
    ----------
    estimator : object
        Anything with scikit-learn's ``get_params``.
    constraints : dict or None, default None
        An explicit table; None uses ``parameter_constraints(estimator)``.

    Returns
    -------
    None
        A failed check raises ``TypeError`` (wrong type) or ``ValueError``
        (right type, wrong value) naming the hyperparameter, what it must be
        and what was given.

    Examples
    --------
    >>> import numbers
    >>> from sklearn.base import BaseEstimator
    >>> from scidl.utils import Interval, validate_params
    >>> class Model(BaseEstimator):
    ...     _parameter_constraints = {"alpha": [Interval(numbers.Real, 0, None)]}
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    >>> validate_params(Model(alpha=0.5))
    >>> validate_params(Model(alpha=-1.0))
    Traceback (most recent call last):
    ...
    ValueError: The 'alpha' parameter of Model must be a float in the range [0, inf]; got -1.0.
    """
    if constraints is None:
        constraints = parameter_constraints(estimator)
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
            f"The {name!r} parameter of {type(estimator).__name__} must be {expected}; "
            f"got {value!r}."
        )
