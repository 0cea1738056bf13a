"""Input handling shared by the kinetics estimators: trajectories and discrete trajectories."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_array as sk_check_array

from scidl.utils import as_numpy

__all__ = ["as_trajectories", "as_dtrajs", "check_lagtime"]


def check_lagtime(lagtime, name="lagtime") -> int:
    """A lag time must be a positive int (in steps of the trajectory)."""
    if not isinstance(lagtime, numbers.Integral) or isinstance(lagtime, bool):
        raise TypeError(f"{name} must be a positive int (steps); got {lagtime!r}.")
    if lagtime < 1:
        raise ValueError(f"{name} must be >= 1; got {lagtime}.")
    return int(lagtime)


def _check_trajectory(x, name, allow_3d):
    x = as_numpy(x)
    arr = sk_check_array(
        x,
        accept_sparse=False,
        dtype=[np.float64, np.float32],
        ensure_2d=True,
        allow_nd=allow_3d,
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name=name,
    )
    if arr.ndim > 3:
        raise ValueError(
            f"Expected 2D (frames, features) or 3D (trajectories, frames, features) array for {name}; got {arr.ndim}D."
        )
    return arr


def trajectories_and_kind(X, *, name="X", n_features=None, owner="the estimator"):
    """Like :func:`as_trajectories`, also returning ``"list"``, ``"2d"`` or ``"3d"`` for the input."""
    # a list of 2D arrays is a list of trajectories; a list of rows (nested lists of
    # numbers) is one 2D array, as in scikit-learn
    if isinstance(X, list | tuple) and (len(X) == 0 or np.ndim(X[0]) >= 2):
        if len(X) == 0:
            raise ValueError(f"{name} is an empty list; expected at least one trajectory.")
        trajs = [_check_trajectory(x, f"{name}[{i}]", False) for i, x in enumerate(X)]
        kind = "list"
    else:
        arr = _check_trajectory(X, name, True)
        trajs = list(arr) if arr.ndim == 3 else [arr]
        kind = "3d" if arr.ndim == 3 else "2d"
    d = trajs[0].shape[1] if n_features is None else n_features
    for i, t in enumerate(trajs):
        if t.shape[1] != d:
            which = name if len(trajs) == 1 else f"{name}[{i}]"
            raise ValueError(
                f"{which} has {t.shape[1]} features, but {owner} is expecting {d} features as input."
            )
    return trajs, kind


def as_trajectories(X, *, name="X", n_features=None, owner="the estimator"):
    """Turn one trajectory ``(T, d)``, a list of them or a ``(n, T, d)`` array into a list.

    A list (or tuple) of 2D arrays is a list of trajectories; a nested list of numbers is
    one 2D array. Floating inputs keep their precision (float32 stays float32); integers and booleans
    become float64. Every trajectory is checked (scikit-learn's ``check_array``: dense,
    2D, numeric, finite, non-empty) and for the number of features.
    """
    return trajectories_and_kind(X, name=name, n_features=n_features, owner=owner)[0]


def as_dtrajs(dtrajs, *, name="dtrajs"):
    """Turn one discrete trajectory or a list of them into a list of int64 arrays >= 0."""
    if isinstance(dtrajs, np.ndarray) and dtrajs.ndim == 2:
        items = list(dtrajs)
    elif isinstance(dtrajs, list | tuple) and len(dtrajs) > 0 and np.ndim(dtrajs[0]) >= 1:
        items = list(dtrajs)
    else:
        items = [dtrajs]
    if len(items) == 0:
        raise ValueError(f"{name} is empty; expected at least one discrete trajectory.")
    out = []
    for i, d in enumerate(items):
        arr = np.asarray(d)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"{name}[{i}] must be a non-empty 1D array of state indices; got shape {arr.shape}."
            )
        if arr.dtype.kind == "f":
            if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
                raise ValueError(
                    f"{name}[{i}] must contain integer state indices; got non-integer values."
                )
        elif arr.dtype.kind not in "iub":
            raise TypeError(
                f"{name}[{i}] must contain integer state indices; got dtype {arr.dtype}."
            )
        arr = arr.astype(np.int64, copy=False)
        if arr.min() < 0:
            raise ValueError(
                f"{name}[{i}] contains negative state indices (min {arr.min()}); states must be >= 0."
            )
        out.append(arr)
    return out
