"""Optimizer steps: fill in the three functions."""

import numpy as np


def sgd_step(w, g, lr):
    """Plain gradient step."""
    # BEGIN SOLUTION
    return np.asarray(w, float) - lr * np.asarray(g, float)
    # END SOLUTION


def momentum_step(w, g, v, lr, beta):
    """Heavy-ball momentum (PyTorch convention); returns (w, v)."""
    # BEGIN SOLUTION
    v = beta * np.asarray(v, float) + np.asarray(g, float)
    return np.asarray(w, float) - lr * v, v
    # END SOLUTION


def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """One Adam step with bias correction; returns (w, m, v)."""
    # BEGIN SOLUTION
    g = np.asarray(g, float)
    m = beta1 * np.asarray(m, float) + (1 - beta1) * g
    v = beta2 * np.asarray(v, float) + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return np.asarray(w, float) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION
