"""PCA by SVD: fill in the two functions."""

import numpy as np


def pca_svd(X, n_components):
    """(mean, components, explained_variance) of the data X (n, d)."""
    # BEGIN SOLUTION
    X = np.asarray(X, float)
    mean = X.mean(axis=0)
    _, S, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean, Vt[:n_components], S[:n_components] ** 2 / (len(X) - 1)
    # END SOLUTION


def pca_transform(X, mean, components):
    """Coordinates of X along the principal axes."""
    # BEGIN SOLUTION
    return (np.asarray(X, float) - mean) @ np.asarray(components, float).T
    # END SOLUTION
