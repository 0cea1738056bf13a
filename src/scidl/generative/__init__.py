"""Generative models: variational autoencoders, Gaussian-mixture VAEs, RBMs.

Chapter 8 of the course (generative learning and latent variables) and the
2006 breakthrough (greedy layer-wise pretraining of deep belief networks).

- The pieces of a variational bound: :func:`reparameterize`,
  :func:`gaussian_kl`, :func:`log_bernoulli`, :func:`log_normal`,
  :func:`iwae_bound`.
- :class:`VAE`: the variational autoencoder (MLP or convolutional, Bernoulli or
  Gaussian likelihood, beta and KL warm-up), its :class:`VAEModule` and :class:`ELBOStep`.
- :class:`GMVAE`: clustering with a Gaussian-mixture VAE (VaDE: a mixture prior with one
  component per cluster; ``augment=`` adds contrastive views of each batch), and its
  :class:`GMVAEModule`.
- :class:`RBM`: restricted Boltzmann machines (Bernoulli or Gaussian visible units) trained
  by CD-k or persistent CD, its :class:`RBMModule`, and the partition function by annealed
  importance sampling (:func:`ais_log_partition`) or enumeration (:func:`exact_log_partition`).
- Distances between distributions (chapter 9): :func:`kl_divergence_gaussian`,
  :func:`kl_divergence_knn`, :func:`js_divergence`, :func:`wasserstein_1d`,
  :func:`sliced_wasserstein`, :func:`mmd` and the permutation test :func:`mmd_test`.
- :class:`RealNVP`: a normalizing flow of affine coupling layers (exact likelihood, sampling,
  latent space), its :class:`RealNVPModule` and :class:`AffineCoupling`.
- :class:`BoltzmannGenerator`: a flow trained by energy, by example or both to sample
  ``exp(-u/kT)`` (Noe et al. 2019), its :class:`BoltzmannStep`, the energies
  :func:`double_well_energy` and :func:`harmonic_energy`, and reweighting:
  :func:`free_energy_difference`, :func:`effective_sample_size`.
- :class:`DeepBeliefNetwork`: greedy layer-wise pretraining (a stack of RBMs, its up pass
  :class:`DeepBeliefNetworkModule`), :class:`DBNInitializer` to start an MLP from it, and
  :func:`compare_pretraining`, the 2006 experiment (pretrained versus random initialisation).
- :class:`GAN` and :class:`DCGAN`: generative adversarial networks (MLP and convolutional),
  non-saturating with PacGAN packing by default, WGAN-GP as an option; their modules
  :class:`GANModule` and :class:`DCGANModule`, the two-optimizer :class:`GANStep`, and
  the losses :func:`discriminator_loss`, :func:`generator_loss`, :func:`gradient_penalty`.
- Measuring a generator: :func:`mode_coverage` (modes covered, high-quality samples and
  reverse KL on a Gaussian mixture, as :class:`ModeCoverage`) and :func:`frechet_distance`
  (between Gaussians fitted to two feature sets).
"""

from scidl.generative._ais import ais_log_partition, exact_log_partition
from scidl.generative._boltzmann import (
    BoltzmannGenerator,
    BoltzmannStep,
    double_well_energy,
    effective_sample_size,
    free_energy_difference,
    harmonic_energy,
)
from scidl.generative._dbn import (
    DBNInitializer,
    DeepBeliefNetwork,
    DeepBeliefNetworkModule,
    compare_pretraining,
)
from scidl.generative._dcgan import DCGAN, DCGANModule
from scidl.generative._divergences import (
    js_divergence,
    kl_divergence_gaussian,
    kl_divergence_knn,
    mmd,
    mmd_test,
    sliced_wasserstein,
    wasserstein_1d,
)
from scidl.generative._elbo import (
    gaussian_kl,
    iwae_bound,
    log_bernoulli,
    log_normal,
    reparameterize,
)
from scidl.generative._flows import AffineCoupling, RealNVP, RealNVPModule
from scidl.generative._gan import (
    GAN,
    GANModule,
    GANStep,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
)
from scidl.generative._gan_metrics import ModeCoverage, frechet_distance, mode_coverage
from scidl.generative._gmvae import GMVAE, GMVAEModule
from scidl.generative._rbm import RBM, RBMModule
from scidl.generative._vae import VAE, ELBOStep, VAEModule

__all__ = [
    "AffineCoupling",
    "BoltzmannGenerator",
    "BoltzmannStep",
    "DBNInitializer",
    "DeepBeliefNetwork",
    "DeepBeliefNetworkModule",
    "DCGAN",
    "DCGANModule",
    "ELBOStep",
    "GAN",
    "GANModule",
    "GANStep",
    "GMVAE",
    "GMVAEModule",
    "ModeCoverage",
    "RBM",
    "RBMModule",
    "RealNVP",
    "RealNVPModule",
    "VAE",
    "VAEModule",
    "ais_log_partition",
    "compare_pretraining",
    "double_well_energy",
    "effective_sample_size",
    "discriminator_loss",
    "exact_log_partition",
    "free_energy_difference",
    "frechet_distance",
    "gaussian_kl",
    "harmonic_energy",
    "generator_loss",
    "gradient_penalty",
    "iwae_bound",
    "js_divergence",
    "kl_divergence_gaussian",
    "kl_divergence_knn",
    "log_bernoulli",
    "log_normal",
    "mmd",
    "mmd_test",
    "mode_coverage",
    "reparameterize",
    "sliced_wasserstein",
    "wasserstein_1d",
]
