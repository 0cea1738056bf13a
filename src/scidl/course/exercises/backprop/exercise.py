# ruff: noqa: F401
"""Backpropagation by hand: fill in forward_backward."""

import numpy as np


def forward_backward(X, y, W1, b1, W2, b2):
    """Loss and gradients (L, dW1, db1, dW2, db2) of a tanh network with squared error."""
    # YOUR CODE HERE
    raise NotImplementedError("forward_backward")
