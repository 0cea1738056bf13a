"""The partition function of an RBM: annealed importance sampling, and exact enumeration.

The likelihood of an RBM, ``log p(v) = -F(v) - log Z``, needs ``log Z``, a sum over all
joint states. For a small machine it is a sum over one layer's ``2^n`` states (the other
layer is summed in closed form): :func:`exact_log_partition`. For a real one (784 x 500)
annealed importance sampling (AIS; Neal 2001, *Statistics and Computing* 11:125) estimates
it: :func:`ais_log_partition`, following Salakhutdinov & Murray (2008, ICML).

AIS moves samples from a base distribution ``p_0`` with a known ``Z_0`` (independent
visible units) to the RBM ``p_1`` through the distributions ``p_beta`` of the machine whose
energy mixes the two::

    log p*_beta(v) = (1 - beta) a.v + beta b.v + sum_j softplus(beta (c_j + W_j.v))

(``a`` the base visible biases; Gaussian visible units add ``-||v||^2 / 2`` and the
matching constants). A run draws ``v_1 ~ p_0`` and, for ``k = 1..K``, adds
``log p*_k(v_k) - log p*_{k-1}(v_k)`` to its log-weight and moves ``v`` by one Gibbs sweep
that leaves ``p_k`` invariant. The mean weight is an unbiased estimate of ``Z_1 / Z_0``, so
``log Z`` is estimated in expectation from below (Jensen).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from scidl.utils import make_seed

__all__ = ["ais_log_partition", "exact_log_partition"]

_LOG2 = math.log(2.0)

# The inverse-temperature schedule of Salakhutdinov & Murray (2008): 500 steps on [0, 0.5],
# 4,000 on [0.5, 0.9] and 10,000 on [0.9, 1] -- most of them where p_beta changes fastest.
_SCHEDULE = ((0.0, 0.5, 500), (0.5, 0.9, 4000), (0.9, 1.0, 10000))

# Largest number of states exact_log_partition enumerates (2^24 rows, in chunks).
_MAX_ENUMERATED_UNITS = 24


def _bernoulli(p, generator=None):
    """0/1 samples with probabilities ``p``, in ``p``'s dtype.

    ``rand < p`` is several times faster than ``torch.bernoulli`` on the CPU.
    """
    u = torch.rand(p.shape, generator=generator, dtype=p.dtype, device=p.device)
    return (u < p).to(p.dtype)


def _check_rbm(module):
    needed = ("weight", "hidden_bias", "visible_bias", "visible")
    if not all(hasattr(module, name) for name in needed):
        raise TypeError(
            "module must be a scidl.generative.RBMModule (weight, hidden_bias, visible_bias, "
            f"visible); got {type(module).__name__}."
        )
    if module.visible not in ("bernoulli", "gaussian"):
        raise ValueError(
            f"module.visible must be 'bernoulli' or 'gaussian'; got {module.visible!r}."
        )


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def ais_betas(n_betas):
    """``n_betas`` inverse temperatures from 0 to 1, spaced as in Salakhutdinov & Murray."""
    n_steps = n_betas - 1
    total = sum(n for *_, n in _SCHEDULE)
    counts = [max(1, round(n_steps * n / total)) for *_, n in _SCHEDULE]
    counts[-1] = n_steps - sum(counts[:-1])
    while counts[-1] < 1:  # very short schedules: take steps from the longest early piece
        i = int(np.argmax(counts[:-1]))
        counts[i] -= 1
        counts[-1] += 1
    if n_steps < len(_SCHEDULE):
        return np.linspace(0.0, 1.0, n_betas)
    pieces = [np.linspace(lo, hi, c + 1)[:-1] for (lo, hi, _), c in zip(_SCHEDULE, counts)]
    return np.concatenate([*pieces, [1.0]])


def _enumerate(n):
    """All ``2^n`` binary vectors, in chunks of at most 2^16 rows (float64)."""
    chunk_bits = min(n, 16)
    low = torch.arange(2**chunk_bits, dtype=torch.int64)
    low_bits = ((low[:, None] >> torch.arange(chunk_bits)) & 1).to(torch.float64)
    for high in range(2 ** (n - chunk_bits)):
        high_bits = ((high >> torch.arange(n - chunk_bits)) & 1).to(torch.float64)
        yield torch.cat([low_bits, high_bits.expand(len(low_bits), -1)], dim=1)


@torch.no_grad()
def exact_log_partition(module):
    """``log Z`` of a small RBM, exactly, by enumerating one layer's states.

    Parameters
    ----------
    module : RBMModule
        A machine with at most 24 hidden units, or (Bernoulli visible units) at most 24
        visible units.

    Returns
    -------
    float
        ``log Z`` in nats (for Gaussian visible units, of the density over ``v``).

    Notes
    -----
    Summing out the other layer in closed form::

        log Z = logsumexp_v [b.v + sum_j softplus(c_j + W_j.v)]          (over visible v)
              = logsumexp_h [c.h + sum_i softplus(b_i + (W^T h)_i)]    (over hidden h)

    and, for Gaussian visible units (unit variance), over hidden states only::

        log Z = logsumexp_h [c.h + ||b + W^T h||^2 / 2 - ||b||^2 / 2] + (D / 2) log(2 pi)

    The smaller layer is enumerated, in float64.

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from scidl.generative import RBMModule, exact_log_partition
    >>> rbm = RBMModule(3, 2)
    >>> with torch.no_grad():  # no couplings or biases: Z counts the 2^(3+2) states
    ...     _ = rbm.weight.zero_()
    >>> round(exact_log_partition(rbm), 6) == round(5 * math.log(2), 6)
    True
    """
    _check_rbm(module)
    W = module.weight.detach().cpu().double()
    b = module.visible_bias.detach().cpu().double()
    c = module.hidden_bias.detach().cpu().double()
    n_hidden, n_visible = W.shape
    gaussian = module.visible == "gaussian"
    over_visible = not gaussian and n_visible < n_hidden
    n = n_visible if over_visible else n_hidden
    if n > _MAX_ENUMERATED_UNITS:
        layers = "hidden units" if gaussian else "hidden or visible units"
        raise ValueError(
            f"exact_log_partition enumerates 2^n states and allows n <= "
            f"{_MAX_ENUMERATED_UNITS} {layers}; the module has {n_hidden} hidden and "
            f"{n_visible} visible units. Use ais_log_partition instead."
        )
    terms = []
    for states in _enumerate(n):
        if over_visible:
            terms.append(states @ b + F.softplus(states @ W.t() + c).sum(1))
        elif gaussian:
            mean = states @ W + b
            terms.append(states @ c + 0.5 * mean.square().sum(1) - 0.5 * b.square().sum())
        else:
            terms.append(states @ c + F.softplus(states @ W + b).sum(1))
    log_z = float(torch.logsumexp(torch.cat(terms), dim=0))
    if gaussian:
        log_z += 0.5 * n_visible * math.log(2.0 * math.pi)
    return log_z


@torch.no_grad()
def ais_log_partition(
    module, *, n_chains=100, n_betas=1000, base_intercept=None, random_state=None
):
    """Estimate ``log Z`` of an RBM by annealed importance sampling, with its standard error.

    Parameters
    ----------
    module : RBMModule
        The machine (any size; it runs on the module's device and dtype, the weights are
        accumulated in float64).
    n_chains : int, default 100
        Independent AIS runs.
    n_betas : int, default 1000
        Inverse temperatures from 0 (base model) to 1 (the RBM), both included; spaced as in
        Salakhutdinov & Murray (2008), denser near 1.
    base_intercept : array-like of shape (in_features,), optional
        Visible biases ``a`` of the base model of independent visible units (Bernoulli:
        logits of the data's marginals; Gaussian: the data mean). Default: the module's
        visible biases. A base close to the data makes the estimate more precise.
    random_state : int, Generator, RandomState or None, default None
        Seeds the chains.

    Returns
    -------
    log_z : float
        The estimate of ``log Z`` in nats: ``log Z_0 + log mean_i w_i``.
    stderr : float
        Its standard error by the delta method, ``std(w) / (sqrt(n_chains) mean(w))``.

    Notes
    -----
    Neal (2001), *Annealed importance sampling*; for RBMs Salakhutdinov & Murray (2008), *On
    the quantitative analysis of deep belief networks*. The base model has
    ``log Z_0 = sum_i softplus(a_i) + H log 2`` (Bernoulli) or
    ``(D / 2) log(2 pi) + H log 2`` (Gaussian). Each transition is one Gibbs sweep of the
    intermediate machine: ``h ~ sigmoid(beta (c + W v))``, then
    ``v ~ sigmoid((1 - beta) a + beta (b + W^T h))`` (or the normal with that mean). The
    mean weight is unbiased for ``Z / Z_0``; its log is biased low by about ``stderr^2 / 2``.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import RBMModule, ais_log_partition, exact_log_partition
    >>> _ = torch.manual_seed(0)
    >>> rbm = RBMModule(10, 8)
    >>> with torch.no_grad():
    ...     _ = rbm.weight.normal_(0, 1.0)
    >>> log_z, stderr = ais_log_partition(rbm, n_chains=200, n_betas=500, random_state=0)
    >>> bool(abs(log_z - exact_log_partition(rbm)) < 4 * stderr + 0.01)
    True
    """
    _check_rbm(module)
    n_chains = _check_int(n_chains, "n_chains", 2)
    n_betas = _check_int(n_betas, "n_betas", 2)
    W, b, c = module.weight.detach(), module.visible_bias.detach(), module.hidden_bias.detach()
    device, dtype = W.device, W.dtype
    n_hidden, n_visible = W.shape
    if base_intercept is None:
        a = b.clone()
    else:
        a = torch.as_tensor(np.asarray(base_intercept, dtype=np.float64), device=device)
        if a.shape != (n_visible,):
            raise ValueError(
                f"base_intercept must have shape ({n_visible},), one bias per visible unit; "
                f"got {tuple(a.shape)}."
            )
        if not bool(torch.isfinite(a).all()):
            raise ValueError("base_intercept contains NaN or infinity; expected finite values.")
        a = a.to(dtype)
    gen = torch.Generator(device=device).manual_seed(make_seed(random_state))
    gaussian = module.visible == "gaussian"
    betas = ais_betas(n_betas)

    # the beta-dependent part of log p*_beta(v) that does not involve the hidden units:
    # beta * (b - a).v  (Gaussian units: minus beta * (||b||^2 - ||a||^2) / 2)
    diff = (b - a).double()
    const = 0.5 * float(b.double().square().sum() - a.double().square().sum()) if gaussian else 0.0

    if gaussian:
        log_z0 = 0.5 * n_visible * math.log(2.0 * math.pi) + n_hidden * _LOG2
        v = a + torch.randn((n_chains, n_visible), generator=gen, dtype=dtype, device=device)
    else:
        log_z0 = float(F.softplus(a.double()).sum()) + n_hidden * _LOG2
        v = _bernoulli(torch.sigmoid(a).expand(n_chains, -1), gen)
    log_w = torch.zeros(n_chains, dtype=torch.float64, device=device)
    for k in range(1, len(betas)):
        beta, prev = float(betas[k]), float(betas[k - 1])
        x = F.linear(v, W, c)  # c + W v, shared by the weight update and the sweep
        xd = x.double()
        log_w += (beta - prev) * (v.double() @ diff - const)
        log_w += (F.softplus(beta * xd) - F.softplus(prev * xd)).sum(1)
        if k == len(betas) - 1:
            break  # the last weight is in; no need to move the chains again
        h = _bernoulli(torch.sigmoid(beta * x), gen)
        mean = (1.0 - beta) * a + beta * (b + h @ W)
        if gaussian:
            v = mean + torch.randn(mean.shape, generator=gen, dtype=dtype, device=device)
        else:
            v = _bernoulli(torch.sigmoid(mean), gen)
    log_w = log_w.cpu()
    top = log_w.max()
    w = torch.exp(log_w - top)
    log_mean = float(top + torch.log(w.mean()))
    stderr = float(w.std() / (math.sqrt(n_chains) * w.mean()))
    return log_z0 + log_mean, stderr
