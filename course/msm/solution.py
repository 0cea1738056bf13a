"""Markov state models: fill in the three functions."""

import numpy as np


def count_matrix(dtraj, lagtime, n_states):
    """Sliding-window transition counts at the given lag time."""
    # BEGIN SOLUTION
    dtraj = np.asarray(dtraj, dtype=int)
    C = np.zeros((n_states, n_states))
    np.add.at(C, (dtraj[:-lagtime], dtraj[lagtime:]), 1.0)
    return C
    # END SOLUTION


def transition_matrix(C):
    """Row-normalised counts."""
    # BEGIN SOLUTION
    C = np.asarray(C, float)
    rows = C.sum(axis=1, keepdims=True)
    return np.divide(C, rows, out=np.zeros_like(C), where=rows > 0)
    # END SOLUTION


def stationary_distribution(T):
    """Left eigenvector of T for eigenvalue 1, normalised to sum 1."""
    # BEGIN SOLUTION
    vals, vecs = np.linalg.eig(np.asarray(T, float).T)
    pi = np.real(vecs[:, np.argmin(np.abs(vals - 1.0))])
    return np.abs(pi) / np.abs(pi).sum()
    # END SOLUTION
