"""The VAE's ELBO: fill in the three functions."""

import numpy as np


def gaussian_kl(mu, logvar):
    """KL(N(mu, exp(logvar)) || N(0, 1)) summed over dimensions, per sample."""
    # BEGIN SOLUTION
    mu, logvar = np.asarray(mu, float), np.asarray(logvar, float)
    return 0.5 * np.sum(mu**2 + np.exp(logvar) - 1.0 - logvar, axis=1)
    # END SOLUTION


def bernoulli_log_likelihood(x, logits):
    """Stable Bernoulli log-likelihood summed over pixels, per sample."""
    # BEGIN SOLUTION
    x, logits = np.asarray(x, float), np.asarray(logits, float)
    log_p = -np.logaddexp(0.0, -logits)
    log_1mp = -np.logaddexp(0.0, logits)
    return np.sum(x * log_p + (1 - x) * log_1mp, axis=1)
    # END SOLUTION


def elbo(x, logits, mu, logvar):
    """Mean over samples of log-likelihood minus KL."""
    # BEGIN SOLUTION
    return float(np.mean(bernoulli_log_likelihood(x, logits) - gaussian_kl(mu, logvar)))
    # END SOLUTION
