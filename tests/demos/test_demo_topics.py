import json
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.demos import run_demo


def check_result(result, figures):
    label, value = result.headline
    assert label and isinstance(value, (int, float, str))
    assert set(result.figures) == set(figures)
    assert all(
        isinstance(fig, Figure) or bytes(fig[:4]) == b"GIF8" for fig in result.figures.values()
    )
    json.dumps(result.metrics, allow_nan=False)
    for value in result.metrics.values():
        assert isinstance(value, (int, float, str))
        if isinstance(value, float):
            assert math.isfinite(value)
    assert len(result.text) > 100
    assert result.seconds > 0


def test_least_squares_recovers_known_answers():
    result = run_demo("least-squares", quick=True, random_state=0)
    check_result(result, {"line", "harmonic", "sine_features"})
    m = result.metrics
    assert m["harmonic_k_true"] == 3.0
    assert abs(m["harmonic_k"] - 3.0) / 3.0 < 0.1
    assert m["harmonic_k_relative_error"] == pytest.approx(abs(m["harmonic_k"] - 3.0) / 3.0)
    assert abs(m["line_slope"] - 2.0) < 0.3 and abs(m["line_intercept"] - 0.5) < 0.3
    # more features fit the training data better ...
    assert m["sin_poly15_train_mse"] < m["sin_poly5_train_mse"] < m["sin_poly1_train_mse"]
    # ... and a good feature space gets the test error near the noise variance 0.15**2
    assert m["sin_poly5_test_mse"] < 0.05 and m["sin_rbf10_test_mse"] < 0.05
    assert len(result.figures["sine_features"].axes) == 4
    assert "k = " in result.text
    assert result.headline == ("fitted spring constant k (true 3)", m["harmonic_k"])


def test_least_squares_is_reproducible_and_seeded():
    a = run_demo("least-squares", random_state=0).metrics
    b = run_demo("least-squares", random_state=0).metrics
    c = run_demo("least-squares", random_state=1).metrics
    assert a == b
    assert a["harmonic_k"] != c["harmonic_k"]


@pytest.mark.slow
def test_mlp_mnist_quick():
    result = run_demo("mlp-mnist", quick=True, random_state=0)
    check_result(result, {"learning_curves", "misclassified", "confusion_matrix"})
    m = result.metrics
    assert m["n_train"] == 1000 and m["n_test"] == 1000
    assert 1 <= m["epochs"] <= 3
    assert 0.6 < m["test_accuracy"] <= 1.0
    assert result.headline == ("test accuracy", m["test_accuracy"])
    assert m["n_misclassified"] == round((1 - m["test_accuracy"]) * m["n_test"])
    assert len(result.figures["misclassified"].axes) == min(30, m["n_misclassified"])
    confusion = result.figures["confusion_matrix"].axes[0].images[0].get_array()
    assert confusion.shape == (10, 10)
    # a stratified split: 100 test images of each digit
    np.testing.assert_array_equal(confusion.sum(axis=1), np.full(10, 100))


def test_minimization_not_reached_is_none_never_a_sentinel():
    # Regression: steps_to_tolerance wrote -1 for "not within tolerance after max_steps".
    result = run_demo("minimization", quick=True)
    m = result.metrics
    assert m["max_steps"] == 500 and m["tolerance"] == 1e-4
    steps = m["steps_to_tolerance"]
    values = [v for row in steps.values() for v in row.values()]
    assert None in values and all(v is None or 0 < v <= 500 for v in values)
    # plain gradient descent cannot follow Rosenbrock's valley in 500 steps; L-BFGS can
    assert steps["sgd"]["rosenbrock"] is None and steps["lbfgs"]["rosenbrock"] < 100
    assert '"rosenbrock": null' in json.dumps(m)
    assert result.headline == ("adam steps to 0.0001 on rosenbrock", "> 500")
    assert ">500" in result.text and "-1" not in result.text
