"""Input handling shared by the kinetics estimators: trajectories and discrete trajectories."""

from __future__ import annotations

import numbers
import re

import numpy as np
import scipy.sparse
from sklearn.utils import check_array as sk_check_array

from scidl.utils import as_numpy

__all__ = [
    "as_trajectories",
    "as_dtrajs",
    "check_count_matrix",
    "check_int",
    "check_lagtime",
    "dtrajs_and_kind",
]


def check_int(value, name, minimum, *, allow_none=False):
    """An int ``>= minimum`` (``None`` too with ``allow_none``), returned as a Python int.

    A value of another type (a float, a bool, a string) raises ``TypeError``; an int
    below ``minimum`` raises ``ValueError``; both name the argument.
    """
    expected = f"{'None or ' if allow_none else ''}an int >= {minimum}"
    if value is None and allow_none:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be {expected}; got {value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be {expected}; got {value}.")
    return int(value)


def check_lagtime(lagtime, name="lagtime") -> int:
    """A lag time must be an int ``>= 1`` (in steps of the trajectory)."""
    return check_int(lagtime, name, 1)


def check_count_matrix(count_matrix, name="count_matrix"):
    """A non-empty square matrix of finite, non-negative counts, as float64."""
    if scipy.sparse.issparse(count_matrix):
        raise TypeError(f"{name} is a sparse matrix; pass a dense array of counts.")
    try:
        C = np.asarray(as_numpy(count_matrix), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric matrix of counts; {exc}.") from exc
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"{name} must be a non-empty square matrix; got shape {C.shape}.")
    if not np.isfinite(C).all():
        raise ValueError(f"{name} contains NaN or infinity; counts must be finite.")
    if (C < 0).any():
        raise ValueError(
            f"{name} has negative entries (min {float(C.min())}); counts must be non-negative."
        )
    return C


def _check_trajectory(x, name, allow_3d):
    x = as_numpy(x)
    try:
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
    except (TypeError, ValueError) as exc:
        # scikit-learn names the argument only in some of its messages
        if re.search(rf"(?<![\w\[]){re.escape(name)}(?![\w])", str(exc)):
            raise
        raise type(exc)(f"{name}: {exc}") from exc
    if arr.ndim > 3:
        raise ValueError(
            "Expected 2D (frames, features) or 3D (trajectories, frames, features) array for "
            f"{name}; got {arr.ndim}D."
        )
    return arr


def trajectories_and_kind(X, *, name="X", n_features=None, owner="the estimator"):
    """Like :func:`as_trajectories`, also returning ``"list"``, ``"2d"`` or ``"3d"``.

    The kind says how the input was laid out, so that a transform can answer in it.
    """
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
                f"{which} has {t.shape[1]} features, but {owner} is expecting {d} features as "
                "input."
            )
    return trajs, kind


def as_trajectories(X, *, name="X", n_features=None, owner="the estimator"):
    """Turn one trajectory ``(T, d)``, a list of them or a ``(n, T, d)`` array into a list.

    A list (or tuple) of 2D arrays is a list of trajectories; a nested list of numbers is
    one 2D array. Floating inputs keep their precision (float32 stays float32); integers and
    booleans become float64. Every trajectory is checked (scikit-learn's ``check_array``: dense,
    2D, numeric, finite, non-empty) and for the number of features.
    """
    return trajectories_and_kind(X, name=name, n_features=n_features, owner=owner)[0]


