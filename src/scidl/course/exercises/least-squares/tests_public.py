"""Public tests: least squares with feature maps."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_polynomial_features_small(sub):
    """Columns 1, x, x^2."""
    got = sub.polynomial_features(np.array([0.0, 1.0, 2.0]), 2)
    assert_close(
        got,
        [[1, 0, 0], [1, 1, 1], [1, 2, 4]],
        what="polynomial_features([0, 1, 2], 2)",
        hint="column j holds x**j, starting with the constant column",
    )


@points(2)
def test_fit_recovers_a_quadratic(sub):
    """Noise-free data from 1 - 2x + 0.5x^2 are fitted exactly."""
    x = np.linspace(-1, 1, 7)
    Phi = np.stack([np.ones_like(x), x, x**2], axis=1)
    got = sub.fit_least_squares(Phi, 1 - 2 * x + 0.5 * x**2)
    assert_close(got, [1.0, -2.0, 0.5], rtol=1e-6, atol=1e-8, what="fit_least_squares")


@points(1)
def test_predict(sub):
    """predict is the matrix-vector product."""
    assert_close(
        sub.predict(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, -1.0])),
        [-1.0, -1.0],
        what="predict",
    )
