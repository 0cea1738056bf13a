"""scikit-learn's common estimator checks over the least-squares estimator and the feature maps."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from scidl.linear import FourierFeatures, LeastSquaresRegressor, PolynomialFeatures, RBFFeatures

ESTIMATORS = [
    LeastSquaresRegressor(),
    LeastSquaresRegressor(alpha=1.0, solver="qr"),
    PolynomialFeatures(),
    PolynomialFeatures(powers=[1, 2]),
    RBFFeatures(n_centers=5),
    FourierFeatures(n_frequencies=3),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
