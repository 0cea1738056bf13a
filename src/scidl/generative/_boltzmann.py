"""Boltzmann generators (Noe, Olsson, Koehler & Wu, Science 365, eaaw1147, 2019).

A Boltzmann generator is a normalizing flow ``x = f(z)``, ``z ~ N(0, I)``, trained to
sample the Boltzmann distribution ``mu(x) ~ exp(-u(x) / kT)`` of a given energy ``u``:

- *by example*: maximum likelihood on samples ``x_i`` (from a simulation),
  ``J_ML = -mean(log q(x_i))``;
- *by energy*: the reverse Kullback-Leibler divergence from the flow's density ``q`` to
  ``mu``, estimated with the flow's own samples and needing no data,
  ``J_KL = E_z[u(f(z)) / kT - log |det df/dz|] + const = KL(q || mu) - log Z + const``;
- or both, ``J = J_ML + energy_weight * J_KL``.

Because ``q(x)`` is exact, samples of the flow can be reweighted to the Boltzmann
distribution: ``w(x) = exp(-u(x) / kT) / q(x)``; averages ``sum w A / sum w`` are then
unbiased in the limit of many samples, whatever the quality of the flow (it sets only the
variance, measured by the effective sample size). Free-energy differences between regions
follow as ``Delta F / kT = -log(sum_B w / sum_A w)``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch

from scidl.generative._flows import RealNVP, negative_log_likelihood, standard_normal_log_prob
from scidl.training import Step
from scidl.utils import InstanceOf, Interval, Options, check_array, check_fitted

__all__ = [
    "BoltzmannGenerator",
    "BoltzmannStep",
    "double_well_energy",
    "effective_sample_size",
    "free_energy_difference",
    "harmonic_energy",
]

# Energies above this many kT are continued logarithmically in the training loss (Noe et al.
# 2019 regularise high energies the same way): early flow samples may land where u is huge,
# and a linear loss there would give exploding gradients.
_ENERGY_CAP = 1e3


def double_well_energy(x):
    """The 2-D double well ``u(x, y) = x^4 - 6 x^2 + x + y^2 / 2`` in torch, per row.

    The torch twin of ``scidl.data.get_potential("double_well_2d")``: minima near
    ``x = -1.77`` (``u = -10.75``) and ``x = 1.69`` (``u = -7.29``), barrier at
    ``x = 0.084``.

    Parameters
    ----------
    x : torch.Tensor of shape (n, 2)
        Positions.

    Returns
    -------
    torch.Tensor of shape (n,)

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import double_well_energy
    >>> double_well_energy(torch.tensor([[0.0, 0.0], [1.0, 2.0]])).tolist()
    [0.0, -2.0]
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must be a torch tensor of shape (n, 2); got {_describe(x)}.")
    a, b = x[:, 0], x[:, 1]
    return a**4 - 6.0 * a**2 + a + 0.5 * b**2


