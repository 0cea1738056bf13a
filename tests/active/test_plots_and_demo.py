"""The active-learning figures and the chapter-11 demo (quick mode)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.active import LearningCurve
from scidl.demos import get_demo, run_demo
from scidl.plot import plot_active_learning_curves, plot_queried_samples


def _curve(strategy, scoring="accuracy", offset=0.0):
    n = np.array([10, 20, 30])
    scores = np.array([[0.5, 0.7, 0.8], [0.6, 0.8, np.nan]]) + offset
    return LearningCurve(n, scores, strategy, scoring)


def test_curves_draw_the_seed_mean_and_a_band_per_strategy():
    fig = plot_active_learning_curves([_curve("random"), _curve("margin", offset=0.1)])
    ax = fig.axes[0]
    assert [line.get_label().split(" (")[0] for line in ax.lines] == ["random", "margin"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.55, 0.75, 0.8])  # NaN-aware mean
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.65, 0.85, 0.9])
    assert len(ax.collections) == 2  # one sd band each


def test_negated_scorers_are_drawn_as_positive_errors_on_a_log_axis():
    curve = LearningCurve(
        np.array([5, 10]), -np.array([[2.0, 1.0]]), "variance", "neg_root_mean_squared_error"
    )
    fig = plot_active_learning_curves({"qbc": curve}, reference={"anchor": (10, 0.5)})
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2.0, 1.0])
    assert ax.get_yscale() == "log" and "root mean squared error" in ax.get_ylabel()


def test_queried_samples_mark_initial_and_queried_points_in_order():
    X = np.random.default_rng(0).uniform(size=(30, 2))
    fig = plot_queried_samples(X, np.array([3, 4, 10, 11, 12]), values=X[:, 0], n_initial=2)
    assert isinstance(fig, Figure)
    offsets = [c.get_offsets() for c in fig.axes[0].collections]
    np.testing.assert_allclose(offsets[1], X[[3, 4]])  # the initial crosses
    np.testing.assert_allclose(offsets[2], X[[10, 11, 12]])  # the queries
    with pytest.raises(ValueError, match="labeled"):
        plot_queried_samples(X, np.array([0, 30]))
    with pytest.raises(ValueError, match="X"):
        plot_queried_samples(X[:, :1], np.array([0]))


def test_plot_inputs_are_checked():
    with pytest.raises(TypeError, match="curves"):
        plot_active_learning_curves("random")
    with pytest.raises(ValueError, match="scores"):
        plot_active_learning_curves(
            {"bad": LearningCurve(np.array([1, 2]), np.ones((2, 3)), "random", "accuracy")}
        )


def test_the_demo_is_registered_in_chapter_11_and_runs_quickly():
    demo = get_demo("active-learning")
    assert (demo.chapter, demo.position) == (11, 1)
    result = run_demo("active-learning", quick=True, random_state=0)
    m = result.metrics
    assert m["iris_least_confident_start"] == pytest.approx(1 / 3)  # k=3 votes over 3 labels
    for key in ("mnist_random_accuracy", "mnist_margin_accuracy", "mb_random_rmse"):
        assert np.isfinite(m[key])
    assert m["mb_energy_std"] > m["mb_random_rmse"] > 0  # better than predicting the mean
    assert set(result.figures) == {
        "iris_curves",
        "mnist_curves",
        "muller_brown_curves",
        "muller_brown_queries",
    }
    assert all(isinstance(f, Figure) for f in result.figures.values())
