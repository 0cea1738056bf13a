"""Input validation shared by every public entry point.

All checks live here so that every estimator rejects bad input the same way:
a ``ValueError`` or ``TypeError`` that names the argument, says what was
expected and what was given.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import scipy.sparse
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted as _sk_check_is_fitted
from sklearn.utils.validation import validate_data as _sk_validate_data

__all__ = [
    "as_numpy",
    "check_array",
    "check_fitted",
    "check_option",
    "validate_data",
    "NotFittedError",
]


def as_numpy(x):
    """Return ``x`` as something NumPy understands, detaching torch tensors.

    Lists, tuples, pandas objects and NumPy arrays pass through unchanged (they
    are converted later by :func:`check_array`); a torch tensor is moved to the
    CPU and viewed as a NumPy array without a copy when possible.

    Parameters
    ----------
    x : object
        Anything; only torch tensors are converted.

    Returns
    -------
    object
        ``x`` itself, or the tensor's values as a ``numpy.ndarray``.

    Examples
    --------
    >>> import torch
    >>> from scidl.utils import as_numpy
    >>> as_numpy(torch.tensor([1.0, 2.0]))
    array([1., 2.], dtype=float32)
    >>> as_numpy([1, 2])
    [1, 2]
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a hard dependency
        return x
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return x


def check_array(x, *, name="X", ndim=2, dtype="numeric", allow_nan=False, min_samples=1):
    """Validate one array argument and return it as a NumPy array.

    Parameters
    ----------
    x : array-like or torch.Tensor
        The input.
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int
        The accepted numbers of dimensions.
    dtype : "numeric" or numpy dtype or None
        ``"numeric"`` accepts any real numeric input (booleans and integers are
        converted to float64, floating inputs keep their precision).
    allow_nan : bool
        Whether NaN and infinite entries are accepted.
    min_samples : int
        Minimum length of the first axis.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> from scidl.utils import check_array
    >>> check_array([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_array([1.0, float("nan")], ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: Input X contains NaN or infinity; expected finite values.
    """
    x = as_numpy(x)
    if isinstance(x, str) or x is None:
        raise TypeError(f"{name} must be array-like; got {type(x).__name__}.")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc
    ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in ndims:
        expected = " or ".join(f"{d}D" for d in ndims)
        hint = (
            " Reshape your data with X.reshape(-1, 1) for a single feature."
            if 2 in ndims and arr.ndim == 1
            else ""
        )
        raise ValueError(
            f"Expected {expected} array for {name}, got {arr.ndim}D array of shape "
            f"{arr.shape}.{hint}"
        )
    if dtype == "numeric":
        if np.iscomplexobj(arr):
            raise ValueError(f"Complex data not supported for {name}; expected real numbers.")
        if arr.dtype.kind not in "fiub":
            arr = _to_float(arr, name)
        elif arr.dtype.kind in "iub":
            arr = arr.astype(np.float64)
    elif dtype is not None:
        if arr.dtype.kind not in "fiub":
            arr = _to_float(arr, name)
        arr = arr.astype(dtype, copy=False)
    if arr.ndim >= 1 and arr.shape[0] < min_samples:
        raise ValueError(
            f"Found array with {arr.shape[0]} sample(s) (shape={arr.shape}) for {name} "
            f"while a minimum of {min_samples} is required."
        )
    # The sum is finite only if every entry is (barring overflow, which falls
    # through to the elementwise test): one pass and no boolean temporary.
    if (
        not allow_nan
        and arr.dtype.kind == "f"
        and not np.isfinite(arr.sum())
        and not np.isfinite(arr).all()
    ):
        raise ValueError(f"Input {name} contains NaN or infinity; expected finite values.")
    return arr


