"""One-dimensional regression data: a known function plus Gaussian noise."""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.utils import Bunch

from ._rng import check_random_state
from ._validation import (
    _given,
    check_finite_array,
    check_float,
    check_int,
    check_interval,
    check_noise,
)

__all__ = ["harmonic_energy", "make_regression_1d"]

_FUNCTIONS = ("sin", "polynomial", "harmonic")

# Default polynomial x**3 - x (coefficients in increasing powers): it has a
# root at each end of the default range (-1, 1) and one in the middle, so a
# straight line fits it badly and a cubic fits it exactly.
_DEFAULT_COEF = (0.0, -1.0, 0.0, 1.0)


def harmonic_energy(x, k=1.0):
    """Potential energy of a harmonic spring, ``E(x) = k x**2 / 2``.

    Parameters
    ----------
    x : float or array-like
        Displacement(s) from the rest position.
    k : float, default=1.0
        Spring constant.

    Returns
    -------
    float or ndarray
        ``0.5 * k * x**2`` in float64, with the shape of ``x``.

    Notes
    -----
    Hooke's law: the force ``-k x`` is minus the derivative of this energy.
    It is the simplest potential-energy surface, used in the course to fit an
    energy from noisy samples.

    Examples
    --------
    >>> from scidl.data import harmonic_energy
    >>> harmonic_energy([0.0, 1.0, 2.0], k=2.0).tolist()
    [0.0, 1.0, 4.0]
    """
    k = check_float(k, "k")
    return 0.5 * k * np.square(np.asarray(x, dtype=np.float64))


def _sin(x):
    """``sin(pi x)``: one full period on the default range (-1, 1)."""
    return np.sin(np.pi * np.asarray(x, dtype=np.float64))


def _format_polynomial(coef) -> str:
    """Readable text for ``sum_j coef[j] x**j``, e.g. ``1 - 2 x^2``."""
    text = ""
    for power, c in enumerate(coef):
        if c == 0:
            continue
        monomial = {0: "", 1: "x"}.get(power, f"x^{power}")
        size = "" if abs(c) == 1 and power > 0 else f"{abs(c):g}"
        term = " ".join(part for part in (size, monomial) if part)
        if not text:
            text = ("-" if c < 0 else "") + term
        else:
            text += (" - " if c < 0 else " + ") + term
    return text or "0"


def _polynomial(coef):
    """Return ``x -> sum_j coef[j] x**j`` for a 1D array of coefficients."""

    def polynomial(x):
        return np.polynomial.polynomial.polyval(np.asarray(x, dtype=np.float64), coef)

    terms = _format_polynomial(coef)
    polynomial.__doc__ = f"The polynomial {terms}."
    return polynomial, f"polynomial {terms}"


def _harmonic(k):
    """Return ``x -> k x**2 / 2``."""

    def harmonic(x):
        return harmonic_energy(x, k=k)

    harmonic.__doc__ = f"Harmonic energy {k:g} x^2 / 2."
    return harmonic, f"harmonic energy {k:g} x^2 / 2"


def _resolve_function(function, coef, k):
    """Return ``(callable, text)`` for the ``function`` argument."""
    if coef is not None and function != "polynomial":
        raise ValueError(
            f"coef is only used with function='polynomial'; got coef={coef!r} "
            f"with function={function!r}."
        )
    if callable(function):
        name = getattr(function, "__name__", type(function).__name__)
        return function, f"user function {name}(x)"
    expected = "one of " + ", ".join(repr(name) for name in _FUNCTIONS) + " or a callable"
    if not isinstance(function, str):
        raise TypeError(f"function must be {expected}; got {_given(function)}.")
    if function not in _FUNCTIONS:
        raise ValueError(f"function must be {expected}; got {function!r}.")
    if function == "sin":
        return _sin, "sin(pi x)"
    if function == "polynomial":
        coef = _DEFAULT_COEF if coef is None else coef
        coef = check_finite_array(coef, "coef", ndim=1)
        if coef.size == 0:
            raise ValueError("coef must hold at least one coefficient; got an empty array.")
        return _polynomial(coef)
    return _harmonic(check_float(k, "k"))


def _n_test(test_size, n_samples):
    """Number of test samples for ``test_size`` (None, a fraction or a count)."""
    if test_size is None:
        return 0
    expected = "None, a float in (0, 1) or an int >= 1"
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be {expected}; got {_given(test_size)}.")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if n_test < 1:
            raise ValueError(f"test_size must be {expected}; got {n_test}.")
    else:
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size must be {expected}; got {test_size!r}.")
        n_test = math.ceil(test_size * n_samples)
    if n_test >= n_samples:
        raise ValueError(
            f"test_size={test_size!r} leaves no training data out of n_samples={n_samples}; "
            "use a smaller test_size or more samples."
        )
    return n_test


