"""Hidden tests: PCA, against scikit-learn's PCA."""

import numpy as np
from sklearn.decomposition import PCA

from scidl.course import assert_close, points


def _data():
    rng = np.random.default_rng(4)
    return rng.normal(size=(50, 5)) @ rng.normal(size=(5, 5)) + 3.0


@points(3)
def test_matches_sklearn(sub):
    """Mean, axes (up to sign) and variances equal scikit-learn's."""
    X = _data()
    ref = PCA(3).fit(X)
    mean, comps, var = sub.pca_svd(X, 3)
    assert_close(mean, ref.mean_, what="mean")
    assert_close(var, ref.explained_variance_, rtol=1e-8, what="explained_variance")
    signs = np.sign(np.sum(np.asarray(comps) * ref.components_, axis=1))
    assert_close(
        np.asarray(comps) * signs[:, None],
        ref.components_,
        atol=1e-8,
        what="components (up to sign)",
    )


@points(2)
def test_transform_decorrelates(sub):
    """Projected coordinates are uncorrelated with the explained variances on the diagonal."""
    X = _data()
    mean, comps, var = sub.pca_svd(X, 4)
    Z = sub.pca_transform(X, mean, comps)
    assert_close(
        np.cov(np.asarray(Z).T), np.diag(var), atol=1e-8, what="covariance of the projections"
    )
