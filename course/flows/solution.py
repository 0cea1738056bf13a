"""Divergences and a normalizing-flow layer: fill in the three functions."""

import numpy as np


def kl_divergence(p, q):
    """KL(p || q) of two discrete distributions, with 0 log 0 = 0."""
    # BEGIN SOLUTION
    p, q = np.asarray(p, float), np.asarray(q, float)
    support = p > 0
    return float(np.sum(p[support] * np.log(p[support] / q[support])))
    # END SOLUTION


def coupling_forward(x, mask, s, t):
    """Affine coupling y = m x + (1 - m)(x exp(s) + t); returns (y, log_det)."""
    # BEGIN SOLUTION
    x, mask = np.asarray(x, float), np.asarray(mask, float)
    s, t = np.asarray(s, float), np.asarray(t, float)
    y = mask * x + (1 - mask) * (x * np.exp(s) + t)
    log_det = np.full(len(x), np.sum((1 - mask) * s))
    return y, log_det
    # END SOLUTION


def flow_log_prob(x, mask, s, t):
    """log p(x) of the data under the flow to a standard normal latent."""
    # BEGIN SOLUTION
    y, log_det = coupling_forward(x, mask, s, t)
    d = y.shape[1]
    log_normal = -0.5 * np.sum(y**2, axis=1) - 0.5 * d * np.log(2 * np.pi)
    return log_normal + log_det
    # END SOLUTION
