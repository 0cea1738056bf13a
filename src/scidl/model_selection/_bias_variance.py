"""Bias-variance decomposition by refitting on resampled training sets."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch

__all__ = ["bias_variance_decomposition"]


def bias_variance_decomposition(
    estimator, function, X_train, X_test, *, noise, n_rounds=200, random_state=None
):
    """Estimate squared bias, variance and noise of a regressor.

    A known data-generating process ``y = f(x) + noise * eps`` (``eps`` standard
    normal) is sampled ``n_rounds`` times; each time a clone of ``estimator`` is
    fitted on a fresh training set and predicts at ``X_test``. With ``y_hat_r``
    the prediction of round ``r`` and ``y_bar`` their mean,

    - ``bias2    = mean_x (y_bar(x) - f(x))^2``
    - ``variance = mean_x mean_r (y_hat_r(x) - y_bar(x))^2``
    - ``noise    = noise^2``

    and the expected test error ``E[(y - y_hat)^2]`` is estimated independently
    from fresh noisy test labels in every round. In expectation
    ``bias2 + variance + noise = expected_error``; the Monte-Carlo estimates
    agree within a few ``expected_error_se`` (the standard error of the
    estimated error).

    Parameters
    ----------
    estimator : regressor
        Cloned for every round.
    function : callable
        ``f(X) -> (n_samples,)``, the noise-free target.
    X_train : array-like (n, d) or callable
        Inputs of the training sets: fixed (only the noise is resampled, the
        textbook "fixed design") or ``X_train(rng) -> array`` drawing new inputs.
    X_test : array-like (m, d)
        Inputs where the predictions are compared.
    noise : float
        Standard deviation of the additive Gaussian noise.
    n_rounds : int, default 200
        Number of training sets (at least 2).
    random_state : int or None
        Seed of the noise and of ``X_train(rng)``.

    Returns
    -------
    Bunch
        ``bias2, variance, noise, total (= bias2 + variance + noise),
        expected_error, expected_error_se, predictions (n_rounds, m),
        mean_prediction (m,), f_test (m,)``.

    Notes
    -----
    Geman, Bienenstock & Doursat (1992); Mehta et al. (2019), section 3.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import PolynomialFeatures, make_feature_regression
    >>> from scidl.model_selection import bias_variance_decomposition
    >>> x = np.linspace(-1, 1, 30)[:, None]
    >>> r = bias_variance_decomposition(make_feature_regression(PolynomialFeatures(3)),
    ...     lambda X: np.sin(3 * X[:, 0]), x, x, noise=0.3, n_rounds=100, random_state=0)
    >>> bool(abs(r.total - r.expected_error) < 4 * r.expected_error_se)
    True
    """
    n_rounds = int(n_rounds)
    if n_rounds < 2:
        raise ValueError(f"n_rounds must be >= 2; got {n_rounds}.")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0; got {noise!r}.")
    rng = np.random.default_rng(random_state)
    X_test = np.asarray(X_test, dtype=float)
    f_test = np.asarray(function(X_test), dtype=float).reshape(-1)
    predictions = np.empty((n_rounds, len(X_test)))
    errors = np.empty(n_rounds)
    for r in range(n_rounds):
        X = np.asarray(X_train(rng) if callable(X_train) else X_train, dtype=float)
        y = np.asarray(function(X), dtype=float).reshape(-1) + noise * rng.standard_normal(len(X))
        predictions[r] = np.asarray(clone(estimator).fit(X, y).predict(X_test)).reshape(-1)
        y_test = f_test + noise * rng.standard_normal(len(f_test))
        errors[r] = np.mean((y_test - predictions[r]) ** 2)
    mean_prediction = predictions.mean(axis=0)
    bias2 = float(np.mean((mean_prediction - f_test) ** 2))
    variance = float(np.mean(predictions.var(axis=0)))
    noise2 = float(noise) ** 2
    return Bunch(
        bias2=bias2,
        variance=variance,
        noise=noise2,
        total=bias2 + variance + noise2,
        expected_error=float(errors.mean()),
        expected_error_se=float(errors.std(ddof=1) / np.sqrt(n_rounds)),
        predictions=predictions,
        mean_prediction=mean_prediction,
        f_test=f_test,
    )
