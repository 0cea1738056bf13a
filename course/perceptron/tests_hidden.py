"""Hidden tests: the perceptron, against a step-by-step reference and the convergence theorem."""

import numpy as np

from scidl.course import assert_close, assert_equal, points


def _reference_epoch(X, y, w, b, lr):
    w, mistakes = w.copy(), 0
    for i in range(len(X)):
        if y[i] * (X[i] @ w + b) <= 0:
            w, b, mistakes = w + lr * y[i] * X[i], b + lr * y[i], mistakes + 1
    return w, b, mistakes


@points(2)
def test_epoch_matches_reference(sub):
    """Three epochs on random data, state carried between them."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(25, 3))
    y = np.where(X @ np.array([1.0, -2.0, 0.5]) + 0.3 > 0, 1, -1)
    w, b = np.zeros(3), 0.0
    for epoch in range(3):
        rw, rb, rm = _reference_epoch(X, y, w, b, 0.1)
        w, b, m = sub.perceptron_epoch(X, y, w, b, 0.1)
        assert_close(w, rw, what=f"w after epoch {epoch + 1}")
        assert_close(b, rb, what=f"b after epoch {epoch + 1}")
        assert_equal(int(m), rm, what=f"mistakes in epoch {epoch + 1}")


@points(2)
def test_converges_on_separable_data(sub):
    """Separable data with a margin: the mistakes reach 0 (Novikoff's theorem) and stay there."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(60, 2))
    margin = X @ np.array([1.0, 1.0])
    X, y = X[np.abs(margin) > 0.3], np.where(margin[np.abs(margin) > 0.3] > 0, 1, -1)
    w, b = np.zeros(2), 0.0
    for _ in range(100):
        w, b, m = sub.perceptron_epoch(X, y, w, b, 1.0)
        if m == 0:
            break
    assert_equal(
        int(m), 0, what="mistakes in the last epoch", hint="the data are linearly separable"
    )
    assert_close(sub.perceptron_predict(X, w, b), y, what="predictions on the training set")
