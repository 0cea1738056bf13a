"""LeastSquaresRegressor against numpy.linalg.lstsq and sklearn's Ridge, and known answers."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.linear_model import Ridge

from scidl.linear import LeastSquaresRegressor, PolynomialFeatures

SOLVERS = ["auto", "lstsq", "qr", "svd", "cholesky"]


def _data(n=40, p=5, k=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = rng.normal(size=(n,) if k is None else (n, k))
    return X, y


def _with_ones(X):
    return np.hstack([X, np.ones((len(X), 1))])


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("k", [None, 1, 3])
def test_matches_numpy_lstsq_with_intercept(solver, k):
    X, y = _data(k=k)
    reg = LeastSquaresRegressor(solver=solver).fit(X, y)
    ref = np.linalg.lstsq(_with_ones(X), y, rcond=None)[0]  # last row: the intercept
    if k is None:
        assert reg.coef_.shape == (5,)
        assert isinstance(reg.intercept_, float)
        np.testing.assert_allclose(reg.coef_, ref[:-1], rtol=0, atol=1e-10)
        np.testing.assert_allclose(reg.intercept_, ref[-1], rtol=0, atol=1e-10)
    else:
        assert reg.coef_.shape == (k, 5)
        assert reg.intercept_.shape == (k,)
        np.testing.assert_allclose(reg.coef_, ref[:-1].T, rtol=0, atol=1e-10)
        np.testing.assert_allclose(reg.intercept_, ref[-1], rtol=0, atol=1e-10)
    pred = reg.predict(X)
    assert pred.shape == y.shape
    np.testing.assert_allclose(pred, _with_ones(X) @ ref, rtol=0, atol=1e-10)
    assert reg.rank_ == 5
    assert reg.n_features_in_ == 5


@pytest.mark.parametrize("solver", SOLVERS)
def test_matches_numpy_lstsq_without_intercept(solver):
    X, y = _data(k=2, seed=1)
    reg = LeastSquaresRegressor(fit_intercept=False, solver=solver).fit(X, y)
    ref, _, rank, s = np.linalg.lstsq(X, y, rcond=None)
    np.testing.assert_allclose(reg.coef_, ref.T, rtol=0, atol=1e-10)
    np.testing.assert_allclose(reg.intercept_, 0.0)
    np.testing.assert_allclose(reg.singular_values_, s, rtol=1e-12)
    assert reg.rank_ == rank


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 30.0])
@pytest.mark.parametrize("k", [None, 2])
def test_ridge_matches_sklearn(solver, alpha, k):
    X, y = _data(k=k, seed=2)
    X = X * [1.0, 2.0, 0.5, 3.0, 1.0] + 4.0  # non-centred, uneven scales
    reg = LeastSquaresRegressor(alpha=alpha, solver=solver).fit(X, y)
    ref = Ridge(alpha=alpha, solver="svd").fit(X, y)
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(reg.intercept_, ref.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(reg.predict(X), ref.predict(X), rtol=0, atol=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_sample_weight_matches_sklearn_ridge(solver):
    X, y = _data(seed=3)
    w = np.random.default_rng(3).uniform(0.1, 3.0, size=len(y))
    reg = LeastSquaresRegressor(alpha=0.5, solver=solver).fit(X, y, sample_weight=w)
    ref = Ridge(alpha=0.5, solver="svd").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(reg.intercept_, ref.intercept_, rtol=0, atol=1e-10)


def test_integer_sample_weights_equal_repeated_samples():
    X, y = _data(n=20, seed=4)
    w = np.arange(20) % 3  # includes zero weights
    weighted = LeastSquaresRegressor().fit(X, y, sample_weight=w)
    repeated = LeastSquaresRegressor().fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-10)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-10)


def _rank_deficient(seed=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 3))
    X = np.hstack([X, X[:, :1] + 2 * X[:, 1:2], 0 * X[:, :1]])  # rank 3 of 5 columns
    y = rng.normal(size=30)
    return X, y


@pytest.mark.parametrize("solver", ["svd", "lstsq", "auto"])
def test_rank_deficient_minimum_norm(solver):
    X, y = _rank_deficient()
    reg = LeastSquaresRegressor(fit_intercept=False, solver=solver).fit(X, y)
    ref, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    assert rank == 3
    assert reg.rank_ == 3
    np.testing.assert_allclose(reg.coef_, ref, rtol=0, atol=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_rank_deficient_predictions_agree(solver):
    """Every solver gives the same (unique) fitted values; QR a basic solution."""
    X, y = _rank_deficient(6)
    ref = np.linalg.lstsq(_with_ones(X), y, rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # cholesky falls back to svd
        reg = LeastSquaresRegressor(solver=solver).fit(X, y)
    assert reg.rank_ == 3
    np.testing.assert_allclose(reg.predict(X), _with_ones(X) @ ref, rtol=0, atol=1e-10)


def test_cholesky_falls_back_with_warning():
    X, y = _rank_deficient()
    with pytest.warns(RuntimeWarning, match="svd"):
        reg = LeastSquaresRegressor(solver="cholesky", fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(reg.coef_, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)


@pytest.mark.parametrize("solver", ["svd", "lstsq"])
def test_underdetermined_minimum_norm(solver):
    X, y = _data(n=4, p=10, seed=7)
    reg = LeastSquaresRegressor(fit_intercept=False, solver=solver).fit(X, y)
    np.testing.assert_allclose(reg.coef_, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(reg.predict(X), y, atol=1e-10)  # interpolates
    assert reg.rank_ == 4
    assert reg.singular_values_.shape == (4,)


def test_rcond_truncates_small_singular_values():
    X, y = _data(seed=8)
    X[:, 4] = X[:, 3] + 1e-9 * X[:, 4]  # nearly collinear
    assert LeastSquaresRegressor(fit_intercept=False).fit(X, y).rank_ == 5
    reg = LeastSquaresRegressor(fit_intercept=False, rcond=1e-6).fit(X, y)
    assert reg.rank_ == 4
    np.testing.assert_allclose(reg.coef_, np.linalg.lstsq(X, y, rcond=1e-6)[0], atol=1e-10)


def test_score_is_r2():
    X, y = _data(seed=9)
    reg = LeastSquaresRegressor().fit(X, y)
    resid = y - reg.predict(X)
    assert reg.score(X, y) == pytest.approx(1 - resid @ resid / ((y - y.mean()) ** 2).sum())


def test_accepts_torch_tensors():
    torch = pytest.importorskip("torch")
    X, y = _data(seed=10)
    reg = LeastSquaresRegressor().fit(torch.from_numpy(X), torch.from_numpy(y))
    ref = LeastSquaresRegressor().fit(X, y)
    np.testing.assert_array_equal(reg.coef_, ref.coef_)
    np.testing.assert_array_equal(reg.predict(torch.from_numpy(X)), ref.predict(X))


# --- the lecture's example: E(x) = k x^2 / 2 is linear in the feature x^2 ----------------


def test_harmonic_energy_noiseless_recovers_half_k():
    k = 3.7
    x = np.linspace(-2.0, 2.0, 25).reshape(-1, 1)
    energy = k * x[:, 0] ** 2 / 2
    phi = PolynomialFeatures(powers=[2]).fit_transform(x)
    for fit_intercept in (False, True):
        reg = LeastSquaresRegressor(fit_intercept=fit_intercept).fit(phi, energy)
        assert abs(reg.coef_[0] - k / 2) < 1e-12
        assert abs(reg.intercept_) < 1e-12


def test_harmonic_energy_noisy_recovers_k_within_standard_error():
    rng = np.random.default_rng(11)
    k, sigma, n = 3.7, 0.2, 200
    x = rng.uniform(-2.0, 2.0, size=(n, 1))
    energy = k * x[:, 0] ** 2 / 2 + sigma * rng.normal(size=n)
    phi = PolynomialFeatures(powers=[2]).fit_transform(x)
    reg = LeastSquaresRegressor(fit_intercept=False).fit(phi, energy)
    # Standard error of w = k/2 in y = w * x^2 + noise: sigma_hat / sqrt(sum x^4).
    resid = energy - reg.predict(phi)
    sigma_hat = np.sqrt(resid @ resid / (n - 1))
    se_w = sigma_hat / np.sqrt((phi[:, 0] ** 2).sum())
    k_hat, se_k = 2 * reg.coef_[0], 2 * se_w
    assert abs(k_hat - k) < 3 * se_k
    assert se_k < 0.05  # and the error bar is small for this much data
    assert sigma_hat == pytest.approx(sigma, rel=0.15)


# --- properties ---------------------------------------------------------------------


def _matrices(min_rows=3, max_rows=12, max_cols=4):
    return st.integers(1, max_cols).flatmap(
        lambda p: st.integers(max(min_rows, p + 2), max_rows).flatmap(
            lambda n: arrays(
                np.float64, (n, p), elements=st.integers(-50, 50).map(lambda v: v / 10)
            )
        )
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    X=_matrices(),
    alpha=st.floats(1e-3, 100.0),
    solver=st.sampled_from(SOLVERS),
    seed=st.integers(0, 2**16),
)
def test_ridge_solves_normal_equations(X, alpha, solver, seed):
    """(X^T X + alpha I) w = X^T y for every solver (no intercept)."""
    y = np.random.default_rng(seed).normal(size=len(X))
    w = LeastSquaresRegressor(alpha=alpha, fit_intercept=False, solver=solver).fit(X, y).coef_
    lhs = X.T @ X @ w + alpha * w
    rhs = X.T @ y
    scale = (np.linalg.norm(X, 2) ** 2 + alpha) * np.linalg.norm(w) + np.linalg.norm(rhs)
    assert np.linalg.norm(lhs - rhs) <= 1e-10 * scale


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    X=_matrices(),
    const=st.floats(-100.0, 100.0),
    solver=st.sampled_from(["svd", "lstsq", "qr"]),
    seed=st.integers(0, 2**16),
)
def test_constant_column_does_not_change_predictions(X, const, solver, seed):
    """With an intercept, a constant feature adds nothing: predictions are unchanged."""
    Xc = X - X.mean(axis=0)
    assume(np.linalg.svd(Xc, compute_uv=False)[-1] > 1e-3 * np.linalg.norm(Xc, 2))  # well-posed fit
    y = np.random.default_rng(seed).normal(size=len(X))
    X_const = np.hstack([X, np.full((len(X), 1), const)])
    reg = LeastSquaresRegressor(solver=solver).fit(X, y)
    reg_const = LeastSquaresRegressor(solver=solver).fit(X_const, y)
    assert reg_const.rank_ == reg.rank_
    np.testing.assert_allclose(reg_const.predict(X_const), reg.predict(X), rtol=0, atol=1e-8)


def test_constant_column_is_centred_to_exactly_zero():
    """Regression: the rounding error of a constant column's mean once counted as rank."""
    X = np.zeros((10, 3))
    X[7, 2] = X[8, 1] = X[9, 0] = 0.1
    X_const = np.hstack([X, np.full((10, 1), 57.11184482658035)])
    y = np.random.default_rng(0).normal(size=10)
    reg = LeastSquaresRegressor().fit(X_const, y)
    assert reg.rank_ == 3
    assert reg.coef_[3] == 0.0
    np.testing.assert_allclose(
        reg.predict(X_const), LeastSquaresRegressor().fit(X, y).predict(X), atol=1e-12
    )
