"""Hidden tests: least squares with feature maps."""

import numpy as np

from scidl.course import assert_close, points


@points(2)
def test_noisy_fit_matches_normal_equations(sub):
    """On noisy data the weights satisfy the normal equations (a known answer via lstsq)."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 2, 40)
    y = np.sin(x) + 0.1 * rng.normal(size=40)
    Phi = sub.polynomial_features(x, 4)
    assert_close(Phi, x[:, None] ** np.arange(5), what="polynomial_features(x, 4)")
    w = sub.fit_least_squares(Phi, y)
    assert_close(w, np.linalg.lstsq(Phi, y, rcond=None)[0], rtol=1e-6, atol=1e-8, what="weights")


@points(2)
def test_rank_deficient_minimum_norm(sub):
    """Two identical columns: the minimum-norm solution splits the weight equally."""
    x = np.linspace(0, 1, 5)
    Phi = np.stack([x, x], axis=1)
    assert_close(
        sub.fit_least_squares(Phi, 2 * x),
        [1.0, 1.0],
        rtol=1e-6,
        atol=1e-8,
        what="weights for duplicated columns",
        hint="use the pseudo-inverse / lstsq",
    )


@points(1)
def test_degree_zero_and_predict(sub):
    """Degree 0 fits the mean."""
    y = np.array([1.0, 2.0, 6.0])
    Phi = sub.polynomial_features(np.array([5.0, 6.0, 7.0]), 0)
    w = sub.fit_least_squares(Phi, y)
    assert_close(sub.predict(Phi, w), [3.0, 3.0, 3.0], what="prediction of a constant fit")
