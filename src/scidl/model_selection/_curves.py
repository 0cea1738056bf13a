"""Training and test error against model complexity and training-set size.

Thin layers over scikit-learn's ``validation_curve`` and ``learning_curve``
that turn scores into errors and draw the lecture's figures.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import learning_curve, validation_curve
from sklearn.utils import Bunch

__all__ = ["complexity_curve", "learning_curve_errors", "plot_complexity_curve", "plot_learning_curve"]


def complexity_curve(estimator, X, y, param_name, param_range, *, cv=5, scoring="neg_mean_squared_error", n_jobs=None):
    """Training and cross-validated test error for each value of one hyperparameter.

    The U-shaped curve of the lecture: with growing complexity (polynomial
    degree, network width, smaller ridge strength) the training error keeps
    falling while the test error first falls (less bias) and then rises (more
    variance). Uses :func:`sklearn.model_selection.validation_curve`.

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
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, (60, 1)); y = x[:, 0] ** 3 - x[:, 0] + 0.1 * rng.normal(size=60)
    >>> c = complexity_curve(make_feature_regression(PolynomialFeatures()), x, y,
    ...                      "features__degree", [1, 3, 15])
    >>> int(c.best)
    3
    """
    train, test = validation_curve(estimator, X, y, param_name=param_name, param_range=param_range, cv=cv, scoring=scoring, n_jobs=n_jobs)
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


def learning_curve_errors(estimator, X, y, *, train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0), cv=5, scoring="neg_mean_squared_error", random_state=None):
    """Training and test error against the number of training samples (:func:`sklearn.model_selection.learning_curve`)."""
    sizes, train, test = learning_curve(estimator, X, y, train_sizes=train_sizes, cv=cv, scoring=scoring, shuffle=True, random_state=random_state)
    return Bunch(train_sizes=sizes, train_error=-train.mean(axis=1), test_error=-test.mean(axis=1),
                 train_error_std=train.std(axis=1), test_error_std=test.std(axis=1))


def _errors_plot(x, curve, xlabel, title, ax, log_x, mark=None):
    from scidl.plot._style import PALETTE, figure_of, new_figure, style

    with style():
        fig, ax = new_figure(figsize=(5.2, 3.8)) if ax is None else (figure_of(ax), ax)
        for key, color, label in (("train_error", PALETTE[0], "training error"), ("test_error", PALETTE[1], "test error (CV)")):
            mean, std = np.asarray(curve[key]), np.asarray(curve[key + "_std"])
            ax.plot(x, mean, "o-", color=color, label=label)
            ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2)
        if mark is not None:
            ax.axvline(mark, color="black", ls=":", label=f"best = {mark:g}")
        if log_x:
            ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("mean squared error")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig


def _as_number(value):
    """A hyperparameter value as a plot coordinate: sequences (hidden_sizes) by their total units."""
    if isinstance(value, tuple | list):
        return float(sum(value))
    return float(value)


def plot_complexity_curve(curve, *, log_x=False, title=None, ax=None):
    """Plot a :func:`complexity_curve` result (the U-shaped test error).

    Sequence-valued hyperparameters such as ``hidden_sizes`` are placed at
    their total number of units.
    """
    x = np.array([_as_number(v) for v in curve.param_range])
    label = curve.param_name + (" (total units)" if isinstance(curve.param_range[0], tuple | list) else "")
    return _errors_plot(x, curve, label, title, ax, log_x, mark=_as_number(curve.best))


def plot_learning_curve(curve, *, title=None, ax=None):
    """Plot a :func:`learning_curve_errors` result."""
    return _errors_plot(np.asarray(curve.train_sizes, dtype=float), curve, "training samples", title, ax, False)
