# ruff: noqa: F401
"""K-fold cross-validation: fill in the two functions."""

import numpy as np


def kfold_indices(n_samples, n_folds):
    """List of (train, test) index arrays of consecutive, unshuffled folds."""
    # YOUR CODE HERE
    raise NotImplementedError("kfold_indices")


def cross_val_mse(x, y, degree, n_folds):
    """Mean test MSE over the folds of a least-squares polynomial of the given degree."""
    # YOUR CODE HERE
    raise NotImplementedError("cross_val_mse")
