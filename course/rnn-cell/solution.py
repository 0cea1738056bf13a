"""A recurrent cell: fill in the two functions."""

import numpy as np


def rnn_cell(x, h, Wx, Wh, b):
    """One step of the tanh recurrent cell."""
    # BEGIN SOLUTION
    return np.tanh(np.asarray(x, float) @ Wx.T + np.asarray(h, float) @ Wh.T + b)
    # END SOLUTION


def rnn_forward(xs, h0, Wx, Wh, b):
    """All hidden states of a sequence, shape (T, N, H)."""
    # BEGIN SOLUTION
    states, h = [], np.asarray(h0, float)
    for x in np.asarray(xs, float):
        h = rnn_cell(x, h, Wx, Wh, b)
        states.append(h)
    return np.stack(states)
    # END SOLUTION
