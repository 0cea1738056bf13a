"""Public tests: Markov state models."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_counts_small(sub):
    """0 0 1 1 0 at lag 1: transitions 0->0, 0->1, 1->1, 1->0."""
    assert_close(
        sub.count_matrix(np.array([0, 0, 1, 1, 0]), 1, 2), [[1, 1], [1, 1]], what="count_matrix"
    )


@points(1)
def test_two_state_stationary(sub):
    """For T = [[0.9, 0.1], [0.2, 0.8]], pi = (2/3, 1/3)."""
    pi = sub.stationary_distribution(np.array([[0.9, 0.1], [0.2, 0.8]]))
    assert_close(
        pi, [2 / 3, 1 / 3], what="stationary_distribution", hint="a left eigenvector: use T.T"
    )
