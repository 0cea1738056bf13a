"""Public tests: convolution layer."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_identity_filter(sub):
    """A 1x1 filter of weight 2 doubles the image; the bias is added."""
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    out = sub.conv2d_forward(x, np.full((1, 1, 1, 1), 2.0), np.array([1.0]))
    assert_close(out, 2 * x + 1, what="conv2d_forward with a 1x1 filter")


@points(1)
def test_box_filter(sub):
    """A 2x2 box filter sums neighbourhoods (a known answer)."""
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    out = sub.conv2d_forward(x, np.ones((1, 1, 2, 2)), np.zeros(1))
    assert_close(
        out,
        [[[[8.0, 12.0], [20.0, 24.0]]]],
        what="2x2 box filter",
        hint="no kernel flip: out[i, j] = sum_pq w[p, q] x[i + p, j + q]",
    )


@points(1)
def test_bias_gradient(sub):
    """db sums dout over samples and pixels."""
    x, w = np.zeros((2, 1, 3, 3)), np.zeros((3, 1, 2, 2))
    dx, dw, db = sub.conv2d_backward(x, w, np.ones((2, 3, 2, 2)))
    assert_close(db, [8.0, 8.0, 8.0], what="db")
