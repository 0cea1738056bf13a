"""Public tests: TICA."""

import numpy as np

from scidl.course import assert_close, assert_equal, points


@points(2)
def test_ar1_process(sub):
    """Independent AR(1) coordinates with coefficients 0.9 and 0.2: eigenvalues about 0.9, 0.2."""
    rng = np.random.default_rng(0)
    X = np.zeros((4000, 2))
    for t in range(1, 4000):
        X[t] = np.array([0.9, 0.2]) * X[t - 1] + rng.normal(size=2)
    vals, vecs = sub.tica(X, 1, 2)
    assert_equal(np.shape(vecs), (2, 2), what="shape of the eigenvectors")
    assert_close(
        vals, [0.9, 0.2], atol=0.05, what="eigenvalues", hint="sort them in decreasing order"
    )
