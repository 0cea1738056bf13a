"""Hidden tests: backpropagation by hand, against scidl's autodiff engine."""

import numpy as np

from scidl.autodiff import Value
from scidl.course import assert_close, points


def _autodiff(X, y, W1, b1, W2, b2):
    params = [Value(p) for p in (W1, b1, W2, b2)]
    w1, c1, w2, c2 = params
    out = (Value(X, requires_grad=False) @ w1 + c1).tanh() @ w2 + c2
    loss = ((out - Value(y, requires_grad=False)) ** 2).sum() * (1.0 / X.shape[0])
    loss.backward()
    return float(loss.data), [p.grad for p in params]


@points(3)
def test_all_gradients_match_autodiff(sub):
    """Every gradient equals the engine's, on two random networks."""
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
        args = (
            X,
            y,
            rng.normal(size=(4, 5)),
            rng.normal(size=5),
            rng.normal(size=(5, 3)),
            rng.normal(size=3),
        )
        L, *grads = sub.forward_backward(*args)
        ref_L, ref_grads = _autodiff(*args)
        assert_close(L, ref_L, what="loss")
        for name, g, r in zip(("dW1", "db1", "dW2", "db2"), grads, ref_grads):
            assert_close(g, r, rtol=1e-6, atol=1e-9, what=name)


@points(1)
def test_single_sample_single_unit(sub):
    """n = m = k = d = 1: the gradients by the chain rule on scalars."""
    L, dW1, db1, dW2, db2 = sub.forward_backward(
        np.array([[0.5]]),
        np.array([[1.0]]),
        np.array([[2.0]]),
        np.array([0.0]),
        np.array([[1.0]]),
        np.array([0.0]),
    )
    h = np.tanh(1.0)
    assert_close(dW1, [[2 * (h - 1) * (1 - h**2) * 0.5]], what="dW1")
