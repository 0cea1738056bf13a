"""The pieces of a variational bound, as small torch functions.

Every latent-variable model of the chapter (VAE, Gaussian-mixture VAE, and the
sequence VAEs of later chapters) builds its evidence lower bound from these:

``ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z))``

with a diagonal Gaussian posterior ``q(z|x) = N(mu, diag(exp(logvar)))`` sampled
by the reparameterisation trick (Kingma & Welling 2014, arXiv:1312.6114).
All functions work per sample: they sum over every axis but the first and
return a tensor of shape ``(batch,)``, in nats.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["gaussian_kl", "log_bernoulli", "log_normal", "reparameterize"]

_LOG_2PI = math.log(2.0 * math.pi)


def _per_sample(t):
    return t.reshape(t.shape[0], -1).sum(dim=1)


def reparameterize(mu, logvar):
    """A sample ``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)``, differentiable in both.

    Parameters
    ----------
    mu, logvar : torch.Tensor of the same shape
        Mean and log-variance of a diagonal Gaussian.

    Returns
    -------
    torch.Tensor
        One sample per entry, drawn with torch's global generator (seeded by the
        training loop).

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from scidl.generative import reparameterize
    >>> _ = torch.manual_seed(0)
    >>> z = reparameterize(torch.zeros(20000, 1), torch.full((20000, 1), 2 * math.log(3.0)))
    >>> round(float(z.std()), 1)
    3.0
    """
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def gaussian_kl(mu, logvar, prior_mu=None, prior_logvar=None):
    """``KL(N(mu, exp(logvar)) || N(prior_mu, exp(prior_logvar)))`` per sample, in closed form.

    For diagonal Gaussians, summed over the latent dimensions:
    ``1/2 sum(exp(lv - plv) + (mu - pmu)^2 exp(-plv) - 1 + plv - lv)``; with the
    default standard-normal prior this is ``1/2 sum(exp(lv) + mu^2 - 1 - lv)``.

    Parameters
    ----------
    mu, logvar : torch.Tensor of shape (batch, ...)
        The posterior's mean and log-variance.
    prior_mu, prior_logvar : torch.Tensor broadcastable to ``mu``, default None
        The prior's; None means 0 (a standard normal prior).

    Returns
    -------
    torch.Tensor of shape (batch,)

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import gaussian_kl
    >>> gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3))   # q = p
    tensor([0., 0.])
    >>> float(gaussian_kl(torch.ones(1, 1), torch.zeros(1, 1)))   # shifted by 1: 1/2
    0.5
    """
    if prior_mu is None and prior_logvar is None:
        kl = 0.5 * (torch.exp(logvar) + mu * mu - 1.0 - logvar)
    else:
        pmu = torch.zeros_like(mu) if prior_mu is None else prior_mu
        plv = torch.zeros_like(logvar) if prior_logvar is None else prior_logvar
        kl = 0.5 * (
            torch.exp(logvar - plv) + (mu - pmu) ** 2 * torch.exp(-plv) - 1.0 + plv - logvar
        )
    return _per_sample(kl)


def log_bernoulli(x, logits):
    """``log p(x | logits)`` of independent Bernoulli pixels, per sample.

    Computed from the logits (``x log sigmoid(l) + (1 - x) log sigmoid(-l)``)
    without forming probabilities, so it never takes ``log 0``; ``x`` may be
    grey values in [0, 1] (the continuous relaxation many VAE papers use).

    Parameters
    ----------
    x : torch.Tensor of shape (batch, ...)
        Data in [0, 1].
    logits : torch.Tensor of the same shape
        Decoder outputs before the sigmoid.

    Returns
    -------
    torch.Tensor of shape (batch,)

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import log_bernoulli
    >>> x = torch.tensor([[1.0, 0.0]])
    >>> float(log_bernoulli(x, torch.zeros(1, 2))) == 2 * float(torch.log(torch.tensor(0.5)))
    True
    """
    return -_per_sample(F.binary_cross_entropy_with_logits(logits, x, reduction="none"))


def log_normal(x, mu, logvar):
    """``log N(x | mu, diag(exp(logvar)))`` per sample.

    Parameters
    ----------
    x : torch.Tensor of shape (batch, ...)
        The points.
    mu, logvar : torch.Tensor broadcastable to ``x``
        Mean and log-variance.

    Returns
    -------
    torch.Tensor of shape (batch,)

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from scidl.generative import log_normal
    >>> v = float(log_normal(torch.zeros(1, 1), torch.zeros(1, 1), torch.zeros(1, 1)))
    >>> math.isclose(v, -0.5 * math.log(2 * math.pi), rel_tol=1e-6)
    True
    """
    logvar = torch.as_tensor(logvar, dtype=x.dtype, device=x.device).expand_as(x)
    mu = torch.as_tensor(mu, dtype=x.dtype, device=x.device).expand_as(x)
    return _per_sample(-0.5 * (_LOG_2PI + logvar + (x - mu) ** 2 * torch.exp(-logvar)))
