"""Rosenblatt's perceptron: fill in the two functions."""

import numpy as np


def perceptron_predict(X, w, b):
    """+1 where X @ w + b >= 0, else -1."""
    # BEGIN SOLUTION
    return np.where(np.asarray(X, float) @ np.asarray(w, float) + b >= 0, 1, -1)
    # END SOLUTION


def perceptron_epoch(X, y, w, b, lr):
    """One ordered pass of perceptron updates; returns (w, b, n_mistakes)."""
    # BEGIN SOLUTION
    w = np.array(w, dtype=float)
    b = float(b)
    mistakes = 0
    for xi, yi in zip(np.asarray(X, float), np.asarray(y)):
        if yi * (xi @ w + b) <= 0:
            w += lr * yi * xi
            b += lr * yi
            mistakes += 1
    return w, b, mistakes
    # END SOLUTION
