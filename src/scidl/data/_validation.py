"""Argument checks shared by the dataset generators and loaders.

Each helper validates one argument at the public boundary and raises a
``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, bad value)
whose message names the argument, what was expected and what was given.
They live inside :mod:`scidl.data` because this package must not import any
other scidl subpackage.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def _given(value) -> str:
    """Describe a rejected value for an error message: its repr and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_int(value, name: str, *, min_value: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise a clear error.

    Booleans are rejected even though ``bool`` subclasses ``int``: ``True``
    samples is far more likely a bug than a request for one sample.
    """
    expected = "an int" if min_value is None else f"an int >= {min_value}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}; got {_given(value)}.")
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be {expected}; got {value}.")
    return value


def check_float(
    value,
    name: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> float:
    """Return ``value`` as a finite Python float within the given bounds."""
    bounds = []
    if min_value is not None:
        bounds.append(f"{'>=' if min_inclusive else '>'} {min_value}")
    if max_value is not None:
        bounds.append(f"{'<=' if max_inclusive else '<'} {max_value}")
    expected = "a finite real number" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}; got {_given(value)}.")
    value = float(value)
    too_small = min_value is not None and (
        value < min_value or (not min_inclusive and value == min_value)
    )
    too_large = max_value is not None and (
        value > max_value or (not max_inclusive and value == max_value)
    )
    if not math.isfinite(value) or too_small or too_large:
        raise ValueError(f"{name} must be {expected}; got {value!r}.")
    return value


def check_bool(value, name: str) -> bool:
    """Return ``value`` if it is a bool (Python or NumPy), else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_given(value)}.")
    return bool(value)


def check_noise(value, name: str = "noise") -> float:
    """Return a noise standard deviation: a finite float >= 0."""
    return check_float(value, name, min_value=0.0)


def check_option(value, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of the allowed strings ``options``."""
    options = tuple(options)
    listed = ", ".join(repr(option) for option in options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}; got {_given(value)}.")
    if value not in options:
        raise ValueError(f"{name} must be one of {listed}; got {value!r}.")
    return value


def check_interval(value, name: str) -> tuple[float, float]:
    """Return ``value`` as a pair ``(low, high)`` of finite floats with low < high."""
    expected = "a pair (low, high) of finite numbers with low < high"
    try:
        low, high = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}; got {_given(value)}.") from None
    low = check_float(low, f"{name}[0]")
    high = check_float(high, f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must be {expected}; got ({low!r}, {high!r}).")
    return low, high


def check_finite_array(value, name: str, *, ndim: int, shape=None) -> np.ndarray:
    """Return ``value`` as a finite float64 array with ``ndim`` dimensions.

    ``shape`` may fix some axes: a tuple with ``None`` for free axes.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers; got {_given(value)}.") from None
    if array.ndim != ndim or (
        shape is not None
        and any(want is not None and got != want for got, want in zip(array.shape, shape))
    ):
        if shape is None:
            wanted = f"{ndim} dimension(s)"
        else:
            axes = ["n" if axis is None else str(axis) for axis in shape]
            wanted = f"shape ({', '.join(axes)}{',' if len(axes) == 1 else ''})"
        raise ValueError(f"{name} must be an array of {wanted}; got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers; got NaN or inf.")
    return array
