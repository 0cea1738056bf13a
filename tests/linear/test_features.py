"""Feature maps: known values, shapes, names, and scikit-learn composition."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures as SkPolynomialFeatures

from scidl.linear import (
    FourierFeatures,
    LeastSquaresRegressor,
    PolynomialFeatures,
    RBFFeatures,
    make_feature_regression,
)

# --- PolynomialFeatures -------------------------------------------------------------


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("degree", [1, 2, 4])
@pytest.mark.parametrize("include_bias", [False, True])
def test_polynomial_matches_sklearn(n_features, degree, include_bias):
    X = np.random.default_rng(0).normal(size=(7, n_features))
    ours = PolynomialFeatures(degree, include_bias=include_bias).fit(X)
    ref = SkPolynomialFeatures(degree, include_bias=include_bias).fit(X)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), rtol=1e-13)
    np.testing.assert_array_equal(ours.get_feature_names_out(), ref.get_feature_names_out())
    np.testing.assert_array_equal(ours.powers_, ref.powers_)
    assert ours.n_output_features_ == ref.n_output_features_


def test_polynomial_powers_option():
    X = np.array([[2.0, 3.0], [-1.0, 0.5]])
    pf = PolynomialFeatures(powers=[2]).fit(X)
    np.testing.assert_array_equal(pf.transform(X), X**2)
    assert list(pf.get_feature_names_out()) == ["x0^2", "x1^2"]
    pf = PolynomialFeatures(powers=[1, 3], include_bias=True).fit(X)
    np.testing.assert_array_equal(pf.transform(X), np.hstack([np.ones((2, 1)), X, X**3]))
    assert list(pf.get_feature_names_out(["a", "b"])) == ["1", "a", "b", "a^3", "b^3"]


@pytest.mark.parametrize("powers", [[], [0], [1, 1], [1.5], ["2"]])
def test_polynomial_bad_powers(powers):
    with pytest.raises(ValueError, match="powers"):
        PolynomialFeatures(powers=powers).fit([[1.0]])


def test_polynomial_powers_type_error():
    with pytest.raises(TypeError, match="'powers'"):
        PolynomialFeatures(powers=2).fit([[1.0]])


# --- RBFFeatures --------------------------------------------------------------------


def test_rbf_grid_in_1d_and_one_at_the_centres():
    x = np.linspace(-3.0, 5.0, 50).reshape(-1, 1)
    rbf = RBFFeatures(n_centers=9).fit(x)
    np.testing.assert_allclose(rbf.centers_.ravel(), np.linspace(-3.0, 5.0, 9))
    assert rbf.width_ == pytest.approx(1.0)  # the grid spacing
    phi = rbf.transform(rbf.centers_)
    np.testing.assert_array_equal(np.diag(phi), 1.0)
    np.testing.assert_allclose(phi[0, 1], np.exp(-0.5))
    assert rbf.transform(x).shape == (50, 9)
    assert list(rbf.get_feature_names_out()) == [f"rbf{k}" for k in range(9)]


def test_rbf_multidimensional_farthest_points():
    X = np.random.default_rng(1).normal(size=(200, 3))
    rbf = RBFFeatures(n_centers=12).fit(X)
    assert rbf.centers_.shape == (12, 3)
    assert len(np.unique(rbf.centers_, axis=0)) == 12  # distinct training points
    assert all(any(np.array_equal(c, x) for x in X) for c in rbf.centers_)
    np.testing.assert_array_equal(np.diag(rbf.transform(rbf.centers_)), 1.0)
    phi = rbf.transform(X)
    assert phi.shape == (200, 12)
    assert ((phi > 0) & (phi <= 1)).all()


def test_rbf_explicit_centers_and_width():
    rbf = RBFFeatures(centers=[0.0, 1.0], width=2.0).fit([[5.0], [6.0]])
    np.testing.assert_allclose(rbf.transform([[1.0]]), [[np.exp(-1 / 8), 1.0]])
    rbf = RBFFeatures(centers=[[0.0, 0.0]], width=1.0).fit(np.ones((3, 2)))
    np.testing.assert_allclose(rbf.transform([[1.0, 1.0]]), [[np.exp(-1.0)]])


@pytest.mark.parametrize("centers", [[0.0, 1.0], [[0.0, 1.0, 2.0]], [[np.nan, 0.0]]])
def test_rbf_bad_centers(centers):
    with pytest.raises(ValueError, match="centers"):
        RBFFeatures(centers=centers).fit(np.ones((3, 2)))


def test_rbf_fits_a_smooth_function():
    x = np.linspace(0.0, 1.0, 200).reshape(-1, 1)
    y = np.sin(2 * np.pi * x[:, 0])
    model = make_pipeline(RBFFeatures(n_centers=15), LeastSquaresRegressor(alpha=1e-8))
    assert model.fit(x, y).score(x, y) > 0.9999


# --- FourierFeatures ----------------------------------------------------------------


def test_fourier_known_values():
    x = np.array([[0.0], [0.5], [0.25]])
    ff = FourierFeatures(n_frequencies=2, period=1.0).fit(x)
    expected = np.array(
        [
            [0.0, 1.0, 0.0, 1.0],
            [0.0, -1.0, 0.0, 1.0],
            [1.0, 0.0, 0.0, -1.0],
        ]
    )
    np.testing.assert_allclose(ff.transform(x), expected, atol=1e-15)
    assert list(ff.get_feature_names_out(["t"])) == ["sin1(t)", "cos1(t)", "sin2(t)", "cos2(t)"]


def test_fourier_period_per_feature_and_default():
    X = np.array([[0.0, 10.0], [4.0, 12.0]])
    ff = FourierFeatures(n_frequencies=3).fit(X)
    np.testing.assert_array_equal(ff.period_, [4.0, 2.0])  # the data ranges
    assert ff.transform(X).shape == (2, 12)
    ff = FourierFeatures(n_frequencies=1, period=[1.0, 2.0]).fit(X)
    np.testing.assert_allclose(ff.transform([[0.25, 0.5]]), [[1.0, 0.0, 1.0, 0.0]], atol=1e-15)
    assert FourierFeatures().fit(np.ones((3, 1))).period_[0] == 1.0  # zero range


@pytest.mark.parametrize("period", [[1.0], [1.0, -1.0]])
def test_fourier_bad_period(period):
    with pytest.raises(ValueError, match="period"):
        FourierFeatures(period=period).fit(np.ones((3, 2)))


def test_fourier_series_recovered_exactly():
    """On one period of equally spaced samples the sin/cos columns are orthogonal."""
    t = np.arange(64).reshape(-1, 1) * (2 * np.pi / 64)
    y = 0.3 + 2.0 * np.sin(t[:, 0]) - 0.5 * np.cos(3 * t[:, 0])
    model = make_feature_regression(FourierFeatures(n_frequencies=4, period=2 * np.pi)).fit(t, y)
    reg = model[-1]
    np.testing.assert_allclose(reg.coef_, [2.0, 0, 0, 0, 0, -0.5, 0, 0], atol=1e-12)
    assert reg.intercept_ == pytest.approx(0.3, abs=1e-12)
    np.testing.assert_allclose(reg.singular_values_, np.sqrt(32), rtol=1e-12)


# --- composition with scikit-learn --------------------------------------------------

FEATURE_MAPS = [PolynomialFeatures(3), RBFFeatures(6), FourierFeatures(2)]


@pytest.mark.parametrize("features", FEATURE_MAPS, ids=lambda f: type(f).__name__)
def test_pipeline_clone_and_cross_val(features):
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, size=(60, 2))
    y = X[:, 0] ** 2 - X[:, 1] + 0.01 * rng.normal(size=60)
    model = make_pipeline(clone(features), LeastSquaresRegressor(alpha=1e-6))
    scores = cross_val_score(model, X, y, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()
    fitted = model.fit(X, y)
    assert fitted.predict(X).shape == (60,)
    assert len(fitted[:-1].get_feature_names_out()) == fitted[-1].n_features_in_
    cloned = clone(fitted)
    assert cloned.get_params()[cloned.steps[0][0]].get_params() == features.get_params()
    assert not hasattr(cloned[-1], "coef_")


def test_grid_search_over_degree_and_alpha():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(80, 1))
    y = 1 - 2 * x[:, 0] + 3 * x[:, 0] ** 3 + 0.05 * rng.normal(size=80)
    model = make_feature_regression(PolynomialFeatures())
    search = GridSearchCV(
        model,
        {"features__degree": [1, 2, 3, 6], "regressor__alpha": [0.0, 1e-3, 10.0]},
        cv=KFold(4, shuffle=True, random_state=0),
    ).fit(x, y)
    assert search.best_params_["features__degree"] >= 3
    assert search.best_params_["regressor__alpha"] < 10.0
    assert search.score(x, y) > 0.98


def test_make_feature_regression_with_several_maps():
    x = np.linspace(0.0, 1.0, 50).reshape(-1, 1)
    y = x[:, 0] + np.sin(2 * np.pi * x[:, 0])
    model = make_feature_regression([PolynomialFeatures(1), FourierFeatures(1, period=1.0)]).fit(
        x, y
    )
    np.testing.assert_allclose(model[-1].coef_, [1.0, 1.0, 0.0], atol=1e-12)
    assert list(model[:-1].get_feature_names_out()) == [
        "polynomialfeatures0__x0",
        "fourierfeatures1__sin1(x0)",
        "fourierfeatures1__cos1(x0)",
    ]


@pytest.mark.parametrize("features", FEATURE_MAPS, ids=lambda f: type(f).__name__)
def test_feature_names_from_dataframe(features):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 0.0, 3.0]})
    fitted = clone(features).fit(df)
    np.testing.assert_array_equal(fitted.feature_names_in_, ["a", "b"])
    names = fitted.get_feature_names_out()
    assert len(names) == fitted.transform(df).shape[1]
    with pytest.raises(ValueError, match="feature_names_in_"):
        fitted.get_feature_names_out(["x", "y"])