def harmonic_energy(x):
    """``u(x) = |x|^2 / 2`` in torch, per row: the standard normal at ``kT = 1``.

    Parameters
    ----------
    x : torch.Tensor of shape (n, d)
        Positions.

    Returns
    -------
    torch.Tensor of shape (n,)

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import harmonic_energy
    >>> harmonic_energy(torch.tensor([[3.0, 4.0]])).tolist()
    [12.5]
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 2:
        raise ValueError(f"x must be a 2-D torch tensor (n, d); got {_describe(x)}.")
    return 0.5 * (x * x).sum(dim=1)


_ENERGIES = {"double_well_2d": double_well_energy, "harmonic": harmonic_energy}


def _describe(x):
    if isinstance(x, torch.Tensor):
        return f"a tensor of shape {tuple(x.shape)}"
    return type(x).__name__


def _regularised(u, cap=_ENERGY_CAP):
    """``u`` below ``cap``; ``cap + log(1 + u - cap)`` above (same value and slope at ``cap``)."""
    over = torch.clamp(u - cap, min=0.0)
    return torch.where(u > cap, cap + torch.log1p(over), u)


# -- the training step -----------------------------------------------------------------
class BoltzmannStep(Step):
    """One step on ``w_ml J_ML + w_kl J_KL``: maximum likelihood and/or the reverse KL.

    Parameters
    ----------
    energy : callable
        ``u(x)``: a torch function from ``(n, d)`` positions to ``(n,)`` energies.
    kT : float, default 1.0
        Thermal energy.
    ml_weight, kl_weight : float
        Weights of the two losses (0 switches one off).

    Attributes
    ----------
    energy, kT, ml_weight, kl_weight
        The constructor's arguments.

    Notes
    -----
    ``J_KL`` is reported as ``mean(u(x) / kT + log q(x))`` over ``x = f(z)``: the reverse
    KL divergence ``KL(q || mu)`` minus ``log Z``, an upper bound on the free energy
    ``-log Z`` (in kT) that is tight when ``q = mu``.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import BoltzmannStep, RealNVPModule, harmonic_energy
    >>> from scidl.training import train
    >>> _ = torch.manual_seed(0)
    >>> step = BoltzmannStep(harmonic_energy, ml_weight=0.0, kl_weight=1.0)
    >>> history = train(RealNVPModule(2, 2, (8,)), (torch.zeros(64, 2),), step=step,
    ...                 max_epochs=2, verbose=0)
    >>> history.columns
    ['epoch', 'train_loss', 'train_nll', 'train_kl', 'lr', 'time']
    """

    def __init__(self, energy, *, kT=1.0, ml_weight=1.0, kl_weight=1.0):
        self.energy = energy
        self.kT = kT
        self.ml_weight = ml_weight
        self.kl_weight = kl_weight

    def terms(self, module, x):
        """``(J_ML, J_KL)`` on one batch (each a scalar tensor; 0 when its weight is 0)."""
        zero = x.new_zeros(())
        nll = negative_log_likelihood(module.log_prob(x)) if self.ml_weight > 0 else zero
        kl = zero
        if self.kl_weight > 0:
            z = torch.randn_like(x)
            xg, logdet = module.to_data(z)
            u = _regularised(self.energy(xg) / self.kT)
            kl = (u + standard_normal_log_prob(z) - logdet).mean()
        return nll, kl

    def train_step(self, module, batch, optimizers, ctx):
        """Minimise the weighted loss on one minibatch; report both terms."""
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        nll, kl = self.terms(module, batch[0])
        loss = self.ml_weight * nll + self.kl_weight * kl
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach(), "nll": nll.detach(), "kl": kl.detach()}

    def eval_step(self, module, batch, ctx):
        """The weighted loss and its two terms on a validation batch."""
        nll, kl = self.terms(module, batch[0])
        return {"loss": self.ml_weight * nll + self.kl_weight * kl, "nll": nll, "kl": kl}


# -- the estimator ---------------------------------------------------------------------
class BoltzmannGenerator(RealNVP):
    """A RealNVP flow trained to sample ``exp(-u(x) / kT)``, by example, by energy or both.

    Parameters
    ----------
    energy : callable, str or None, default None
        ``u(x)``, a torch function from ``(n, d)`` positions to ``(n,)`` energies, or a name:
        ``"double_well_2d"`` (:func:`double_well_energy`) or ``"harmonic"``
        (:func:`harmonic_energy`). Only a name can be saved with :meth:`save`.
        None trains by example only (then the estimator is a :class:`RealNVP`).
    kT : float, default 1.0
        Thermal energy, in the units of ``u``.
    training : {"example", "energy", "both"} or None, default None
        Maximum likelihood on ``X``, the reverse KL divergence to the Boltzmann
        distribution, or their sum; None is ``"both"`` with an energy and ``"example"``
        without.
    energy_weight : float, default 1.0
        Weight of the energy loss relative to maximum likelihood with ``training="both"``.
    n_layers, hidden_sizes, activation
        The flow (see :class:`RealNVP`).
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        As for every :class:`~scidl.base.NeuralEstimator`.

    Attributes
    ----------
    training_ : str
        The training mode used.
    module_, data_mean_, data_scale_, history_, n_features_in_, n_epochs_, device_
        As for :class:`RealNVP`; ``history_`` has the columns ``nll`` (maximum-likelihood
        loss) and ``kl`` (the reverse KL minus ``log Z``, in kT).

    Notes
    -----
    ``fit(X)`` takes samples ``X`` (e.g. from :func:`scidl.data.simulate_langevin`): they are
    the training data by example, and in every mode they fix the dimension, the
    standardisation of the flow and the number of steps per epoch (``len(X) / batch_size``;
    with ``training="energy"`` each step draws ``batch_size`` latent samples instead of
    reading data). :meth:`sample_weighted` returns one-shot samples with their log
    importance weights ``-u(x)/kT - log q(x)``; :func:`free_energy_difference` and
    :func:`effective_sample_size` turn them into thermodynamics (Noe et al. 2019).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import BoltzmannGenerator
    >>> X = np.random.default_rng(0).normal(size=(256, 2))
    >>> bg = BoltzmannGenerator("harmonic", n_layers=2, hidden_sizes=(8,), max_epochs=2,
    ...                         random_state=0).fit(X)
    >>> bg.training_, bg.history_.columns[:4]
    ('both', ['epoch', 'train_loss', 'train_nll', 'train_kl'])
    >>> x, log_w = bg.sample_weighted(5, random_state=0)
    >>> x.shape, log_w.shape
    ((5, 2), (5,))
    """

    _parameter_constraints = {
        "energy": [
            Options(*_ENERGIES),
            InstanceOf(callable, description="a callable u(x) on torch tensors"),
            None,
        ],
        "kT": [Interval(numbers.Real, 0, None, closed="neither")],
        "training": [Options("example", "energy", "both"), None],
        "energy_weight": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        energy=None,
        *,
        kT=1.0,
        training=None,
        energy_weight=1.0,
        n_layers=8,
        hidden_sizes=(64, 64),
        activation="relu",
        optimizer="adam",
        lr=1e-3,
        batch_size=256,
        max_epochs=100,
        weight_decay=0.0,
        validation_fraction=0.1,
        patience=10,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.energy = energy
        self.kT = kT
        self.training = training
        self.energy_weight = energy_weight
        super().__init__(
            n_layers,
            hidden_sizes=hidden_sizes,
            activation=activation,
            optimizer=optimizer,
            lr=lr,
            batch_size=batch_size,
            max_epochs=max_epochs,
            weight_decay=weight_decay,
            validation_fraction=validation_fraction,
            patience=patience,
            lr_schedule=lr_schedule,
            clip_grad_norm=clip_grad_norm,
            device=device,
            dtype=dtype,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )

    def _energy_fn(self):
        return _ENERGIES[self.energy] if isinstance(self.energy, str) else self.energy

    def _prepare_fit(self, X, y):
        X, _ = super()._prepare_fit(X, y)
        mode = self.training or ("example" if self.energy is None else "both")
        if mode != "example" and self.energy is None:
            raise ValueError(
                f"training={mode!r} needs an energy; got energy=None (give u(x) or a name "
                f"from {sorted(_ENERGIES)})."
            )
        if mode != "example":
            self._check_energy(X[:2])
        self.training_ = mode
        return X, None

    def _check_energy(self, X):
        probe = torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float32)
        try:
            u = self._energy_fn()(probe)
        except Exception as exc:  # the user's function: report what it said
            raise ValueError(
                f"energy failed on a ({len(X)}, {X.shape[1]}) float32 tensor of positions: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(u, torch.Tensor) or tuple(u.shape) != (len(X),):
            raise ValueError(
                f"energy must map an (n, d) tensor to an (n,) tensor of energies; got "
                f"{_describe(u)} for n={len(X)}."
            )

    def _make_step(self, seed):
        ml, kl = {"example": (1.0, 0.0), "energy": (0.0, 1.0), "both": (1.0, 1.0)}[self.training_]
        if self.training_ == "both":
            kl = float(self.energy_weight)
        return BoltzmannStep(self._energy_fn(), kT=float(self.kT), ml_weight=ml, kl_weight=kl)

    def sample_weighted(self, n_samples=1000, *, random_state=None):
        """One-shot samples of the flow with their log importance weights.

        Parameters
        ----------
        n_samples : int, default 1000
            Number of independent samples.
        random_state : int, Generator, RandomState or None
            Seeds the latent draws.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_), float64
            ``x = f(z)``, ``z ~ N(0, I)``.
        log_weights : ndarray of shape (n_samples,), float64
            ``-u(x) / kT - log q(x)`` (unnormalised): reweighting by ``exp(log_weights)``
            turns averages over ``X`` into Boltzmann averages.
        """
        check_fitted(self, "module_")
        if self.energy is None:
            raise ValueError("energy is None: importance weights need the energy u(x).")
        Z = self._latent_draws(n_samples, random_state)
        energy, kT, module = self._energy_fn(), float(self.kT), self.module_

        def draw(z):
            x, logdet = module.to_data(z)
            log_q = standard_normal_log_prob(z) - logdet
            log_w = -energy(x).to(torch.float64) / kT - log_q.to(torch.float64)
            return torch.cat([x.to(torch.float64), log_w[:, None]], dim=1)

        out = self._infer(draw, Z).numpy()
        return out[:, :-1].copy(), out[:, -1].copy()


# -- reweighting -----------------------------------------------------------------------
def _log_weights(log_weights):
    lw = check_array(log_weights, name="log_weights", ndim=1, allow_nan=True)
    if np.isnan(lw).any() or np.isposinf(lw).any():
        raise ValueError("log_weights must not contain NaN or +inf (-inf is a zero weight).")
    if not np.isfinite(lw).any():
        raise ValueError("log_weights are all -inf: every weight is zero.")
    return lw.astype(np.float64)


def effective_sample_size(log_weights):
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of importance weights.

    Parameters
    ----------
    log_weights : array-like of shape (n,)
        Logarithms of unnormalised weights (``-inf`` is a zero weight).

    Returns
    -------
    float
        Between 1 (one sample carries all the weight) and ``n`` (equal weights).

    Examples
    --------
    >>> from scidl.generative import effective_sample_size
    >>> effective_sample_size([0.0, 0.0, 0.0, 0.0])
    4.0
    >>> round(effective_sample_size([0.0, -50.0, -50.0]), 6)
    1.0
    """
    lw = _log_weights(log_weights)
    w = np.exp(lw - lw.max())
    return float(w.sum() ** 2 / np.sum(w * w))


