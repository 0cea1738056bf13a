"""Generative models: variational autoencoders, Gaussian-mixture VAEs, RBMs.

Chapter 8 of the course (generative learning and latent variables) and the
2006 breakthrough (greedy layer-wise pretraining of deep belief networks).

- The pieces of a variational bound: :func:`reparameterize`,
  :func:`gaussian_kl`, :func:`log_bernoulli`, :func:`log_normal`.
"""

from scidl.generative._elbo import gaussian_kl, log_bernoulli, log_normal, reparameterize

__all__ = [
    "gaussian_kl",
    "log_bernoulli",
    "log_normal",
    "reparameterize",
]
