"""Normalizing flows: RealNVP (Dinh, Sohl-Dickstein & Bengio, ICLR 2017) on the one loop.

A flow is an invertible map ``x = f(z)`` from a simple latent distribution
``z ~ N(0, I)`` to the data. By the change of variables,

``log p(x) = log N(f^-1(x); 0, I) + log |det d f^-1 / dx|``,

so the likelihood is exact and training is maximum likelihood. RealNVP builds ``f`` from
*affine coupling layers*: a binary mask ``b`` keeps half of the coordinates fixed and
transforms the others by a scale and a shift computed from the fixed half,

``y = b * z + (1 - b) * (z * exp(s(b * z)) + t(b * z))``,

whose Jacobian is triangular: ``log |det dy/dz| = sum((1 - b) * s)``. Alternating masks
let every coordinate be transformed in turn. Here ``s`` is bounded by ``tanh`` times a
learned per-coordinate scale (a common stabiliser), the last layer of each coupling network
starts at zero (every layer starts as the identity), and a fixed affine standardisation from
the training data's mean and standard deviation sits between the flow and the data.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.nn import MLP
from scidl.numerics import ACTIVATIONS
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_fitted,
    check_int_sequence,
    make_seed,
    validate_data,
)

__all__ = ["AffineCoupling", "RealNVP", "RealNVPModule"]

_LOG_2PI = math.log(2.0 * math.pi)


def _output_dtype(dtype) -> np.dtype:
    """float32 input gives float32 output, float64 gives float64, anything else float64."""
    return np.dtype(dtype) if np.dtype(dtype) in (np.float32, np.float64) else np.dtype(np.float64)


def standard_normal_log_prob(z):
    """``log N(z; 0, I)`` per row of ``z``."""
    return -0.5 * (z * z).sum(dim=1) - 0.5 * z.shape[1] * _LOG_2PI


# -- the torch modules --------------------------------------------------------------
class AffineCoupling(nn.Module):
    """One affine coupling layer ``y = b z + (1 - b)(z exp(s(b z)) + t(b z))``.

    Parameters
    ----------
    mask : sequence of {0, 1}
        ``b``: 1 for the coordinates that pass unchanged and condition the others.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden widths of the network giving ``s`` and ``t``.
    activation : str, default "relu"
        Its hidden activation.

    Attributes
    ----------
    mask : torch.Tensor (buffer)
        The mask ``b``.
    net : scidl.nn.MLP
        ``b z -> [s_raw, t]``.
    scale : torch.nn.Parameter
        ``s = scale * tanh(s_raw)``, per coordinate.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import AffineCoupling
    >>> layer = AffineCoupling([1, 0], hidden_sizes=(8,))
    >>> z = torch.randn(4, 2)
    >>> y, logdet = layer(z)  # starts as the identity
    >>> bool(torch.equal(y, z)), logdet.tolist()
    (True, [0.0, 0.0, 0.0, 0.0])
    """

    def __init__(self, mask, hidden_sizes=(64, 64), *, activation="relu"):
        super().__init__()
        mask = torch.as_tensor(np.asarray(mask, dtype=np.float32))
        self.register_buffer("mask", mask)
        d = mask.numel()
        self.net = MLP(d, 2 * d, tuple(hidden_sizes), activation=activation)
        self.scale = nn.Parameter(torch.empty(d))
        self.reset_parameters()

    def reset_parameters(self):
        """Glorot-uniform hidden layers, a zero last layer (the identity), scale 1."""
        self.net.reset_parameters()
        last = [m for m in self.net.modules() if isinstance(m, nn.Linear)][-1]
        with torch.no_grad():
            last.weight.zero_()
            last.bias.zero_()
            self.scale.fill_(1.0)

    def _shift_scale(self, fixed):
        raw, t = self.net(fixed).chunk(2, dim=1)
        free = 1.0 - self.mask
        return free * self.scale * torch.tanh(raw), free * t

    def forward(self, z):
        """``(y, log |det dy/dz|)`` for the generative direction."""
        fixed = self.mask * z
        s, t = self._shift_scale(fixed)
        return fixed + (1.0 - self.mask) * (z * torch.exp(s) + t), s.sum(dim=1)

    def inverse(self, y):
        """``(z, log |det dz/dy|)``: the exact inverse of :meth:`forward`."""
        fixed = self.mask * y
        s, t = self._shift_scale(fixed)
        return fixed + (1.0 - self.mask) * (y - t) * torch.exp(-s), -s.sum(dim=1)

    def extra_repr(self) -> str:
        return f"mask={self.mask.int().tolist()}"


class RealNVPModule(nn.Module):
    """A RealNVP flow ``x = loc + exp(log_scale) * g(z)``, ``z ~ N(0, I)``.

    ``g`` is a stack of :class:`AffineCoupling` layers with alternating masks (coordinate
    ``i`` is fixed in layer ``l`` when ``i + l`` is even); ``loc`` and ``log_scale`` are a
    fixed standardisation (buffers).

    Parameters
    ----------
    in_features : int
        Dimension of the data (and of the latent space).
    n_layers : int, default 8
        Number of coupling layers.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden widths of each coupling network.
    activation : str, default "relu"
        Their hidden activation.
    loc, scale : array-like of shape (in_features,) or None
        The standardisation (default 0 and 1).

    Attributes
    ----------
    couplings : torch.nn.ModuleList
        The coupling layers, in the generative order ``z -> x``.
    loc, log_scale : torch.Tensor (buffers)
        The fixed affine map from the flow's output to the data.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import RealNVPModule
    >>> flow = RealNVPModule(2, n_layers=4, hidden_sizes=(8,))
    >>> x = torch.randn(5, 2)
    >>> z, logdet = flow.to_latent(x)
    >>> x_again, _ = flow.to_data(z)
    >>> bool(torch.allclose(x_again, x, atol=1e-6)), flow(x).shape  # forward: log p(x)
    (True, torch.Size([5]))
    """

    def __init__(
        self,
        in_features,
        n_layers=8,
        hidden_sizes=(64, 64),
        *,
        activation="relu",
        loc=None,
        scale=None,
    ):
        super().__init__()
        self.in_features = int(in_features)
        self.n_layers = int(n_layers)
        self.hidden_sizes = tuple(hidden_sizes)
        d = self.in_features
        idx = np.arange(d)
        self.couplings = nn.ModuleList(
            AffineCoupling((idx + k) % 2 == 0, self.hidden_sizes, activation=activation)
            for k in range(self.n_layers)
        )
        loc = np.zeros(d) if loc is None else np.asarray(loc, dtype=np.float64)
        scale = np.ones(d) if scale is None else np.asarray(scale, dtype=np.float64)
        self.register_buffer("loc", torch.as_tensor(loc, dtype=torch.float32))
        self.register_buffer("log_scale", torch.as_tensor(np.log(scale), dtype=torch.float32))
        self.reset_parameters()

    def reset_parameters(self):
        """Every coupling layer back to the identity (see :class:`AffineCoupling`)."""
        for layer in self.couplings:
            layer.reset_parameters()

    def to_data(self, z):
        """``(x, log |det dx/dz|)``: latent codes to data."""
        logdet = torch.zeros(z.shape[0], dtype=z.dtype, device=z.device)
        for layer in self.couplings:
            z, ld = layer(z)
            logdet = logdet + ld
        x = self.loc + torch.exp(self.log_scale) * z
        return x, logdet + self.log_scale.sum()

    def to_latent(self, x):
        """``(z, log |det dz/dx|)``: data to latent codes (the exact inverse of :meth:`to_data`)."""
        y = (x - self.loc) * torch.exp(-self.log_scale)
        logdet = (-self.log_scale.sum()).expand(x.shape[0])
        for layer in reversed(self.couplings):
            y, ld = layer.inverse(y)
            logdet = logdet + ld
        return y, logdet

    def log_prob(self, x):
        """``log p(x)`` per row: the exact log-density by the change of variables."""
        z, logdet = self.to_latent(x)
        return standard_normal_log_prob(z) + logdet

    def forward(self, x):
        """``log p(x)`` per row (what maximum likelihood maximises)."""
        return self.log_prob(x)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_layers={self.n_layers}, "
            f"hidden_sizes={self.hidden_sizes}"
        )


def negative_log_likelihood(log_p, target=None):
    """The training loss of a flow: ``-mean(log p(x))`` (``target`` is ignored)."""
    return -log_p.mean()


# -- the estimator -------------------------------------------------------------------
class RealNVP(TransformerMixin, NeuralEstimator):
    """RealNVP normalizing flow: an exact density model with a Gaussian latent space.

    Parameters
    ----------
    n_layers : int, default 8
        Number of affine coupling layers (masks alternate between them).
    hidden_sizes : sequence of int, default (64, 64)
        Hidden widths of each coupling layer's scale-and-shift network.
    activation : str, default "relu"
        Their hidden activation.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        As for every :class:`~scidl.base.NeuralEstimator`. The training loss is the negative
        log-likelihood per sample (nats), so ``history_`` holds the train and validation NLL.

    Attributes
    ----------
    module_ : RealNVPModule
        The trained flow.
    data_mean_, data_scale_ : ndarray of shape (n_features_in_,)
        The standardisation of the training data (a zero standard deviation counts as 1).
    history_, n_features_in_, n_epochs_, device_
        As for every neural estimator.

    Notes
    -----
    Maximum likelihood with the exact log-density (Dinh, Sohl-Dickstein & Bengio, "Density
    estimation using Real NVP", ICLR 2017). :meth:`transform` maps data to the latent space,
    :meth:`inverse_transform` back, :meth:`sample` draws ``z ~ N(0, I)`` and maps it to data,
    :meth:`score_samples` gives ``log p(x)`` per sample and :meth:`score` its mean.

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.generative import RealNVP
    >>> X, _ = make_moons(400, noise=0.05, random_state=0)
    >>> flow = RealNVP(n_layers=4, hidden_sizes=(16,), max_epochs=2, random_state=0).fit(X)
    >>> flow.transform(X).shape, flow.sample(3, random_state=0).shape
    ((400, 2), (3, 2))
    >>> bool(abs(flow.inverse_transform(flow.transform(X)) - X).max() < 1e-4)
    True
    """

    _parameter_constraints = {
        "n_layers": [Interval(numbers.Integral, 1, None)],
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "activation": [Options(*ACTIVATIONS)],
    }

    def __init__(
        self,
        n_layers=8,
        *,
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
        self.n_layers = n_layers
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # -- fitting hooks ---------------------------------------------------------
    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        self.data_mean_ = X.mean(axis=0).astype(np.float64)
        std = X.std(axis=0).astype(np.float64)
        self.data_scale_ = np.where(std > 0, std, 1.0)
        return X, None

    def _build_module(self):
        return RealNVPModule(
            self.n_features_in_,
            self.n_layers,
            check_int_sequence(self.hidden_sizes, "hidden_sizes"),
            activation=self.activation,
            loc=self.data_mean_,
            scale=self.data_scale_,
        )

    def _loss_fn(self):
        return negative_log_likelihood

    # -- inference -------------------------------------------------------------
    def _check_input(self, X):
        check_fitted(self, "module_")
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def _numpy(self, fn, X):
        return self._infer(fn, X).numpy().astype(_output_dtype(X.dtype), copy=False)

    def transform(self, X):
        """Map data to the latent space: ``z = f^-1(x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Latent codes (standard normal for data from the model), in the dtype of ``X``.
        """
        X = self._check_input(X)
        return self._numpy(lambda x: self.module_.to_latent(x)[0], X)

    def inverse_transform(self, X):
        """Map latent codes to data: ``x = f(z)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Latent codes.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Data, in the dtype of ``X``.
        """
        check_fitted(self, "module_")
        Z = check_array(X, name="X")
        if Z.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but inverse_transform expects "
                f"{self.n_features_in_} (the latent dimension equals n_features_in_)."
            )
        return self._numpy(lambda z: self.module_.to_data(z)[0], Z)

    def score_samples(self, X):
        """The exact log-density ``log p(x)`` of each sample, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray of shape (n_samples,), float64
        """
        X = self._check_input(X)
        return self._infer(self.module_.log_prob, X).numpy().astype(np.float64)

    def score(self, X, y=None):
        """The mean log-likelihood per sample, in nats (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored.

        Returns
        -------
        float
            ``mean(log p(x))``; minus it is the NLL per point that papers report.
        """
        return float(self.score_samples(X).mean())

    def _latent_draws(self, n_samples, random_state):
        check_fitted(self, "module_")
        if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
            raise TypeError(f"n_samples must be an int; got {type(n_samples).__name__}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be >= 1; got {n_samples}.")
        gen = np.random.default_rng(make_seed(random_state))
        return gen.standard_normal((int(n_samples), self.n_features_in_))

    def sample(self, n_samples=1, *, random_state=None):
        """Draw from the model: ``z ~ N(0, I)``, ``x = f(z)``.

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples.
        random_state : int, Generator, RandomState or None, default None
            Seeds the draws.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_), float64
        """
        Z = self._latent_draws(n_samples, random_state)
        return self._infer(lambda z: self.module_.to_data(z)[0], Z).numpy().astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
