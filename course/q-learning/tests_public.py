"""Public tests: tabular Q-learning."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_single_update(sub):
    """From Q = 0: Q[0, 1] = alpha * r."""
    Q = sub.q_update(np.zeros((2, 2)), 0, 1, 1.0, 1, False, 0.5, 0.9)
    assert_close(Q, [[0, 0.5], [0, 0]], what="Q after one update")


@points(1)
def test_greedy_ties(sub):
    """Ties go to the smallest action."""
    assert_close(
        sub.greedy_policy(np.array([[1.0, 1.0], [0.0, 2.0]])), [0, 1], what="greedy_policy"
    )
