# ruff: noqa: F401
"""Rosenblatt's perceptron: fill in the two functions."""

import numpy as np


def perceptron_predict(X, w, b):
    """+1 where X @ w + b >= 0, else -1."""
    # YOUR CODE HERE
    raise NotImplementedError("perceptron_predict")


def perceptron_epoch(X, y, w, b, lr):
    """One ordered pass of perceptron updates; returns (w, b, n_mistakes)."""
    # YOUR CODE HERE
    raise NotImplementedError("perceptron_epoch")
