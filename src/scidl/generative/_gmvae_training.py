"""VaDE's training: autoencoder (or contrastive) pretraining, the ELBO step, and the mixture start.

The :class:`~scidl.training.Step` subclasses that :class:`scidl.generative.GMVAE` trains
with on the one training loop, the contrastive loss of its augmented views, and the
diagonal-covariance EM that starts its mixture prior from k-means clusters.
"""

from __future__ import annotations

import math

import torch

from scidl.generative._elbo import reparameterize
from scidl.training import Step


# -- the training steps ----------------------------------------------------------------
def _nt_xent(z1, z2, temperature):
    """NT-Xent (Chen et al. 2020): each code must pick its other view among ``2 b - 1`` codes.

    The mean cross-entropy of the softmax over cosine similarities divided by
    ``temperature``, in nats; ``log(2 b - 1)`` for codes that carry no information.
    """
    b = len(z1)
    h = torch.nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    sim = (h @ h.T) / temperature
    sim = sim.masked_fill(torch.eye(2 * b, dtype=torch.bool, device=h.device), -math.inf)
    partner = torch.cat([torch.arange(b, 2 * b), torch.arange(b)]).to(h.device)
    return torch.nn.functional.cross_entropy(sim, partner)


class _Views:
    """Two random views of a batch by ``augment``, drawn from a seeded generator."""

    def __init__(self, augment, seed, contrastive_weight, temperature):
        self.augment = augment
        self.generator = torch.Generator().manual_seed(int(seed) % (2**63))
        self.contrastive_weight = contrastive_weight
        self.temperature = temperature

    def __call__(self, x):
        return self.augment(x, self.generator), self.augment(x, self.generator)

    def contrastive(self, mu1, mu2):
        return _nt_xent(mu1, mu2, self.temperature)


class _PretrainStep(Step):
    """Autoencoder pretraining: maximise ``log p(x | decoder(mu(x)))`` (no noise, no prior).

    With views, the reconstruction is of the first view and NT-Xent between the codes of
    the two views is added with its weight.
    """

    def __init__(self, views=None):
        self.views = views

    def train_step(self, module, batch, optimizers, ctx):
        x = batch[0]
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        if self.views is None:
            loss = -module.log_likelihood(x, module.decode(module.encode(x)[0])).mean()
            logs = {}
        else:
            x, x2 = self.views(x)
            mu = module.encode(x)[0]
            recon = -module.log_likelihood(x, module.decode(mu)).mean()
            con = self.views.contrastive(mu, module.encode(x2)[0])
            loss = recon + self.views.contrastive_weight * con
            logs = {"recon": recon.detach(), "contrastive": con.detach()}
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach(), **logs}


class _GMVAEStep(Step):
    """One stochastic-gradient step on ``-ELBO``, reporting its two terms.

    With views, the ELBO is that of the first view, and the step adds the weighted
    NT-Xent between the two views' codes and ``consistency_weight`` times
    ``-log sum_c q(c | view 1) q(c | view 2)``.
    """

    def __init__(self, views=None, consistency_weight=0.0):
        self.views = views
        self.consistency_weight = consistency_weight

    def train_step(self, module, batch, optimizers, ctx):
        x = batch[0]
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        if self.views is not None:
            x, x2 = self.views(x)
        mu, logvar = module.encode(x)
        z = reparameterize(mu, logvar)  # z = mu + sigma * eps: gradients reach mu and sigma
        gamma = module.responsibilities(z)  # q(c | x) = p(c | z)
        recon = module.log_likelihood(x, module.decode(z))
        kl = module.kl(mu, logvar, gamma)
        loss = (kl - recon).mean()  # minus the ELBO, in nats per sample
        logs = {"recon": -recon.mean().detach(), "kl": kl.mean().detach()}
        if self.views is not None:
            mu2, logvar2 = module.encode(x2)
            gamma2 = module.responsibilities(reparameterize(mu2, logvar2))
            con = self.views.contrastive(mu, mu2)
            agree = -torch.log((gamma * gamma2).sum(dim=1).clamp_min(1e-30)).mean()
            loss = loss + self.views.contrastive_weight * con + self.consistency_weight * agree
            logs.update(contrastive=con.detach(), consistency=agree.detach())
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach(), **logs}

    def eval_step(self, module, batch, ctx):
        recon, kl, _ = module.elbo_terms(batch[0])
        return {"loss": (kl - recon).mean(), "recon": -recon.mean(), "kl": kl.mean()}


def _m_step(Z, resp, floor):
    """Weights, means and variances (floored) of a diagonal mixture from responsibilities."""
    nk = resp.sum(0) + 1e-10
    means = resp.T @ Z / nk[:, None]
    variances = torch.maximum((resp.T @ Z.square()) / nk[:, None] - means.square(), floor)
    return nk / nk.sum(), means, variances


def _diagonal_em(Z, resp, n_iter, tol):
    """EM for a Gaussian mixture with diagonal covariances, from responsibilities ``resp``.

    At most ``n_iter`` M steps, the first from ``resp`` (``n_iter`` <= 1: that M step
    alone, the mixture of the clusters ``resp`` describes). Returns ``(weights, means,
    variances)`` as float64 tensors. Variances are floored at ``1e-6`` times the data's
    variance (so an emptied component cannot collapse).
    """
    Z = Z.double()
    floor = 1e-6 * Z.var(dim=0, correction=0).clamp_min(1e-12)
    previous = -math.inf
    weights, means, variances = _m_step(Z, resp, floor)
    for _ in range(n_iter - 1):
        log_p = (  # E step
            -0.5 * (math.log(2 * math.pi) + variances.log()).sum(1)
            - 0.5 * ((Z[:, None, :] - means[None]).square() / variances[None]).sum(2)
            + weights.log()
        )
        log_total = torch.logsumexp(log_p, dim=1)
        current = float(log_total.mean())
        if abs(current - previous) <= tol * max(1.0, abs(current)):
            break
        previous = current
        resp = torch.exp(log_p - log_total[:, None])
        weights, means, variances = _m_step(Z, resp, floor)
    return weights, means, variances
