"""save / scidl.load round trips predict bit-identically."""

import numpy as np
import pytest

import scidl
from scidl.linear import FourierFeatures, LeastSquaresRegressor, PolynomialFeatures, RBFFeatures

RNG = np.random.default_rng(0)
X = RNG.normal(size=(30, 3))


@pytest.mark.parametrize(
    "est, y",
    [
        (LeastSquaresRegressor(), RNG.normal(size=30)),
        (LeastSquaresRegressor(alpha=0.3, solver="qr", rcond=1e-8), RNG.normal(size=(30, 2))),
        (LeastSquaresRegressor(fit_intercept=False, solver="cholesky"), RNG.normal(size=(30, 1))),
    ],
)
def test_regressor_round_trip(tmp_path, est, y):
    est.fit(X, y)
    path = est.save(tmp_path / "m.pt")
    loaded = scidl.load(path)
    assert type(loaded) is LeastSquaresRegressor
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    for name in ("coef_", "intercept_", "rank_", "singular_values_", "n_features_in_"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(est, name))


@pytest.mark.parametrize(
    "est",
    [
        PolynomialFeatures(3, include_bias=True),
        PolynomialFeatures(powers=[2, 4]),
        RBFFeatures(7),
        RBFFeatures(centers=[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], width=0.5),
        FourierFeatures(3, period=[1.0, 2.0, 3.0]),
    ],
)
def test_feature_map_round_trip(tmp_path, est):
    est.fit(X)
    loaded = scidl.load(est.save(tmp_path / "f.pt"))
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(loaded.transform(X), est.transform(X))
    np.testing.assert_array_equal(loaded.get_feature_names_out(), est.get_feature_names_out())


def test_round_trip_keeps_feature_names(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    est = PolynomialFeatures(2).fit(df)
    loaded = scidl.load(est.save(tmp_path / "f.pt"))
    np.testing.assert_array_equal(loaded.get_feature_names_out(), est.get_feature_names_out())
    np.testing.assert_array_equal(loaded.transform(df), est.transform(df))


def test_save_unfitted_raises(tmp_path):
    with pytest.raises(scidl.utils.NotFittedError):
        LeastSquaresRegressor().save(tmp_path / "m.pt")
