"""Public tests: PCA."""

import numpy as np

from scidl.course import assert_close, points


@points(2)
def test_axis_aligned_data(sub):
    """Data spread along x (variance 4) more than along y (variance 1)."""
    X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    mean, comps, var = sub.pca_svd(X, 2)
    assert_close(mean, [0.0, 0.0], what="mean")
    assert_close(np.abs(comps), np.eye(2), atol=1e-12, what="|components|")
    assert_close(var, [8.0 / 3.0, 2.0 / 3.0], what="explained_variance", hint="divide by n - 1")