def free_energy_difference(log_weights, in_a, in_b):
    """``Delta F = F_B - F_A`` in kT by importance reweighting, with its standard error.

    Parameters
    ----------
    log_weights : array-like of shape (n,)
        Log importance weights of independent samples (e.g. from
        :meth:`BoltzmannGenerator.sample_weighted`; use zeros for unbiased samples).
    in_a, in_b : array-like of bool, shape (n,)
        Which samples lie in region A and in region B.

    Returns
    -------
    delta_f : float
        ``-log(sum_B w / sum_A w)``, in units of kT.
    std_error : float
        Its standard error by the delta method for the ratio of two means of independent
        samples: ``sqrt(Var(w 1_B) / (n m_B^2) + Var(w 1_A) / (n m_A^2)
        - 2 Cov(w 1_A, w 1_B) / (n m_A m_B))``.

    Notes
    -----
    The standard error assumes weights of finite variance. Where the sampling density has
    lighter tails than the target, rare large weights are missing from a finite sample:
    the error is then underestimated (independent repeats, e.g. flows trained with other
    seeds, show the real spread).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import free_energy_difference
    >>> x = np.random.default_rng(0).normal(size=100_000)
    >>> df, err = free_energy_difference(np.zeros(x.size), x < -1.0, x > 0.0)
    >>> bool(abs(df - np.log(0.158655 / 0.5)) < 4 * err)  # exact: -log(P(B) / P(A))
    True
    """
    lw = _log_weights(log_weights)
    masks = []
    for name, m in (("in_a", in_a), ("in_b", in_b)):
        arr = np.asarray(m)
        if arr.dtype != bool:
            raise TypeError(f"{name} must be a boolean array; got dtype {arr.dtype}.")
        if arr.shape != lw.shape:
            raise ValueError(
                f"{name} must have shape {lw.shape} like log_weights; got {arr.shape}."
            )
        masks.append(arr)
    a, b = masks
    w = np.exp(lw - lw.max())
    wa, wb = w * a, w * b
    ma, mb = wa.mean(), wb.mean()
    for name, mean in (("in_a", ma), ("in_b", mb)):
        if not mean > 0:
            raise ValueError(f"{name} holds no sample of positive weight: the region is unseen.")
    n = lw.size
    var = (
        wb.var() / (n * mb * mb)
        + wa.var() / (n * ma * ma)
        - 2.0 * np.mean((wa - ma) * (wb - mb)) / (n * ma * mb)
    )
    return float(-math.log(mb / ma)), float(math.sqrt(max(var, 0.0)))
