"""Tabular Q-learning: fill in the three functions."""

import numpy as np


def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    """One Q-learning update; returns a new table."""
    # BEGIN SOLUTION
    Q = np.array(Q, dtype=float)
    target = r if done else r + gamma * np.max(Q[s_next])
    Q[s, a] += alpha * (target - Q[s, a])
    return Q
    # END SOLUTION


def greedy_policy(Q):
    """Greedy action per state (ties: smallest index)."""
    # BEGIN SOLUTION
    return np.argmax(np.asarray(Q, float), axis=1)
    # END SOLUTION


def run_q_learning(transitions, n_states, n_actions, alpha, gamma, n_sweeps):
    """Replay the transitions n_sweeps times from a zero table."""
    # BEGIN SOLUTION
    Q = np.zeros((n_states, n_actions))
    for _ in range(n_sweeps):
        for s, a, r, s_next, done in transitions:
            Q = q_update(Q, s, a, r, s_next, done, alpha, gamma)
    return Q
    # END SOLUTION
