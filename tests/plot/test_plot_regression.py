import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from sklearn.linear_model import LinearRegression

from scidl.plot import plot_regression_1d, subplots

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (20, 1))
y = 2 * X[:, 0] + 0.1 * rng.standard_normal(20)
X_test = rng.uniform(-1, 1, (5, 1))
y_test = 2 * X_test[:, 0]


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_data_fit_and_truth():
    model = LinearRegression().fit(X, y)
    fig = plot_regression_1d(
        model, X, y, truth=lambda x: 2 * x, X_test=X_test, y_test=y_test, title="t"
    )
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(ax.lines) == 2  # truth and fit
    assert len(scatters(ax)) == 2  # train and test
    fit = next(line for line in ax.lines if line.get_label() == "fit")
    np.testing.assert_allclose(fit.get_ydata(), model.predict(fit.get_xdata()[:, None]))
    truth = next(line for line in ax.lines if line.get_label() == "truth")
    np.testing.assert_allclose(truth.get_ydata(), 2 * truth.get_xdata())
    # the curves span all data
    assert fit.get_xdata().min() < min(X.min(), X_test.min())
    assert fit.get_xdata().max() > max(X.max(), X_test.max())


def test_callable_predictor_1d_inputs_and_data_only():
    fig = plot_regression_1d(lambda Z: 2 * Z[:, 0], X[:, 0], y)
    assert len(fig.axes[0].lines) == 1
    fig = plot_regression_1d(None, X, y)
    assert len(fig.axes[0].lines) == 0 and len(scatters(fig.axes[0])) == 1


def test_given_ax():
    fig, axes = subplots(1, 2)
    assert plot_regression_1d(lambda Z: Z[:, 0], X, y, ax=axes[1]) is fig
    assert len(axes[1].lines) == 1 and len(axes[0].lines) == 0


def test_wild_fit_keeps_data_in_view():
    fig = plot_regression_1d(lambda Z: 1e6 * Z[:, 0] ** 15, X, y)
    lo, hi = fig.axes[0].get_ylim()
    assert lo > -10 and hi < 10


def test_errors():
    with pytest.raises(ValueError, match="shape"):
        plot_regression_1d(None, np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="y must have shape"):
        plot_regression_1d(None, X, y[:-1])
    with pytest.raises(ValueError, match="together"):
        plot_regression_1d(None, X, y, X_test=X_test)
    with pytest.raises(TypeError, match="estimator_or_predict"):
        plot_regression_1d(3, X, y)
    with pytest.raises(TypeError, match="ax"):
        plot_regression_1d(None, X, y, ax="left")
