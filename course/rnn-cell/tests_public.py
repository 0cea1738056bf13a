"""Public tests: the recurrent cell."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_zero_weights(sub):
    """Zero weights: the state is tanh(b)."""
    h = sub.rnn_cell(
        np.ones((2, 3)), np.ones((2, 4)), np.zeros((4, 3)), np.zeros((4, 4)), np.full(4, 0.5)
    )
    assert_close(h, np.full((2, 4), np.tanh(0.5)), what="rnn_cell")


@points(1)
def test_forward_shape_and_first_state(sub):
    """The first state of rnn_forward is one cell step from h0."""
    xs = np.ones((3, 1, 1))
    hs = sub.rnn_forward(xs, np.zeros((1, 1)), np.array([[1.0]]), np.array([[0.0]]), np.zeros(1))
    assert_close(hs, np.full((3, 1, 1), np.tanh(1.0)), what="rnn_forward with Wh = 0")