def _named_precheck(x, name, *, ndim, allow_strings, allow_nan):
    """Shape, emptiness and string checks whose messages name the argument.

    scikit-learn's messages (which :func:`validate_data` passes on for the rest)
    do not always say which argument is wrong ("Found array with dim 3").
    """
    if x is None or scipy.sparse.issparse(x):
        return None, None
    arr = check_array(x, name=name, ndim=ndim, dtype=None, allow_nan=allow_nan)
    if arr.dtype.kind in "SUO" and not allow_strings:
        # Object arrays of numbers are fine (scikit-learn converts them); anything else
        # fails here with the argument's name instead of NumPy's bare message.
        _to_float(arr, name)
    return arr.shape[0], arr.dtype


def _to_float(arr, name):
    """``arr`` as float64, or an error naming ``name`` (ValueError or TypeError as NumPy's).

    NumPy says "could not convert string to float: 'x'" (ValueError) or "float() argument
    must be a string or a real number, not 'dict'" (TypeError) without naming the
    argument; the message here starts with it and keeps NumPy's reason.
    """
    try:
        return arr.astype(np.float64)
    except (ValueError, TypeError) as exc:
        raise type(exc)(
            f"{name} must contain numbers (convertible to float64); got dtype {arr.dtype}: {exc}."
        ) from exc


def _keeps_dtype(dtype, requested):
    """Whether scikit-learn's conversion to ``requested`` leaves a ``dtype`` array as it is."""
    if requested is None or (isinstance(requested, str) and requested == "numeric"):
        return True
    if isinstance(requested, (list, tuple)):
        return any(np.dtype(r) == dtype for r in requested)
    return np.dtype(requested) == dtype


def validate_data(estimator, X="no_validation", y="no_validation", *, reset=True, **kwargs):
    """Validate ``X`` (and ``y``) for ``estimator`` and record ``n_features_in_``.

    The one place where estimators check their data. Named checks run first
    (dimensionality, empty input, strings, equal numbers of samples in ``X`` and
    ``y``); then scikit-learn's ``validate_data`` rejects NaN/inf, complex,
    object and sparse data, converts dtypes, and checks the number of features
    against the fitted ``n_features_in_``. Torch tensors, lists, pandas objects
    and read-only memory maps are accepted.

    Parameters
    ----------
    estimator : BaseEstimator
        The estimator the data are for (``n_features_in_`` is set or checked on it).
    X, y : array-like or "no_validation", default "no_validation"
        The data; "no_validation" skips that argument.
    reset : bool, default True
        True in ``fit`` (record ``n_features_in_``), False in ``predict``/``transform``
        (check the number of features against it).
    **kwargs
        Passed to scikit-learn's ``validate_data`` (``dtype``, ``ensure_2d``,
        ``allow_nd``, ``ensure_all_finite``, ``y_numeric``, ...).

    Returns
    -------
    X, y or (X, y)
        The validated arrays, as scikit-learn's ``validate_data`` returns them.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from scidl.utils import validate_data
    >>> est = BaseEstimator()
    >>> X, y = validate_data(est, [[1, 2], [3, 4]], [0, 1])
    >>> X.shape, est.n_features_in_
    ((2, 2), 2)
    >>> validate_data(est, [["a", "b"]])
    Traceback (most recent call last):
    ...
    ValueError: X must contain numbers (convertible to float64); got dtype <U1: could not ...
    >>> validate_data(est, [[1, 2], [3, 4]], [0])
    Traceback (most recent call last):
    ...
    ValueError: X and y must have the same number of samples; got 2 rows in X and 1 in y.
    """
    X = as_numpy(X) if not isinstance(X, str) else X
    y = as_numpy(y) if not isinstance(y, str) else y
    n_x = n_y = None
    if not (isinstance(X, str) and X == "no_validation"):
        if kwargs.get("allow_nd"):
            x_ndim = tuple(range(2, 33))
        elif kwargs.get("ensure_2d", True):
            x_ndim = 2
        else:
            x_ndim = (1, 2)
        allow_nan = kwargs.get("ensure_all_finite", True) is not True
        n_x, x_dtype = _named_precheck(
            X, "X", ndim=x_ndim, allow_strings=False, allow_nan=allow_nan
        )
        if (
            not allow_nan
            and x_dtype is not None
            and x_dtype.kind == "f"
            and _keeps_dtype(x_dtype, kwargs.get("dtype", "numeric"))
        ):
            kwargs["ensure_all_finite"] = (
                False  # just checked, and no conversion can overflow: skip the second pass
            )
    if y is not None and not (isinstance(y, str) and y == "no_validation"):
        n_y, _ = _named_precheck(
            y, "y", ndim=(1, 2), allow_strings=not kwargs.get("y_numeric", False), allow_nan=False
        )
    if n_x is not None and n_y is not None and n_x != n_y:
        raise ValueError(
            f"X and y must have the same number of samples; got {n_x} rows in X and {n_y} in y."
        )
    return _sk_validate_data(estimator, X, y, reset=reset, **kwargs)


