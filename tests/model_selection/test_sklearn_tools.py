"""Every scidl estimator inside scikit-learn's model-selection tools; the complexity curves."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    cross_val_score,
    learning_curve,
    validation_curve,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from scidl.autodiff import MLPClassifier as ScratchMLP  # noqa: E402
from scidl.data import make_moons  # noqa: E402
from scidl.linear import LeastSquaresRegressor, PolynomialFeatures, make_feature_regression  # noqa: E402
from scidl.linear._perceptron import Perceptron  # noqa: E402
from scidl.model_selection import (  # noqa: E402
    complexity_curve,
    learning_curve_errors,
)
from scidl.nn import MLPClassifier, MLPRegressor  # noqa: E402
from scidl.plot import plot_complexity_curve, plot_learning_curve  # noqa: E402

rng = np.random.default_rng(0)
X_REG = rng.uniform(-1, 1, (60, 1))
Y_REG = X_REG[:, 0] ** 3 - X_REG[:, 0] + 0.1 * rng.normal(size=60)
X_CLF, Y_CLF = make_moons(60, noise=0.1, random_state=0)

REGRESSORS = {
    "least_squares_pipeline": make_feature_regression(PolynomialFeatures(3)),
    "ridge": LeastSquaresRegressor(alpha=1e-3),
    "mlp_regressor": MLPRegressor((8,), max_epochs=5, random_state=0),
}
CLASSIFIERS = {
    "perceptron": Perceptron(max_epochs=20),
    "mlp_classifier": MLPClassifier((8,), max_epochs=3, random_state=0),
    "scratch_mlp": ScratchMLP((8,), max_epochs=5, random_state=0),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(REGRESSORS) + sorted(CLASSIFIERS))
def test_cross_val_score_kfold_pipeline_clone(name):
    est = {**REGRESSORS, **CLASSIFIERS}[name]
    X, y = (X_REG, Y_REG) if name in REGRESSORS else (X_CLF, Y_CLF)
    scores = cross_val_score(
        make_pipeline(StandardScaler(), clone(est)), X, y, cv=KFold(3, shuffle=True, random_state=0)
    )
    assert scores.shape == (3,) and np.all(np.isfinite(scores))


def test_grid_search_and_validation_and_learning_curves_on_scidl_estimators():
    search = GridSearchCV(
        make_feature_regression(PolynomialFeatures()), {"features__degree": [1, 3, 15]}, cv=5
    ).fit(X_REG, Y_REG)
    assert search.best_params_["features__degree"] == 3
    train, test = validation_curve(
        LeastSquaresRegressor(), X_REG, Y_REG, param_name="alpha", param_range=[0.0, 1.0], cv=3
    )
    assert train.shape == test.shape == (2, 3)
    sizes, _, _ = learning_curve(
        MLPClassifier((4,), max_epochs=2, random_state=0),
        X_CLF,
        Y_CLF,
        cv=3,
        train_sizes=[0.5, 1.0],
    )
    assert len(sizes) == 2


def test_complexity_curve_is_u_shaped():
    x = np.random.default_rng(1).uniform(-1, 1, (40, 1))
    y = np.sin(3 * x[:, 0]) + 0.2 * np.random.default_rng(2).normal(size=40)
    c = complexity_curve(
        make_feature_regression(PolynomialFeatures()),
        x,
        y,
        "features__degree",
        [1, 3, 5, 12],
        cv=KFold(5, shuffle=True, random_state=0),
    )
    assert np.all(np.diff(c.train_error) <= 1e-12)  # training error never rises with degree
    i = int(np.argmin(c.test_error))
    assert 0 < i < 3 and c.test_error[-1] > c.test_error[i] and c.test_error[0] > c.test_error[i]
    fig = plot_complexity_curve(c)
    assert "features__degree" in fig.axes[0].get_xlabel()


def test_learning_curve_errors():
    lc = learning_curve_errors(
        make_feature_regression(PolynomialFeatures(3)),
        X_REG,
        Y_REG,
        train_sizes=[0.3, 1.0],
        cv=3,
        random_state=0,
    )
    assert lc.test_error[-1] < lc.test_error[0]
    assert plot_learning_curve(lc).axes


def test_complexity_curve_over_network_width():
    c = complexity_curve(
        MLPRegressor(activation="tanh", lr=0.05, max_epochs=60, batch_size=64, random_state=0),
        X_REG,
        Y_REG,
        "hidden_sizes",
        [(1,), (16,)],
        cv=3,
    )
    assert c.test_error.shape == (2,) and c.train_error[1] < c.train_error[0]
    fig = plot_complexity_curve(c, log_x=True)
    assert "total units" in fig.axes[0].get_xlabel()
