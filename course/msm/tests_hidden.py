"""Hidden tests: Markov state models, against a simulated chain with a known answer."""

import numpy as np

from scidl.course import assert_close, points


def _chain(T, n, seed):
    rng = np.random.default_rng(seed)
    cum = np.cumsum(T, axis=1)
    s = np.zeros(n, dtype=int)
    u = rng.random(n)
    for t in range(1, n):
        s[t] = min(int(np.searchsorted(cum[s[t - 1]], u[t])), len(T) - 1)
    return s


T_TRUE = np.array([[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.25, 0.7]])


@points(2)
def test_counts_at_lag_two(sub):
    """Counts at lag 2 equal a direct count, and sum to T - 2."""
    s = _chain(T_TRUE, 300, 0)
    C = np.asarray(sub.count_matrix(s, 2, 3))
    ref = np.zeros((3, 3))
    for a, b in zip(s[:-2], s[2:]):
        ref[a, b] += 1
    assert_close(C, ref, what="count_matrix at lag 2")


@points(2)
def test_estimate_converges_to_the_true_chain(sub):
    """From 20000 steps the MLE is within 0.03 of the true matrix; rows sum to 1."""
    s = _chain(T_TRUE, 20000, 1)
    T = np.asarray(sub.transition_matrix(sub.count_matrix(s, 1, 3)))
    assert_close(T.sum(axis=1), np.ones(3), what="row sums")
    assert_close(T, T_TRUE, atol=0.03, what="estimated transition matrix")


@points(2)
def test_stationary_distribution_exact(sub):
    """pi of the true matrix: the null vector of (T^T - I), normalised."""
    w, v = np.linalg.eig(T_TRUE.T)
    ref = np.real(v[:, np.argmax(np.real(w))])
    ref /= ref.sum()
    assert_close(
        sub.stationary_distribution(T_TRUE), ref, rtol=1e-8, what="stationary_distribution"
    )
    assert_close(
        sub.transition_matrix(np.array([[0.0, 0.0], [1.0, 3.0]])),
        [[0, 0], [0.25, 0.75]],
        what="transition_matrix with an empty row",
    )
