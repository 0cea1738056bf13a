"""Generative models: variational autoencoders, Gaussian-mixture VAEs, RBMs.

Chapter 8 of the course (generative learning and latent variables) and the
2006 breakthrough (greedy layer-wise pretraining of deep belief networks).

- The pieces of a variational bound: :func:`reparameterize`,
  :func:`gaussian_kl`, :func:`log_bernoulli`, :func:`log_normal`,
  :func:`iwae_bound`.
- :class:`VAE`: the variational autoencoder (MLP or convolutional, Bernoulli or
  Gaussian likelihood, beta and KL warm-up), its :class:`VAEModule` and :class:`ELBOStep`.
- :class:`GMVAE`: clustering with a Gaussian-mixture VAE (VaDE: a mixture prior with one
  component per cluster), and its :class:`GMVAEModule`.
- :class:`RBM`: restricted Boltzmann machines (Bernoulli or Gaussian visible units) trained
  by CD-k or persistent CD, its :class:`RBMModule`, and the partition function by annealed
  importance sampling (:func:`ais_log_partition`) or enumeration (:func:`exact_log_partition`).
- :class:`DeepBeliefNetwork`: greedy layer-wise pretraining (a stack of RBMs, its up pass
  :class:`DeepBeliefNetworkModule`), :class:`DBNInitializer` to start an MLP from it, and
  :func:`compare_pretraining`, the 2006 experiment (pretrained versus random initialisation).
"""

from scidl.generative._ais import ais_log_partition, exact_log_partition
from scidl.generative._dbn import (
    DBNInitializer,
    DeepBeliefNetwork,
    DeepBeliefNetworkModule,
    compare_pretraining,
)
from scidl.generative._elbo import (
    gaussian_kl,
    iwae_bound,
    log_bernoulli,
    log_normal,
    reparameterize,
)
from scidl.generative._gmvae import GMVAE, GMVAEModule
from scidl.generative._rbm import RBM, RBMModule
from scidl.generative._vae import VAE, ELBOStep, VAEModule

__all__ = [
    "DBNInitializer",
    "DeepBeliefNetwork",
    "DeepBeliefNetworkModule",
    "ELBOStep",
    "GMVAE",
    "GMVAEModule",
    "RBM",
    "RBMModule",
    "VAE",
    "VAEModule",
    "ais_log_partition",
    "compare_pretraining",
    "exact_log_partition",
    "gaussian_kl",
    "iwae_bound",
    "log_bernoulli",
    "log_normal",
    "reparameterize",
]
