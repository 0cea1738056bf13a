"""A convolution layer: fill in the forward and backward passes."""

import numpy as np


def conv2d_forward(x, w, b):
    """Valid cross-correlation of x (N, C, H, W) with w (F, C, kh, kw), plus b (F,)."""
    # BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    Ho, Wo = H - kh + 1, W - kw + 1
    out = np.zeros((N, F, Ho, Wo)) + b[None, :, None, None]
    for p in range(kh):
        for q in range(kw):
            patch = x[:, :, p : p + Ho, q : q + Wo]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, p, q])
    return out
    # END SOLUTION


def conv2d_backward(x, w, dout):
    """Gradients (dx, dw, db) of the layer, given dout (N, F, Ho, Wo)."""
    # BEGIN SOLUTION
    F, _, kh, kw = w.shape
    Ho, Wo = dout.shape[2:]
    dx = np.zeros_like(x, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    for p in range(kh):
        for q in range(kw):
            patch = x[:, :, p : p + Ho, q : q + Wo]
            dw[:, :, p, q] = np.einsum("nfhw,nchw->fc", dout, patch)
            dx[:, :, p : p + Ho, q : q + Wo] += np.einsum("nfhw,fc->nchw", dout, w[:, :, p, q])
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
    # END SOLUTION
