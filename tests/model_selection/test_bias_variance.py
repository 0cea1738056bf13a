"""Bias-variance decomposition against the closed form of polynomial least squares."""

import numpy as np
import pytest

from scidl.linear import LeastSquaresRegressor, PolynomialFeatures, make_feature_regression
from scidl.model_selection import bias_variance_decomposition


def f(X):
    """The true function of x, which is the column x^1 of the polynomial features."""
    return np.sin(2.5 * X[:, -2])


X_TRAIN = np.linspace(-1, 1, 25)[:, None]
X_TEST = np.linspace(-0.9, 0.9, 17)[:, None]
NOISE = 0.3


def _poly(X, degree):
    """Polynomial features (x^d, ..., x, 1): least squares on them is polynomial least squares."""
    return np.vander(X[:, 0], degree + 1)


def _ols():
    return LeastSquaresRegressor(fit_intercept=False)


def _closed_form(degree):
    """Fixed-design OLS: mean prediction S f(X), variance sigma^2 diag(Phi0 G^-1 Phi0^T).

    ``G = Phi^T Phi`` is the Gram matrix of the training design.
    """
    phi = np.vander(X_TRAIN[:, 0], degree + 1)
    phi0 = np.vander(X_TEST[:, 0], degree + 1)
    inv = np.linalg.inv(phi.T @ phi)
    mean = phi0 @ inv @ phi.T @ f(phi)
    bias2 = np.mean((mean - f(phi0)) ** 2)
    variance = NOISE**2 * np.mean(np.einsum("ij,jk,ik->i", phi0, inv, phi0))
    return bias2, variance


@pytest.mark.parametrize("degree", [1, 5])
def test_matches_closed_form_and_terms_add_up(degree):
    n_rounds = 800
    r = bias_variance_decomposition(
        _ols(),
        f,
        _poly(X_TRAIN, degree),
        _poly(X_TEST, degree),
        noise=NOISE,
        n_rounds=n_rounds,
        random_state=degree,
    )
    bias2, variance = _closed_form(degree)
    # Monte-Carlo tolerances: the variance estimate has relative sd
    # ~ sqrt(2 / n_rounds) / sqrt(#test points), at worst sqrt(2/800) = 5 %; 20 % is 4 sd.
    # bias2 picks up variance / n_rounds from y_bar's noise.
    assert r.variance == pytest.approx(variance, rel=0.2)
    assert r.bias2 == pytest.approx(bias2 + variance / n_rounds, rel=0.2, abs=2e-4)
    assert r.noise == NOISE**2
    # The stated tolerance: the sum equals the independently estimated expected test error
    # within 4 standard errors of that estimate.
    assert abs(r.total - r.expected_error) < 4 * r.expected_error_se
    # and the empirical identity mean_r mean_x (f - y_hat_r)^2 = bias2 + variance holds to rounding
    np.testing.assert_allclose(
        np.mean((r.predictions - r.f_test) ** 2), r.bias2 + r.variance, rtol=1e-12
    )


def test_bias_falls_and_variance_grows_with_degree():
    results = [
        bias_variance_decomposition(
            _ols(),
            f,
            _poly(X_TRAIN, d),
            _poly(X_TEST, d),
            noise=NOISE,
            n_rounds=200,
            random_state=0,
        )
        for d in (1, 5, 9)
    ]
    assert results[0].bias2 > 10 * results[1].bias2
    assert results[0].variance < results[1].variance < results[2].variance


def test_random_design_and_errors():
    r = bias_variance_decomposition(
        make_feature_regression(PolynomialFeatures(2)),
        lambda X: np.sin(2.5 * X[:, 0]),
        lambda rng: rng.uniform(-1, 1, (30, 1)),
        X_TEST,
        noise=0.1,
        n_rounds=100,
        random_state=1,
    )
    assert abs(r.total - r.expected_error) < 4 * r.expected_error_se
    with pytest.raises(ValueError, match="n_rounds"):
        bias_variance_decomposition(
            make_feature_regression(PolynomialFeatures(2)),
            f,
            X_TRAIN,
            X_TEST,
            noise=0.1,
            n_rounds=1,
        )
    with pytest.raises(ValueError, match="noise"):
        bias_variance_decomposition(
            make_feature_regression(PolynomialFeatures(2)), f, X_TRAIN, X_TEST, noise=-1
        )
