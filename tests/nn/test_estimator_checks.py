"""scikit-learn's common estimator checks over the MLP estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from scidl.nn import MLPClassifier, MLPRegressor

# Small networks and few epochs keep the ~50 checks fast; the checks' accuracy
# thresholds (e.g. > 0.83 on three blobs) are still met.
ESTIMATORS = [
    MLPClassifier(hidden_sizes=(32,), max_epochs=60, lr=0.01, random_state=0),
    # float64: in float32, matrix products over different batch sizes differ by ~1e-7
    # relative, the check's own tolerance; test_mlp.py checks float32 invariance at 1e-5.
    MLPRegressor(hidden_sizes=(32,), max_epochs=100, lr=0.01, random_state=0, dtype="float64"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
