"""Fixed feature maps: turn a non-linear fit into a linear least-squares problem.

A model :math:`f(x) = \\sum_k w_k \\phi_k(x) + b` is non-linear in :math:`x` but
linear in the weights :math:`w`, so it is fitted in closed form by
:class:`~scidl.linear.LeastSquaresRegressor` on the design matrix
:math:`\\Phi_{ik} = \\phi_k(x_i)`. Each map here is a scikit-learn transformer,
so ``make_pipeline(PolynomialFeatures(3), LeastSquaresRegressor())`` works in
``GridSearchCV`` and ``cross_val_score``.
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from numbers import Integral, Real

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.base import BaseEstimator, TransformerMixin

from scidl.base import PersistenceMixin
from scidl.utils import (
    InstanceOf,
    Interval,
    check_array,
    check_fitted,
    check_int_sequence,
    validate_data,
    validate_params,
)

__all__ = ["FourierFeatures", "PolynomialFeatures", "RBFFeatures"]


def _input_feature_names(estimator, input_features):
    """Names of the input features, checked against what ``fit`` saw (scikit-learn's rules)."""
    check_fitted(estimator)
    fitted_names = getattr(estimator, "feature_names_in_", None)
    if input_features is None:
        if fitted_names is not None:
            return [str(n) for n in fitted_names]
        return [f"x{i}" for i in range(estimator.n_features_in_)]
    if isinstance(input_features, str):
        raise TypeError(
            f"input_features must be a sequence of strings; got the string {input_features!r}."
        )
    names = [str(n) for n in input_features]
    if fitted_names is not None and names != [str(n) for n in fitted_names]:
        raise ValueError("input_features is not equal to feature_names_in_")
    if len(names) != estimator.n_features_in_:
        raise ValueError(
            "input_features should have length equal to number of features "
            f"({estimator.n_features_in_}), got {len(names)}"
        )
    return names


class _FeatureMap(PersistenceMixin, TransformerMixin, BaseEstimator):
    """Shared plumbing: validation in ``fit``/``transform`` and float64 output."""

    def fit(self, X, y=None):
        """Learn what the map needs from ``X`` (ranges, centres, ...).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        X = validate_data(self, X, dtype=np.float64)
        self._fit(X)
        return self

    def transform(self, X):
        """Map ``X`` to the features.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
        """
        check_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._transform(X)


class PolynomialFeatures(_FeatureMap):
    r"""Monomials of the input features, or chosen powers of each feature.

    Parameters
    ----------
    degree : int, default=2
        Maximum total degree of the monomials (all products
        :math:`x_1^{p_1} \cdots x_d^{p_d}` with :math:`1 \le \sum_j p_j \le`
        ``degree``). Ignored when ``powers`` is given.
    include_bias : bool, default=False
        Whether to prepend the constant feature 1. Leave it off when the
        regressor fits an intercept.
    powers : list of int or None, default=None
        If given, the features are :math:`x_j^p` for every ``p`` in ``powers``
        and every input feature :math:`j`, without cross terms. ``powers=[2]``
        gives just :math:`x^2`.

    Attributes
    ----------
    powers_ : ndarray of shape (n_output_features, n_features_in_)
        Exponent of each input feature in each output feature.
    n_output_features_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` had string column names.

    Notes
    -----
    Output feature :math:`k` is :math:`\phi_k(x) = \prod_j x_j^{P_{kj}}` with
    the exponent matrix :math:`P` = ``powers_``. With ``degree`` the monomials
    come in scikit-learn's order (by degree, then lexicographically), so the
    output equals ``sklearn.preprocessing.PolynomialFeatures``. A degree-:math:`D`
    polynomial in :math:`d` variables has :math:`\binom{d+D}{D} - 1` non-constant
    monomials, and powers of a wide input range are badly conditioned: scale
    the input (e.g. to :math:`[-1, 1]`) before going beyond degree ~10.

    Examples
    --------
    The harmonic energy :math:`E(x) = k x^2 / 2` is linear in the feature
    :math:`x^2`:

    >>> import numpy as np
    >>> from scidl.linear import LeastSquaresRegressor, PolynomialFeatures
    >>> x = np.linspace(-1.0, 1.0, 11).reshape(-1, 1)
    >>> energy = 3.0 * x[:, 0] ** 2 / 2
    >>> features = PolynomialFeatures(powers=[2]).fit(x)
    >>> features.get_feature_names_out()
    array(['x0^2'], dtype=object)
    >>> reg = LeastSquaresRegressor(fit_intercept=False).fit(features.transform(x), energy)
    >>> print(np.round(reg.coef_, 12))  # k / 2
    [1.5]
    >>> PolynomialFeatures(degree=2).fit([[1.0, 2.0]]).transform([[2.0, 3.0]])
    array([[2., 3., 4., 6., 9.]])
    """

    _parameter_constraints = {
        "degree": [Interval(Integral, 1, None)],
        "include_bias": [InstanceOf(bool)],
        "powers": [None, InstanceOf(list, tuple, description="a list of positive ints")],
    }

    def __init__(self, degree=2, *, include_bias=False, powers=None):
        self.degree = degree
        self.include_bias = include_bias
        self.powers = powers

    def _fit(self, X):
        d = X.shape[1]
        rows = [np.zeros(d, dtype=np.int64)] if self.include_bias else []
        if self.powers is not None:
            powers = check_int_sequence(self.powers, "powers", min_value=1, allow_empty=False)
            if len(set(powers)) != len(powers):
                raise ValueError(f"powers must not repeat a power; got {self.powers!r}.")
            for p in powers:
                for j in range(d):
                    row = np.zeros(d, dtype=np.int64)
                    row[j] = p
                    rows.append(row)
        else:
            for total in range(1, self.degree + 1):
                for combo in combinations_with_replacement(range(d), total):
                    rows.append(np.bincount(combo, minlength=d).astype(np.int64))
        self.powers_ = np.array(rows, dtype=np.int64).reshape(len(rows), d)
        self.n_output_features_ = int(self.powers_.shape[0])

    def _transform(self, X):
        out = np.ones((X.shape[0], self.n_output_features_))
        for k, row in enumerate(self.powers_):  # loop over output features, not samples
            for j in np.flatnonzero(row):
                out[:, k] *= X[:, j] ** int(row[j])
        return out

    def get_feature_names_out(self, input_features=None):
        """Names like ``"x0^2"`` and ``"x0 x1"``; ``"1"`` for the bias."""
        names = _input_feature_names(self, input_features)
        out = []
        for row in self.powers_:
            terms = [
                names[j] if row[j] == 1 else f"{names[j]}^{row[j]}" for j in np.flatnonzero(row)
            ]
            out.append(" ".join(terms) if terms else "1")
        return np.asarray(out, dtype=object)


class RBFFeatures(_FeatureMap):
    r"""Gaussian radial basis functions ("bumps") centred across the data.

    Parameters
    ----------
    n_centers : int, default=10
        Number of bumps when ``centers`` is None.
    width : float or None, default=None
        Width :math:`\ell` of every bump. ``None`` uses the mean distance from
        each centre to its nearest neighbouring centre (the grid spacing in 1-D).
    centers : array-like of shape (n_centers, n_features) or None, default=None
        Fixed centres (a 1-D list is read as centres of a single feature).
        ``None`` places ``n_centers`` centres from the training data: an evenly
        spaced grid over the data range for one input feature, and for several
        features training points chosen by farthest-point sampling
        (deterministic: start nearest the mean, then repeatedly add the point
        farthest from the centres chosen so far). Give a list of lists, not an
        array, if the fitted map is to be saved (hyperparameters are stored as
        JSON).

    Attributes
    ----------
    centers_ : ndarray of shape (n_centers, n_features_in_)
    width_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` had string column names.

    Notes
    -----
    Feature :math:`k` is

    .. math::

        \phi_k(x) = \exp\left(-\frac{\lVert x - c_k \rVert^2}{2 \ell^2}\right),

    equal to 1 at its centre :math:`c_k`. A sum of such bumps with weights from
    least squares interpolates smoothly; ridge regularisation (``alpha > 0``)
    tames the ill-conditioning that overlapping bumps cause. With a centre on
    every training point this is kernel ridge regression with a Gaussian
    kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import RBFFeatures
    >>> rbf = RBFFeatures(n_centers=3).fit([[0.0], [2.0]])
    >>> rbf.centers_.ravel(), rbf.width_
    (array([0., 1., 2.]), 1.0)
    >>> np.round(rbf.transform([[1.0]]), 4)
    array([[0.6065, 1.    , 0.6065]])
    """

    _parameter_constraints = {
        "n_centers": [Interval(Integral, 1, None)],
        "width": [Interval(Real, 0, None, closed="neither"), None],
        "centers": [
            None,
            InstanceOf(list, tuple, np.ndarray, description="an array-like of centres"),
        ],
    }

    def __init__(self, n_centers=10, *, width=None, centers=None):
        self.n_centers = n_centers
        self.width = width
        self.centers = centers

    def _fit(self, X):
        d = X.shape[1]
        if self.centers is not None:
            centers = check_array(self.centers, name="centers", ndim=(1, 2), dtype=np.float64)
            if centers.ndim == 1:
                if d != 1:
                    raise ValueError(
                        "centers is 1-D, which is only allowed for one input feature; "
                        f"X has {d}. Pass shape (n_centers, {d})."
                    )
                centers = centers.reshape(-1, 1)
            if centers.shape[1] != d:
                raise ValueError(
                    f"centers must have shape (n_centers, {d}) to match X; got {centers.shape}."
                )
        elif d == 1:
            lo, hi = X.min(), X.max()
            centers = (
                np.array([[(lo + hi) / 2]])
                if self.n_centers == 1
                else np.linspace(lo, hi, self.n_centers).reshape(-1, 1)
            )
        else:
            centers = X[self._farthest_points(X, self.n_centers)]
        self.centers_ = np.array(centers, dtype=np.float64)
        self.width_ = (
            float(self.width) if self.width is not None else self._default_width(X, self.centers_)
        )

    @staticmethod
    def _farthest_points(X, k):
        first = int(np.argmin(((X - X.mean(axis=0)) ** 2).sum(axis=1)))
        chosen = [first]
        dist = ((X - X[first]) ** 2).sum(axis=1)
        for _ in range(k - 1):  # loop over centres; each step is vectorised over samples
            nxt = int(np.argmax(dist))
            chosen.append(nxt)
            dist = np.minimum(dist, ((X - X[nxt]) ** 2).sum(axis=1))
        return np.array(chosen)

    @staticmethod
    def _default_width(X, centers):
        if len(centers) > 1:
            dist = cdist(centers, centers)
            dist[dist == 0] = np.inf  # ignore self and duplicate centres
            nearest = dist.min(axis=1)
            nearest = nearest[np.isfinite(nearest)]
            if nearest.size:
                return float(nearest.mean())
        spread = float(np.sqrt(X.var(axis=0).sum()))  # a single centre: the data's spread
        return spread if spread > 0 else 1.0

    def _transform(self, X):
        return np.exp(-cdist(X, self.centers_, "sqeuclidean") / (2.0 * self.width_**2))

    def get_feature_names_out(self, input_features=None):
        """Names ``"rbf0"``, ``"rbf1"``, ... (one per centre)."""
        _input_feature_names(self, input_features)
        return np.asarray([f"rbf{k}" for k in range(len(self.centers_))], dtype=object)


class FourierFeatures(_FeatureMap):
    r"""Sines and cosines of each input feature: a truncated Fourier series.

    Parameters
    ----------
    n_frequencies : int, default=5
        Number of harmonics :math:`K`.
    period : float, list of float or None, default=None
        Period :math:`P` of the fundamental, one for all features or one per
        feature. ``None`` uses each feature's range in the training data (a
        zero range gives 1). Pass ``2 * np.pi`` for angles. Give a list, not
        an array, if the fitted map is to be saved (hyperparameters are stored
        as JSON).

    Attributes
    ----------
    period_ : ndarray of shape (n_features_in_,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` had string column names.

    Notes
    -----
    For each input feature :math:`x_j` and harmonic :math:`k = 1, \dots, K`
    the features are

    .. math::

        \sin(2\pi k x_j / P_j), \quad \cos(2\pi k x_j / P_j),

    ordered by feature, then harmonic, sine before cosine
    (:math:`2 K d` columns). With an intercept, least squares on these features
    fits the first :math:`K` terms of the Fourier series of a
    :math:`P`-periodic function; on equally spaced samples of one period the
    columns are orthogonal, so the fit is perfectly conditioned.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import FourierFeatures
    >>> ff = FourierFeatures(n_frequencies=2, period=4.0).fit([[0.0]])
    >>> ff.get_feature_names_out()
    array(['sin1(x0)', 'cos1(x0)', 'sin2(x0)', 'cos2(x0)'], dtype=object)
    >>> np.round(ff.transform([[1.0]]), 12) + 0.0
    array([[ 1.,  0.,  0., -1.]])
    """

    _parameter_constraints = {
        "n_frequencies": [Interval(Integral, 1, None)],
        "period": [
            None,
            Interval(Real, 0, None, closed="neither"),
            InstanceOf(list, tuple, np.ndarray, description="a list of positive floats"),
        ],
    }

    def __init__(self, n_frequencies=5, *, period=None):
        self.n_frequencies = n_frequencies
        self.period = period

    def _fit(self, X):
        d = X.shape[1]
        if self.period is None:
            period = np.ptp(X, axis=0)
            period[period == 0] = 1.0
        elif isinstance(self.period, Real):
            period = np.full(d, float(self.period))
        else:
            period = check_array(self.period, name="period", ndim=1, dtype=np.float64)
            if period.shape[0] != d:
                raise ValueError(
                    f"period must have one entry per feature ({d}); got {period.shape[0]}."
                )
            if (period <= 0).any():
                raise ValueError(f"period must be positive; got {self.period!r}.")
        self.period_ = np.asarray(period, dtype=np.float64)

    def _transform(self, X):
        n, d = X.shape
        harmonics = np.arange(1, self.n_frequencies + 1)
        angle = (2 * np.pi * X / self.period_)[:, :, None] * harmonics  # (n, d, K)
        return np.stack([np.sin(angle), np.cos(angle)], axis=-1).reshape(
            n, d * self.n_frequencies * 2
        )

    def get_feature_names_out(self, input_features=None):
        """Names ``"sin1(x0)"``, ``"cos1(x0)"``, ``"sin2(x0)"``, ..."""
        names = _input_feature_names(self, input_features)
        return np.asarray(
            [
                f"{fn}{k}({name})"
                for name in names
                for k in range(1, self.n_frequencies + 1)
                for fn in ("sin", "cos")
            ],
            dtype=object,
        )
