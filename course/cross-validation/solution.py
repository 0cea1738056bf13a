"""K-fold cross-validation: fill in the two functions."""

import numpy as np


def kfold_indices(n_samples, n_folds):
    """List of (train, test) index arrays of consecutive, unshuffled folds."""
    # BEGIN SOLUTION
    sizes = np.full(n_folds, n_samples // n_folds)
    sizes[: n_samples % n_folds] += 1
    folds, start = [], 0
    for size in sizes:
        test = np.arange(start, start + size)
        train = np.concatenate([np.arange(0, start), np.arange(start + size, n_samples)])
        folds.append((train, test))
        start += size
    return folds
    # END SOLUTION


def cross_val_mse(x, y, degree, n_folds):
    """Mean test MSE over the folds of a least-squares polynomial of the given degree."""
    # BEGIN SOLUTION
    x, y = np.asarray(x, float), np.asarray(y, float)
    Phi = x[:, None] ** np.arange(degree + 1)
    errors = []
    for train, test in kfold_indices(len(x), n_folds):
        w = np.linalg.lstsq(Phi[train], y[train], rcond=None)[0]
        errors.append(np.mean((Phi[test] @ w - y[test]) ** 2))
    return float(np.mean(errors))
    # END SOLUTION
