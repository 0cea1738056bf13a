"""One GAN step: fill in the three functions."""

import numpy as np


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def discriminator_loss(real, fake, w, b):
    """Binary cross-entropy of the discriminator."""
    # BEGIN SOLUTION
    s_real, s_fake = w * np.asarray(real, float) + b, w * np.asarray(fake, float) + b
    return float(np.mean(np.logaddexp(0.0, -s_real)) + np.mean(np.logaddexp(0.0, s_fake)))
    # END SOLUTION


def discriminator_grads(real, fake, w, b):
    """(dL_D/dw, dL_D/db)."""
    # BEGIN SOLUTION
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    g_real = -(1.0 - _sigmoid(w * real + b)) / len(real)
    g_fake = _sigmoid(w * fake + b) / len(fake)
    return float(np.sum(g_real * real) + np.sum(g_fake * fake)), float(
        np.sum(g_real) + np.sum(g_fake)
    )
    # END SOLUTION


def generator_grads(z, a, c, w, b):
    """(dL_G/da, dL_G/dc) of the non-saturating generator loss."""
    # BEGIN SOLUTION
    z = np.asarray(z, float)
    x = a * z + c
    g_x = -(1.0 - _sigmoid(w * x + b)) * w / len(z)
    return float(np.sum(g_x * z)), float(np.sum(g_x))
    # END SOLUTION
