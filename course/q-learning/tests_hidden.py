"""Hidden tests: Q-learning, against the Bellman optimality solution of a chain."""

import numpy as np

from scidl.course import assert_close, points


def _chain_transitions(n=4):
    """States 0..n-1 in a line; action 1 moves right, action 0 stays; reward 1 on reaching n-1."""
    trans = []
    for s in range(n - 1):
        trans.append((s, 0, 0.0, s, False))
        trans.append((s, 1, 1.0 if s + 1 == n - 1 else 0.0, s + 1, s + 1 == n - 1))
    return trans


@points(3)
def test_converges_to_bellman_optimum(sub):
    """Deterministic chain: Q*(s, right) = gamma^(n-2-s), Q*(s, stay) = gamma Q*(s, right)."""
    gamma, n = 0.9, 4
    Q = np.asarray(sub.run_q_learning(_chain_transitions(n), n, 2, 1.0, gamma, 10))
    right = gamma ** (n - 2 - np.arange(n - 1))
    assert_close(Q[:-1, 1], right, rtol=1e-9, what="Q(s, right)")
    assert_close(Q[:-1, 0], gamma * right, rtol=1e-9, what="Q(s, stay)")
    assert_close(sub.greedy_policy(Q)[:-1], [1, 1, 1], what="greedy policy")


@points(2)
def test_terminal_drops_bootstrap_and_input_untouched(sub):
    """done=True ignores Q[s_next]; done=False bootstraps from it."""
    Q0 = np.array([[0.0, 0.0], [10.0, 10.0]])
    Q = sub.q_update(Q0, 0, 0, 1.0, 1, True, 0.5, 0.9)
    assert_close(Q[0, 0], 0.5, what="Q[0, 0] after a terminal update")
    Q = sub.q_update(Q0, 0, 0, 1.0, 1, False, 0.5, 0.9)
    assert_close(Q[0, 0], 0.5 * (1 + 9.0), what="Q[0, 0] after a non-terminal update")