def dtrajs_and_kind(dtrajs, *, name="dtrajs"):
    """Like :func:`as_dtrajs`, also returning how the input was laid out.

    The kind is ``"1d"`` (one trajectory), ``"column"`` (one trajectory as an
    ``(n_frames, 1)`` column), ``"2d"`` (a ``(n_trajectories, n_frames)`` stack) or
    ``"list"`` (a list or tuple of trajectories), so that a transform can answer in the
    layout it was given.
    """
    if scipy.sparse.issparse(dtrajs):
        raise TypeError(
            f"{name} is a sparse matrix; sparse input is not supported: pass a dense array "
            "of state labels (or a list of them)."
        )
    if isinstance(dtrajs, list | tuple) and len(dtrajs) == 0:
        raise ValueError(f"{name} is an empty list; expected at least one discrete trajectory.")
    if isinstance(dtrajs, list | tuple) and np.ndim(dtrajs[0]) >= 1:
        items, kind = list(dtrajs), "list"
    else:
        arr = np.asarray(as_numpy(dtrajs))
        if arr.ndim == 2 and arr.shape[0] == 0:
            raise ValueError(
                f"{name} must hold at least one discrete trajectory; got shape {arr.shape}."
            )
        if arr.ndim == 2 and arr.shape[1] == 0:
            raise ValueError(
                f"{name} has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required: "
                "each row is a trajectory and needs at least one frame."
            )
        if arr.ndim == 2 and arr.shape[1] == 1:
            # a column of labels, as scikit-learn pipelines pass one feature: one trajectory
            # (read as a stack it would be n one-frame trajectories, with no transitions)
            items, kind = [arr[:, 0]], "column"
        elif arr.ndim == 2:
            items, kind = list(arr), "2d"
        else:
            items, kind = [arr], "1d"
    several = kind in ("list", "2d")
    names = [f"{name}[{i}]" if several else name for i in range(len(items))]
    return [_check_dtraj(d, n) for d, n in zip(items, names, strict=True)], kind


_INT64_LIMIT = 2**63


def _check_dtraj(d, name):
    """One discrete trajectory as int64 labels in ``[0, 2**63)``, or a clear error."""
    if scipy.sparse.issparse(d):
        raise TypeError(f"{name} is a sparse matrix; sparse input is not supported.")
    arr = np.asarray(as_numpy(d))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1D array of state labels; got shape {arr.shape}."
        )
    if arr.dtype.kind == "O":
        if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr):
            # Python ints, possibly beyond int64
            low, high = min(arr), max(arr)
            _check_label_range(low, high, name)
            return np.array(arr.tolist(), dtype=np.int64)
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must contain integer state labels; {exc}.") from exc
    if arr.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} must contain integer state labels; got dtype "
            f"{arr.dtype}."
        )
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or inf; state labels must be finite integers.")
        if (arr != np.round(arr)).any():
            raise ValueError(
                f"{name} must contain integer state labels; got non-integer values such as "
                f"{float(arr[arr != np.round(arr)][0])!r}."
            )
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{name} must contain integer state labels; got dtype {arr.dtype}.")
    if arr.dtype.kind != "b":
        _check_label_range(arr.min(), arr.max(), name)
    return arr.astype(np.int64, copy=False)


def _check_label_range(low, high, name):
    if low < 0:
        raise ValueError(
            f"Negative values in data passed to {name} (min {low}); state labels must be >= 0."
        )
    if high >= _INT64_LIMIT:
        raise ValueError(
            f"{name} contains the state label {high}; state labels must be below 2**63."
        )


def as_dtrajs(dtrajs, *, name="dtrajs"):
    """Turn one discrete trajectory or several into a list of int64 arrays of labels >= 0.

    Accepted layouts: a 1D array of state labels (one trajectory); an ``(n_frames, 1)``
    column (one trajectory, as a scikit-learn pipeline passes one feature); an
    ``(n_trajectories, n_frames)`` array (one trajectory per row); a list or tuple of
    1D arrays. Labels are integers (integer-valued floats are accepted) in
    ``[0, 2**63)``; they need not be contiguous. Empty trajectories, negative,
    non-integer and non-finite labels raise ``ValueError``, non-numeric ones
    ``TypeError``, each naming the trajectory (``dtrajs[i]``).
    """
    return dtrajs_and_kind(dtrajs, name=name)[0]
