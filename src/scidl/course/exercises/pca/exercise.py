# ruff: noqa: F401
"""PCA by SVD: fill in the two functions."""

import numpy as np


def pca_svd(X, n_components):
    """(mean, components, explained_variance) of the data X (n, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("pca_svd")


def pca_transform(X, mean, components):
    """Coordinates of X along the principal axes."""
    # YOUR CODE HERE
    raise NotImplementedError("pca_transform")
