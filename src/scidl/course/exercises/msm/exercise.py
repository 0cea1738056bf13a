# ruff: noqa: F401
"""Markov state models: fill in the three functions."""

import numpy as np


def count_matrix(dtraj, lagtime, n_states):
    """Sliding-window transition counts at the given lag time."""
    # YOUR CODE HERE
    raise NotImplementedError("count_matrix")


def transition_matrix(C):
    """Row-normalised counts."""
    # YOUR CODE HERE
    raise NotImplementedError("transition_matrix")


def stationary_distribution(T):
    """Left eigenvector of T for eigenvalue 1, normalised to sum 1."""
    # YOUR CODE HERE
    raise NotImplementedError("stationary_distribution")