def check_option(value, name, options):
    """Check that ``value`` is one of the strings in ``options``.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        The argument's name, used in error messages.
    options : collection of str
        The accepted strings.

    Returns
    -------
    str
        ``value``.

    Examples
    --------
    >>> from scidl.utils import check_option
    >>> check_option("adam", "optimizer", ["sgd", "adam"])
    'adam'
    >>> check_option("adma", "optimizer", ["sgd", "adam"])
    Traceback (most recent call last):
    ...
    ValueError: optimizer must be one of 'adam', 'sgd'; got 'adma'.
    """
    opts = sorted(options)
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string, one of {', '.join(map(repr, opts))}; "
            f"got {value!r} of type {type(value).__name__}."
        )
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, opts))}; got {value!r}.")
    return value


def check_fitted(estimator, attributes=None):
    """Raise :class:`NotFittedError` naming the estimator when it is not fitted.

    Parameters
    ----------
    estimator : BaseEstimator
        The estimator to check.
    attributes : str or list of str or None, default None
        Attributes that must exist; None looks for any attribute ending in "_".

    Returns
    -------
    None

    Examples
    --------
    >>> from scidl.linear import LeastSquaresRegressor
    >>> from scidl.utils import check_fitted
    >>> check_fitted(LeastSquaresRegressor())
    Traceback (most recent call last):
    ...
    sklearn.exceptions.NotFittedError: This LeastSquaresRegressor instance is not fitted yet...
    """
    _sk_check_is_fitted(estimator, attributes)


def _is_int(x):
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def check_int_sequence(value, name, *, min_value=1, allow_empty=True) -> tuple[int, ...]:
    """Check a sequence of integers such as ``hidden_sizes``.

    Parameters
    ----------
    value : int or iterable of int
        The sequence; a single int stands for a one-element sequence.
    name : str
        The argument's name, used in error messages.
    min_value : int, default 1
        The smallest accepted entry.
    allow_empty : bool, default True
        Whether an empty sequence is accepted.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> from scidl.utils import check_int_sequence
    >>> check_int_sequence([64, 32], "hidden_sizes")
    (64, 32)
    >>> check_int_sequence(8, "hidden_sizes")
    (8,)
    >>> check_int_sequence([64, 0], "hidden_sizes")
    Traceback (most recent call last):
    ...
    ValueError: hidden_sizes must contain integers >= 1; got [64, 0].
    """
    if _is_int(value):
        value = (value,)
    if not isinstance(value, Iterable) or isinstance(value, str):
        raise TypeError(f"{name} must be a sequence of integers; got {value!r}.")
    out = tuple(value)
    if not allow_empty and not out:
        raise ValueError(f"{name} must not be empty.")
    for v in out:
        if not _is_int(v) or v < min_value:
            raise ValueError(f"{name} must contain integers >= {min_value}; got {value!r}.")
    return tuple(int(v) for v in out)
