"""Backpropagation by hand: fill in forward_backward."""

import numpy as np


def forward_backward(X, y, W1, b1, W2, b2):
    """Loss and gradients (L, dW1, db1, dW2, db2) of a tanh network with squared error."""
    # BEGIN SOLUTION
    n = X.shape[0]
    a = X @ W1 + b1
    h = np.tanh(a)
    out = h @ W2 + b2
    diff = out - y
    loss = float(np.sum(diff**2) / n)
    dout = 2.0 * diff / n
    dW2 = h.T @ dout
    db2 = dout.sum(axis=0)
    da = (dout @ W2.T) * (1.0 - h**2)
    dW1 = X.T @ da
    db1 = da.sum(axis=0)
    return loss, dW1, db1, dW2, db2
    # END SOLUTION