def make_regression_1d(
    function="sin",
    n_samples=50,
    *,
    noise=0.1,
    x_range=(-1.0, 1.0),
    coef=None,
    k=1.0,
    test_size=0.25,
    random_state=None,
):
    """Noisy samples ``y = f(x) + noise`` of a known function of one variable.

    Inputs ``x`` are drawn uniformly from ``x_range``; targets are ``f(x)``
    plus Gaussian noise of standard deviation ``noise``. The noiseless ``f``
    is returned too, so that a plot can show the truth next to a fit.

    Parameters
    ----------
    function : {"sin", "polynomial", "harmonic"} or callable, default="sin"
        The true function: ``"sin"`` is ``sin(pi x)``; ``"polynomial"`` is
        ``sum_j coef[j] x**j``; ``"harmonic"`` is the spring energy
        ``k x**2 / 2`` (see :func:`harmonic_energy`). A callable must map a
        1D float array to an array of the same shape.
    n_samples : int, default=50
        Total number of samples (train plus test), >= 1.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise on ``y``, >= 0.
    x_range : tuple of (float, float), default=(-1.0, 1.0)
        Interval ``(low, high)`` from which ``x`` is drawn uniformly.
    coef : array-like of shape (degree + 1,), default=None
        Polynomial coefficients in increasing powers of ``x``, for
        ``function="polynomial"`` only; ``None`` means ``x**3 - x``, i.e.
        ``(0, -1, 0, 1)``.
    k : float, default=1.0
        Spring constant for ``function="harmonic"``; ignored otherwise.
    test_size : float, int or None, default=0.25
        Fraction (in (0, 1), rounded up) or number of samples held out as a
        test set; ``None`` keeps every sample for training.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    data : sklearn.utils.Bunch
        With the fields

        - ``X`` : ndarray of shape (n_samples, 1), every input;
        - ``y`` : ndarray of shape (n_samples,), every target;
        - ``X_train``, ``y_train`` : the first ``n_samples - n_test`` rows;
        - ``X_test``, ``y_test`` : the other ``n_test`` rows (empty, with
          shapes (0, 1) and (0,), when ``test_size=None``);
        - ``function`` : the noiseless callable ``f``;
        - ``noise`` : the noise level, so ``noise**2`` is the smallest
          expected test mean squared error;
        - ``description`` : one line saying how the data were made.

        All arrays are float64.

    Notes
    -----
    Because the ``x`` are independent draws, the first rows form a random
    training set and the rest a random test set; no shuffle is needed. The
    rows are not sorted by ``x``: sort before drawing lines. The data are
    generated here; no licence applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_regression_1d
    >>> data = make_regression_1d("harmonic", 40, k=2.0, noise=0.0, random_state=0)
    >>> data.X_train.shape, data.y_train.shape, data.X_test.shape
    ((30, 1), (30,), (10, 1))
    >>> bool(np.allclose(data.y, data.X[:, 0] ** 2))
    True
    >>> data.description
    'y = harmonic energy 2 x^2 / 2 + N(0, 0^2) noise, x ~ U(-1, 1); 40 samples: 30 train, 10 test'
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    noise = check_noise(noise)
    low, high = check_interval(x_range, "x_range")
    truth, text = _resolve_function(function, coef, k)
    n_test = _n_test(test_size, n_samples)
    rng = check_random_state(random_state)

    x = rng.uniform(low, high, size=n_samples)
    clean = np.asarray(truth(x), dtype=np.float64)
    if clean.shape != x.shape:
        raise ValueError(
            f"function must map an array of shape {x.shape} to one of the same shape; "
            f"got shape {clean.shape}."
        )
    if not np.all(np.isfinite(clean)):
        raise ValueError(
            f"function must return finite values on x_range={(low, high)}; got NaN or inf."
        )
    y = clean + noise * rng.standard_normal(n_samples)
    X = x[:, None]

    n_train = n_samples - n_test
    description = (
        f"y = {text} + N(0, {noise:g}^2) noise, x ~ U({low:g}, {high:g}); "
        f"{n_samples} samples: {n_train} train, {n_test} test"
    )
    return Bunch(
        X=X,
        y=y,
        X_train=X[:n_train],
        y_train=y[:n_train],
        X_test=X[n_train:],
        y_test=y[n_train:],
        function=truth,
        noise=noise,
        description=description,
    )
