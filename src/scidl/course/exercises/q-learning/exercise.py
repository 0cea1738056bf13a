# ruff: noqa: F401
"""Tabular Q-learning: fill in the three functions."""

import numpy as np


def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    """One Q-learning update; returns a new table."""
    # YOUR CODE HERE
    raise NotImplementedError("q_update")


def greedy_policy(Q):
    """Greedy action per state (ties: smallest index)."""
    # YOUR CODE HERE
    raise NotImplementedError("greedy_policy")


def run_q_learning(transitions, n_states, n_actions, alpha, gamma, n_sweeps):
    """Replay the transitions n_sweeps times from a zero table."""
    # YOUR CODE HERE
    raise NotImplementedError("run_q_learning")
