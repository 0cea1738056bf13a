"""The adversarial losses: non-saturating GAN, minimax GAN (Goodfellow et al. 2014) and
WGAN-GP (Gulrajani et al. 2017), as plain functions of the discriminator's scores."""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["LOSSES", "discriminator_loss", "generator_loss", "gradient_penalty"]

LOSSES = ("non-saturating", "minimax", "wgan-gp")


# -- the losses ------------------------------------------------------------------
def _check_loss(loss):
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}.")


def discriminator_loss(real_scores, fake_scores, *, loss="non-saturating", label_smoothing=0.0):
    """The discriminator's (or critic's) loss on a batch of real and generated scores.

    For the two cross-entropy GANs (``"non-saturating"``, ``"minimax"``) the
    scores are logits ``l`` with ``D = sigmoid(l)``, and the loss is

    ``-mean log D(x) - mean log(1 - D(G(z)))``,

    which is ``log 4`` when ``D = 1/2`` everywhere (the equilibrium
    ``p_g = p_data``). One-sided label smoothing (Salimans et al. 2016) replaces
    the target 1 of the real samples by ``1 - label_smoothing``. For
    ``"wgan-gp"`` the scores are critic values ``f`` and the loss is
    ``mean f(G(z)) - mean f(x)`` (add :func:`gradient_penalty`).

    Parameters
    ----------
    real_scores : torch.Tensor of shape (n,)
        Scores of data.
    fake_scores : torch.Tensor of shape (m,)
        Scores of generated samples.
    loss : {"non-saturating", "minimax", "wgan-gp"}, default "non-saturating"
        The GAN variant (the two cross-entropy GANs share this loss).
    label_smoothing : float, default 0.0
        One-sided label smoothing of the real targets (cross-entropy GANs only).

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> import math, torch
    >>> from scidl.generative import discriminator_loss
    >>> half = torch.zeros(5)  # logits 0: D = 1/2 on everything
    >>> math.isclose(discriminator_loss(half, half).item(), math.log(4), rel_tol=1e-6)
    True
    """
    _check_loss(loss)
    if loss == "wgan-gp":
        return fake_scores.mean() - real_scores.mean()
    # -log sigmoid(l) = softplus(-l), -log(1 - sigmoid(l)) = softplus(l): stable for any l
    real_term = (1.0 - label_smoothing) * F.softplus(-real_scores) + label_smoothing * F.softplus(
        real_scores
    )
    return real_term.mean() + F.softplus(fake_scores).mean()


def generator_loss(fake_scores, *, loss="non-saturating"):
    """The generator's loss on the scores of its samples.

    - ``"non-saturating"`` (Goodfellow et al. 2014, section 3): ``-mean log D(G(z))``,
      whose gradient is large where the discriminator rejects the samples;
    - ``"minimax"``: ``mean log(1 - D(G(z)))``, the game's own objective, whose
      gradient vanishes exactly there (the saturation the first one avoids);
    - ``"wgan-gp"`` (Gulrajani et al. 2017): ``-mean f(G(z))``.

    Parameters
    ----------
    fake_scores : torch.Tensor of shape (m,)
        Logits (cross-entropy GANs) or critic values (WGAN-GP) of generated samples.
    loss : {"non-saturating", "minimax", "wgan-gp"}, default "non-saturating"
        The GAN variant.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import generator_loss
    >>> scores = torch.tensor([-8.0])  # the discriminator is sure the sample is fake
    >>> scores.requires_grad_(True)
    tensor([-8.], requires_grad=True)
    >>> for loss in ("non-saturating", "minimax"):
    ...     (g,) = torch.autograd.grad(generator_loss(scores, loss=loss), scores)
    ...     print(loss, round(g.item(), 4))
    non-saturating -0.9997
    minimax -0.0003
    """
    _check_loss(loss)
    if loss == "wgan-gp":
        return -fake_scores.mean()
    if loss == "minimax":
        return -F.softplus(fake_scores).mean()  # log(1 - sigmoid(l)) = -softplus(l)
    return F.softplus(-fake_scores).mean()


def gradient_penalty(critic, real, fake):
    """The gradient penalty of WGAN-GP: ``mean (|grad f(x_hat)| - 1)^2``.

    ``x_hat = eps x + (1 - eps) x_fake`` with ``eps ~ U(0, 1)`` per row, on the
    straight lines between pairs of real and generated rows (Gulrajani et al. 2017,
    arXiv:1704.00028): it pushes the critic towards a 1-Lipschitz function there.

    Parameters
    ----------
    critic : callable
        ``critic(x) -> scores``, differentiable (e.g. ``module.discriminate``).
    real, fake : torch.Tensor of the same shape (n, ...)
        Real and generated rows (packed rows count as one).

    Returns
    -------
    torch.Tensor
        A scalar, differentiable with respect to the critic's parameters.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import gradient_penalty
    >>> critic = torch.nn.Linear(2, 1)
    >>> with torch.no_grad():  # f(x) = (3 x1 + 4 x2) / 5: a unit-norm weight, 1-Lipschitz
    ...     critic.weight.copy_(torch.tensor([[0.6, 0.8]]))
    Parameter containing:
    tensor([[0.6000, 0.8000]], requires_grad=True)
    >>> round(gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2)).item(), 6)
    0.0
    """
    if real.shape != fake.shape:
        raise ValueError(
            f"real and fake must have the same shape; got {tuple(real.shape)} and "
            f"{tuple(fake.shape)}."
        )
    eps = torch.rand((len(real),) + (1,) * (real.dim() - 1), device=real.device, dtype=real.dtype)
    x_hat = (eps * real.detach() + (1.0 - eps) * fake.detach()).requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    norm = grad.flatten(1).norm(dim=1)
    return ((norm - 1.0) ** 2).mean()
