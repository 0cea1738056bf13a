"""TICA: fill in the function."""

import numpy as np
import scipy.linalg


def tica(X, lagtime, n_components):
    """(eigenvalues, eigenvectors) of the symmetrised TICA problem."""
    # BEGIN SOLUTION
    X = np.asarray(X, float)
    A, B = X[:-lagtime], X[lagtime:]
    mean = 0.5 * (A.mean(axis=0) + B.mean(axis=0))
    A, B = A - mean, B - mean
    n = 2 * len(A)
    C0 = (A.T @ A + B.T @ B) / n
    Ct = (A.T @ B + B.T @ A) / n
    vals, vecs = scipy.linalg.eigh(Ct, C0)
    order = np.argsort(vals)[::-1][:n_components]
    return vals[order], vecs[:, order]
    # END SOLUTION
