"""Public tests: backpropagation by hand."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_loss_at_zero_weights(sub):
    """With all weights zero the output is b2, so the loss is known."""
    X, y = np.ones((2, 3)), np.array([[1.0], [3.0]])
    L, dW1, db1, dW2, db2 = sub.forward_backward(
        X, y, np.zeros((3, 2)), np.zeros(2), np.zeros((2, 1)), np.zeros(1)
    )
    assert_close(L, 5.0, what="loss", hint="mean over the 2 samples of the squared errors 1 and 9")
    assert_close(db2, [-4.0], what="db2", hint="dL/db2 = (2/n) * sum(yhat - y)")


@points(2)
def test_shapes_and_finite_differences(sub):
    """dW2 matches a central finite difference."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    W1, b1, W2, b2 = (
        rng.normal(size=(3, 5)),
        rng.normal(size=5),
        rng.normal(size=(5, 2)),
        rng.normal(size=2),
    )
    L, dW1, db1, dW2, db2 = sub.forward_backward(X, y, W1, b1, W2, b2)
    eps, num = 1e-6, np.zeros_like(W2)
    for idx in np.ndindex(*W2.shape):
        Wp, Wm = W2.copy(), W2.copy()
        Wp[idx] += eps
        Wm[idx] -= eps
        lp = np.sum((np.tanh(X @ W1 + b1) @ Wp + b2 - y) ** 2) / 4
        lm = np.sum((np.tanh(X @ W1 + b1) @ Wm + b2 - y) ** 2) / 4
        num[idx] = (lp - lm) / (2 * eps)
    assert_close(dW2, num, rtol=1e-5, atol=1e-7, what="dW2")
