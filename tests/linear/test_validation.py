"""Bad input and bad hyperparameters fail early with errors that name the argument."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scidl.linear import FourierFeatures, LeastSquaresRegressor, PolynomialFeatures, RBFFeatures
from scidl.utils import NotFittedError

ALL = [LeastSquaresRegressor, PolynomialFeatures, RBFFeatures, FourierFeatures]
X_OK = np.arange(12.0).reshape(6, 2)
Y_OK = np.arange(6.0)


def _fit(cls, X, y=Y_OK):
    est = cls()
    return est.fit(X, y) if cls is LeastSquaresRegressor else est.fit(X)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[1.0, np.nan]] * 6), "X contains NaN"),
        (np.array([[1.0, np.inf]] * 6), "X contains NaN or infinity"),
        (np.arange(6.0), "2D array for X"),
        (np.zeros((6, 2, 1)), "2D array for X"),
        (np.zeros((0, 2)), "0 sample.*for X"),
        (np.array([["a", "b"]] * 6), "X must contain numbers"),
        ([[1.0, 2.0], [3.0]] * 3, "X could not be converted"),
    ],
)
def test_bad_X(cls, X, match):
    with pytest.raises(ValueError, match=match):
        _fit(cls, X)


@pytest.mark.parametrize("cls", ALL)
def test_string_X_is_type_error(cls):
    with pytest.raises(TypeError, match="X must be array-like"):
        _fit(cls, "not an array")


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array([1.0, np.nan, 0, 0, 0, 0]), "y contains NaN"),
        (np.array([1.0, np.inf, 0, 0, 0, 0]), "y contains"),
        (np.arange(5.0), "same number of samples.*6 rows in X and 5 in y"),
        (np.zeros((6, 2, 1)), "1D or 2D array for y"),
        (np.array(["a"] * 6), "y must contain numbers"),
        (None, "requires y"),
    ],
)
def test_bad_y(y, match):
    with pytest.raises(ValueError, match=match):
        LeastSquaresRegressor().fit(X_OK, y)


@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.ones(5), "sample_weight has 5 entries"),
        (-np.ones(6), "non-negative"),
        (np.zeros(6), "positive sum"),
        (np.full(6, np.nan), "sample_weight contains NaN"),
        (np.ones((6, 2)), "1D array for sample_weight"),
    ],
)
def test_bad_sample_weight(sample_weight, match):
    with pytest.raises(ValueError, match=match):
        LeastSquaresRegressor().fit(X_OK, Y_OK, sample_weight=sample_weight)


@pytest.mark.parametrize(
    "params, exc, match",
    [
        ({"solver": "cg"}, ValueError, "'solver' parameter.*'cholesky'.*got 'cg'"),
        ({"solver": None}, ValueError, "'solver'"),
        ({"alpha": -1.0}, ValueError, "'alpha' parameter"),
        ({"alpha": float("nan")}, ValueError, "'alpha' parameter"),
        ({"alpha": "1"}, TypeError, "'alpha' parameter"),
        ({"fit_intercept": 1}, TypeError, "'fit_intercept' parameter"),
        ({"rcond": -1e-3}, ValueError, "'rcond' parameter"),
    ],
)
def test_bad_regressor_params(params, exc, match):
    with pytest.raises(exc, match=match):
        LeastSquaresRegressor(**params).fit(X_OK, Y_OK)


@pytest.mark.parametrize(
    "est, exc, match",
    [
        (PolynomialFeatures(degree=0), ValueError, "'degree'"),
        (PolynomialFeatures(degree=2.0), (TypeError, ValueError), "'degree'"),  # a float for an int
        (PolynomialFeatures(include_bias="yes"), TypeError, "'include_bias'"),
        (RBFFeatures(n_centers=0), ValueError, "'n_centers'"),
        (RBFFeatures(width=0.0), ValueError, "'width'"),
        (RBFFeatures(centers="grid"), TypeError, "'centers'"),
        (FourierFeatures(n_frequencies=0), ValueError, "'n_frequencies'"),
        (FourierFeatures(period=-1.0), ValueError, "'period'"),
        (FourierFeatures(period="2pi"), TypeError, "'period'"),
    ],
)
def test_bad_feature_params(est, exc, match):
    with pytest.raises(exc, match=match):
        est.fit(X_OK)


@pytest.mark.parametrize("cls", ALL)
def test_unfitted_and_wrong_feature_count(cls):
    est = cls()
    method = est.predict if cls is LeastSquaresRegressor else est.transform
    with pytest.raises(NotFittedError):
        method(X_OK)
    est = _fit(cls, X_OK)
    method = est.predict if cls is LeastSquaresRegressor else est.transform
    with pytest.raises(ValueError, match="X has 3 features.*expecting 2"):
        method(np.ones((2, 3)))
    with pytest.raises(ValueError, match="X contains NaN"):
        method(np.array([[np.nan, 1.0]]))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    alpha=st.one_of(st.floats(allow_nan=True), st.integers(-5, 5), st.text(max_size=3), st.none()),
    solver=st.one_of(
        st.sampled_from(["auto", "svd", "qr", "lstsq", "cholesky"]), st.text(max_size=8)
    ),
)
def test_params_either_fit_or_raise_naming_the_parameter(alpha, solver):
    """Any hyperparameter value either fits or raises ValueError/TypeError naming it."""
    valid_alpha = isinstance(alpha, int | float) and alpha == alpha and 0 <= alpha < float("inf")
    valid_solver = solver in ("auto", "svd", "qr", "lstsq", "cholesky")
    est = LeastSquaresRegressor(alpha=alpha, solver=solver)
    if valid_alpha and valid_solver:
        assert np.isfinite(est.fit(X_OK, Y_OK).predict(X_OK)).all()
    else:
        with pytest.raises(
            (ValueError, TypeError), match="'alpha'" if not valid_alpha else "'solver'"
        ):
            est.fit(X_OK, Y_OK)
