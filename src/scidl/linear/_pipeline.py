"""A one-line "features + least squares" model."""

from __future__ import annotations

from sklearn.pipeline import FeatureUnion, Pipeline

from scidl.linear._least_squares import LeastSquaresRegressor

__all__ = ["make_feature_regression"]


def make_feature_regression(features, *, alpha=0.0, fit_intercept=True, solver="auto"):
    """Build ``Pipeline([("features", features), ("regressor", LeastSquaresRegressor(...))])``.

    A thin convenience around :class:`sklearn.pipeline.Pipeline`; the result is
    an ordinary pipeline, so its hyperparameters are ``features__<name>`` and
    ``regressor__<name>`` in ``GridSearchCV``.

    Parameters
    ----------
    features : transformer or list of transformers
        The feature map(s). A list is combined side by side with
        :class:`sklearn.pipeline.FeatureUnion`.
    alpha, fit_intercept, solver
        Passed to :class:`LeastSquaresRegressor`.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Notes
    -----
    A pipeline is not saved by ``save``/``scidl.load`` (those store one scidl
    estimator); save its steps, or refit it: fitting is closed form and fast.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import PolynomialFeatures, make_feature_regression
    >>> x = np.linspace(-1.0, 1.0, 21).reshape(-1, 1)
    >>> y = 1.0 - 2.0 * x[:, 0] + 0.5 * x[:, 0] ** 3
    >>> model = make_feature_regression(PolynomialFeatures(degree=3)).fit(x, y)
    >>> print(np.round(model[-1].coef_, 10) + 0.0, round(model[-1].intercept_, 10))
    [-2.   0.   0.5] 1.0
    """
    if isinstance(features, list | tuple):
        features = FeatureUnion(
            [(f"{type(f).__name__.lower()}{i}", f) for i, f in enumerate(features)]
        )
    regressor = LeastSquaresRegressor(alpha=alpha, fit_intercept=fit_intercept, solver=solver)
    return Pipeline([("features", features), ("regressor", regressor)])
