"""Public tests: the perceptron."""

import numpy as np

from scidl.course import assert_close, assert_equal, points


@points(1)
def test_predict_signs(sub):
    """The boundary itself counts as +1."""
    got = sub.perceptron_predict(
        np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]]), np.array([1.0, 0.0]), 0.0
    )
    assert_close(got, [1, -1, 1], what="perceptron_predict")


@points(2)
def test_first_update_from_zero(sub):
    """From w = 0 every sample is a mistake until the first update."""
    X = np.array([[1.0, 2.0], [2.0, 1.0]])
    w, b, m = sub.perceptron_epoch(X, np.array([1, 1]), np.zeros(2), 0.0, 0.5)
    assert_close(w, [0.5, 1.0], what="w after one epoch", hint="only the first sample is a mistake")
    assert_close(b, 0.5, what="b after one epoch")
    assert_equal(m, 1, what="number of mistakes")
