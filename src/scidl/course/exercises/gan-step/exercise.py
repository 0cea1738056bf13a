# ruff: noqa: F401
"""One GAN step: fill in the three functions."""

import numpy as np


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def discriminator_loss(real, fake, w, b):
    """Binary cross-entropy of the discriminator."""
    # YOUR CODE HERE
    raise NotImplementedError("discriminator_loss")


def discriminator_grads(real, fake, w, b):
    """(dL_D/dw, dL_D/db)."""
    # YOUR CODE HERE
    raise NotImplementedError("discriminator_grads")


def generator_grads(z, a, c, w, b):
    """(dL_G/da, dL_G/dc) of the non-saturating generator loss."""
    # YOUR CODE HERE
    raise NotImplementedError("generator_grads")
