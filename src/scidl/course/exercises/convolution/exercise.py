# ruff: noqa: F401
"""A convolution layer: fill in the forward and backward passes."""

import numpy as np


def conv2d_forward(x, w, b):
    """Valid cross-correlation of x (N, C, H, W) with w (F, C, kh, kw), plus b (F,)."""
    # YOUR CODE HERE
    raise NotImplementedError("conv2d_forward")


def conv2d_backward(x, w, dout):
    """Gradients (dx, dw, db) of the layer, given dout (N, F, Ho, Wo)."""
    # YOUR CODE HERE
    raise NotImplementedError("conv2d_backward")
