"""Hidden tests: convolution layer, against torch.nn.functional.conv2d and autograd."""

import numpy as np
import torch

from scidl.course import assert_close, points


def _case(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)


@points(2)
def test_forward_matches_torch(sub):
    """Several channels and filters, a non-square kernel."""
    x, w, b = _case(0)
    ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b)).numpy()
    assert_close(sub.conv2d_forward(x, w, b), ref, rtol=1e-10, atol=1e-10, what="conv2d_forward")


@points(3)
def test_backward_matches_autograd(sub):
    """dx, dw, db equal torch's autograd for a random upstream gradient."""
    x, w, b = _case(1)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.conv2d(tx, tw, tb)
    dout = np.random.default_rng(2).normal(size=tuple(out.shape))
    out.backward(torch.tensor(dout))
    dx, dw, db = sub.conv2d_backward(x, w, dout)
    assert_close(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-10, what="dx")
    assert_close(dw, tw.grad.numpy(), rtol=1e-10, atol=1e-10, what="dw")
    assert_close(db, tb.grad.numpy(), rtol=1e-10, atol=1e-10, what="db")
