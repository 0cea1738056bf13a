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

__all__ = ["gaussian_kl", "iwae_bound", "log_bernoulli", "log_normal", "reparameterize"]

_LOG_2PI = math.log(2.0 * math.pi)


def _per_sample(t):
    return t.reshape(t.shape[0], -1).sum(dim=1)


def _check_tensor(x, name, like=None, like_name=None):
    """``x`` must be a floating torch tensor with a batch axis (and ``like``'s shape).

    Shapes and types only: values are not checked, so that a training step never
    waits for the device (non-finite values propagate, as in any torch function).
    """
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        kind = x.dtype if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"{name} must be a floating-point torch.Tensor; got {kind}.")
    if x.ndim < 1 or x.shape[0] == 0:
        raise ValueError(f"{name} must have a non-empty batch axis; got shape {tuple(x.shape)}.")
    if like is not None and isinstance(like, torch.Tensor):
        try:
            torch.broadcast_shapes(x.shape, like.shape)
        except RuntimeError:
            raise ValueError(
                f"{like_name} of shape {tuple(like.shape)} does not broadcast to {name} of "
                f"shape {tuple(x.shape)}."
            ) from None
        if like.ndim > x.ndim:
            raise ValueError(
                f"{name} of shape {tuple(x.shape)} has fewer axes than {like_name} of shape "
                f"{tuple(like.shape)}."
            )


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
    _check_tensor(x, "x")
    _check_tensor(logits, "logits")
    if x.shape != logits.shape:
        raise ValueError(
            f"x and logits must have the same shape; got {tuple(x.shape)} and "
            f"{tuple(logits.shape)}."
        )
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
    _check_tensor(x, "x")
    mu = torch.as_tensor(mu, dtype=x.dtype, device=x.device)
    logvar = torch.as_tensor(logvar, dtype=x.dtype, device=x.device)
    _check_tensor(x, "x", mu, "mu")
    _check_tensor(x, "x", logvar, "logvar")
    mu, logvar = mu.expand_as(x), logvar.expand_as(x)
    return _per_sample(-0.5 * (_LOG_2PI + logvar + (x - mu) ** 2 * torch.exp(-logvar)))


def iwae_bound(log_weights):
    """The importance-weighted bound ``log 1/K sum_k exp(log_weights[k])`` per sample.

    With ``log_weights[k] = log p(x, z_k) - log q(z_k|x)`` for ``K`` draws
    ``z_k ~ q(z|x)`` this is the bound ``L_K`` of Burda, Grosse & Salakhutdinov
    (2016, arXiv:1509.00519): ``L_1`` is the ELBO, ``E[L_K] <= E[L_{K+1}] <= log p(x)``
    and ``L_K -> log p(x)`` as ``K`` grows. Computed with ``logsumexp``, so very
    negative weights (hundreds of nats) do not underflow.

    Parameters
    ----------
    log_weights : torch.Tensor of shape (K, batch)
        Log importance weights, one row per draw.

    Returns
    -------
    torch.Tensor of shape (batch,)

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from scidl.generative import iwae_bound
    >>> w = torch.tensor([[-1000.0], [-1000.0 + math.log(3.0)]], dtype=torch.float64)
    >>> round(float(iwae_bound(w)) + 1000.0, 6)  # weights e^-1000 x (1, 3): log of the mean 2
    0.693147
    """
    if log_weights.ndim != 2 or log_weights.shape[0] < 1:
        raise ValueError(
            "log_weights must have shape (K, batch) with K >= 1; "
            f"got shape {tuple(log_weights.shape)}."
        )
    return torch.logsumexp(log_weights, dim=0) - math.log(log_weights.shape[0])
