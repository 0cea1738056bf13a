# ruff: noqa: F401
"""Optimizer steps: fill in the three functions."""

import numpy as np


def sgd_step(w, g, lr):
    """Plain gradient step."""
    # YOUR CODE HERE
    raise NotImplementedError("sgd_step")


def momentum_step(w, g, v, lr, beta):
    """Heavy-ball momentum (PyTorch convention); returns (w, v)."""
    # YOUR CODE HERE
    raise NotImplementedError("momentum_step")


def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """One Adam step with bias correction; returns (w, m, v)."""
    # YOUR CODE HERE
    raise NotImplementedError("adam_step")
