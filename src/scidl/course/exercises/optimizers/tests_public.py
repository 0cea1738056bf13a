"""Public tests: optimizer steps."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_sgd(sub):
    """w - lr g."""
    assert_close(
        sub.sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1), [0.95, 2.1], what="sgd_step"
    )


@points(1)
def test_momentum_first_step_is_sgd(sub):
    """From v = 0 the first momentum step equals an SGD step."""
    w, v = sub.momentum_step(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1, 0.9)
    assert_close(w, [0.8], what="w")
    assert_close(v, [2.0], what="v")


@points(1)
def test_adam_first_step_size(sub):
    """Adam's first step moves each coordinate by about lr, whatever the gradient's scale."""
    w, m, v = sub.adam_step(
        np.zeros(2), np.array([1e-3, 1e3]), np.zeros(2), np.zeros(2), 1, 0.01, 0.9, 0.999, 1e-8
    )
    assert_close(
        w, [-0.01, -0.01], rtol=1e-4, what="w after one step", hint="bias correction with t = 1"
    )
