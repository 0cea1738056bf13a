# ruff: noqa: F401
"""Divergences and a normalizing-flow layer: fill in the three functions."""

import numpy as np


def kl_divergence(p, q):
    """KL(p || q) of two discrete distributions, with 0 log 0 = 0."""
    # YOUR CODE HERE
    raise NotImplementedError("kl_divergence")


def coupling_forward(x, mask, s, t):
    """Affine coupling y = m x + (1 - m)(x exp(s) + t); returns (y, log_det)."""
    # YOUR CODE HERE
    raise NotImplementedError("coupling_forward")


def flow_log_prob(x, mask, s, t):
    """log p(x) of the data under the flow to a standard normal latent."""
    # YOUR CODE HERE
    raise NotImplementedError("flow_log_prob")
