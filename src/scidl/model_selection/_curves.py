"""Training and test error against model complexity and training-set size.

Thin layers over scikit-learn's ``validation_curve`` and ``learning_curve``
that turn scores into errors; the lecture's figures of them are
:func:`scidl.plot.plot_complexity_curve` and :func:`scidl.plot.plot_learning_curve`.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import learning_curve, validation_curve
from sklearn.utils import Bunch

from scidl.utils import check_array

__all__ = ["complexity_curve", "learning_curve_errors"]


def _check_X_y(X, y):
    """Finite numeric ``X`` of shape (n_samples, n_features) and ``y`` of the same length."""
    X = check_array(X, name="X", ndim=2)
    y = check_array(y, name="y", ndim=1, dtype=None)
    if len(y) != len(X):
        raise ValueError(f"X and y must have the same length; got {len(X)} and {len(y)}.")
    return X, y


def complexity_curve(
    estimator, X, y, param_name, param_range, *, cv=5, scoring="neg_mean_squared_error", n_jobs=None
):
    """Training and cross-validated test error for each value of one hyperparameter.

    The U-shaped curve of the lecture: with growing complexity (polynomial
    degree, network width, smaller ridge strength) the training error keeps
    falling while the test error first falls (less bias) and then rises (more
    variance). Uses :func:`sklearn.model_selection.validation_curve`.

    Parameters
    ----------
    estimator : estimator
        Cloned and fitted on each fold for each value.
    X : array-like of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,)
        Targets.
    param_name : str
        The hyperparameter to vary (``"step__name"`` inside a pipeline).
    param_range : sequence
        Its values.
    cv : int or cross-validation splitter, default 5
        As in :func:`sklearn.model_selection.validation_curve`.
    scoring : str or callable, default "neg_mean_squared_error"
        A score (higher is better); the error is its negative.
    n_jobs : int or None
        Parallel fits (scikit-learn's ``n_jobs``).

    Returns
    -------
    Bunch
        ``param_name, param_range, train_error, test_error`` (means over the
        folds), ``train_error_std, test_error_std`` and ``best`` (the value with
        the smallest test error).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import PolynomialFeatures, make_feature_regression
    >>> from scidl.model_selection import complexity_curve
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, (60, 1)); y = x[:, 0] ** 3 - x[:, 0] + 0.1 * rng.normal(size=60)
    >>> c = complexity_curve(make_feature_regression(PolynomialFeatures()), x, y,
    ...                      "features__degree", [1, 3, 15])
    >>> int(c.best)
    3
    """
    X, y = _check_X_y(X, y)
    train, test = validation_curve(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=param_range,
        cv=cv,
        scoring=scoring,
        n_jobs=n_jobs,
        error_score="raise",  # a failed fit is an error, never a silent NaN on the curve
    )
    train_error, test_error = -train, -test
    best = list(param_range)[int(np.argmin(test_error.mean(axis=1)))]
    return Bunch(
        param_name=param_name,
        param_range=list(param_range),
        train_error=train_error.mean(axis=1),
        test_error=test_error.mean(axis=1),
        train_error_std=train_error.std(axis=1),
        test_error_std=test_error.std(axis=1),
        best=best,
    )


def learning_curve_errors(
    estimator,
    X,
    y,
    *,
    train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0),
    cv=5,
    scoring="neg_mean_squared_error",
    random_state=None,
):
    """Training and test error against the number of training samples.

    A layer over :func:`sklearn.model_selection.learning_curve`. The samples
    are shuffled before the folds are cut.

    Parameters
    ----------
    estimator : estimator
        Cloned and fitted on each training subset.
    X : array-like of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,)
        Targets.
    train_sizes : sequence of float or int, default (0.1, 0.325, 0.55, 0.775, 1.0)
        Fractions of a training fold, or absolute numbers of samples.
    cv : int or cross-validation splitter, default 5
        As in :func:`sklearn.model_selection.learning_curve`.
    scoring : str or callable, default "neg_mean_squared_error"
        A score (higher is better); the error is its negative.
    random_state : int or None
        Seed of the shuffle.

    Returns
    -------
    Bunch
        ``train_sizes`` (absolute counts), ``train_error, test_error`` (means
        over the folds) and ``train_error_std, test_error_std``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from scidl.model_selection import learning_curve_errors
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (40, 1)); y = 2 * X[:, 0] + 0.1 * rng.normal(size=40)
    >>> c = learning_curve_errors(LinearRegression(), X, y, train_sizes=(0.5, 1.0), cv=4,
    ...                           random_state=0)
    >>> c.train_sizes.tolist()
    [15, 30]
    >>> bool(c.test_error[-1] < 0.05)     # close to the noise variance 0.01
    True
    """
    X, y = _check_X_y(X, y)
    sizes, train, test = learning_curve(
        estimator,
        X,
        y,
        train_sizes=train_sizes,
        cv=cv,
        scoring=scoring,
        shuffle=True,
        random_state=random_state,
        error_score="raise",  # a failed fit is an error, never a silent NaN on the curve
    )
    return Bunch(
        train_sizes=sizes,
        train_error=-train.mean(axis=1),
        test_error=-test.mean(axis=1),
        train_error_std=train.std(axis=1),
        test_error_std=test.std(axis=1),
    )
