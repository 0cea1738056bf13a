"""Generative adversarial networks (Goodfellow et al. 2014) on the one training loop.

A generator ``G`` maps a latent ``z ~ N(0, I)`` to a sample; a discriminator
``D`` tells data from generated samples. They play the two-player game

``min_G max_D E_data[log D(x)] + E_z[log(1 - D(G(z)))]``,

trained here by alternating stochastic gradient steps with two optimizers in
one :class:`GANStep` (never a second loop). The pieces:

- :func:`discriminator_loss`, :func:`generator_loss` and :func:`gradient_penalty`,
  the losses of the non-saturating GAN, the original minimax GAN and WGAN-GP
  (in :mod:`scidl.generative._gan_losses`);
- :class:`GANModule` (MLPs), a plain torch module holding ``generator`` and ``discriminator``;
- :class:`GANStep`, the two-optimizer update;
- the estimator :class:`GAN`.

The convolutional version (Radford et al. 2016) is in :mod:`scidl.generative._dcgan`.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from scidl.base import NeuralEstimator
from scidl.generative._gan_losses import (
    LOSSES,
    _check_loss,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
)
from scidl.training import Step
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

__all__ = [
    "GAN",
    "GANModule",
    "GANStep",
    "discriminator_loss",
    "generator_loss",
    "gradient_penalty",
]

_LEAK = 0.2  # LeakyReLU slope of the discriminators (Radford et al. 2016)


# -- the torch modules -------------------------------------------------------------
def _pack(x, pack):
    """``(n, ...)`` rows -> ``(n / pack, pack * ...)``: PacGAN's packed discriminator input."""
    if len(x) % pack:
        raise ValueError(f"The number of rows ({len(x)}) must be a multiple of pack={pack}.")
    return x.reshape(len(x) // pack, pack * x.shape[1], *x.shape[2:])


def _maybe_sn(layer, spectral_norm):
    return nn.utils.parametrizations.spectral_norm(layer) if spectral_norm else layer


class _GANBase(nn.Module):
    """What the two GAN modules share: packing, generate, discriminate."""

    def forward(self, z):
        """Generated samples ``G(z)``, flat rows ``(n, in_features)``."""
        return self.generate(z)

    def discriminate(self, x):
        """Scores of flat rows ``x``, one per pack of ``pack`` rows: ``(n / pack,)``."""
        return self._discriminate(_pack(self._as_input(x), self.pack)).squeeze(1)

    def _as_input(self, x):
        return x


class GANModule(_GANBase):
    """Generator and discriminator MLPs of a GAN, the discriminator optionally packed.

    The generator is ``z -> [Linear -> ReLU] x k -> Linear`` (a linear output,
    for real-valued data); the discriminator is
    ``x -> [Linear -> LeakyReLU(0.2)] x k -> Linear``, one logit (or critic value).
    With ``pack = m`` the discriminator sees ``m`` samples concatenated into one
    input of ``m * in_features`` values (PacGAN, Lin et al. 2018) and gives one
    score per pack, so it can notice a lack of diversity that one sample cannot show.

    Parameters
    ----------
    in_features : int
        Number of features of a sample.
    n_components : int
        Size of the latent code ``z``.
    hidden_sizes : sequence of int, default (128, 128)
        Hidden widths of the generator; the discriminator uses the same.
    pack : int, default 1
        Samples per discriminator input.
    spectral_norm : bool, default False
        Spectral normalisation of the discriminator's linear layers (Miyato et al. 2018).

    Attributes
    ----------
    generator : torch.nn.Sequential
        ``z -> u``, in standardised units.
    discriminator : torch.nn.Sequential
        ``m * in_features -> 1``, on standardised inputs.
    loc, scale : torch.Tensor (buffers) of shape (in_features,)
        The data units: a sample is ``x = loc + scale * u``, and the discriminator
        sees ``(x - loc) / scale`` (0 and 1 by default; the :class:`GAN`
        estimator sets the mean and standard deviation of its training data).
    in_features, n_components, hidden_sizes, pack, spectral_norm
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import GANModule
    >>> net = GANModule(2, 4, (16,), pack=2)
    >>> x = net(torch.zeros(6, 4))
    >>> x.shape, net.discriminate(x).shape  # three packs of two
    (torch.Size([6, 2]), torch.Size([3]))
    """

    def __init__(
        self, in_features, n_components, hidden_sizes=(128, 128), *, pack=1, spectral_norm=False
    ):
        super().__init__()
        self.in_features = int(in_features)
        self.n_components = int(n_components)
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        self.pack = int(pack)
        self.spectral_norm = bool(spectral_norm)
        gen, prev = [], self.n_components
        for h in self.hidden_sizes:
            gen += [nn.Linear(prev, h), nn.ReLU()]
            prev = h
        gen.append(nn.Linear(prev, self.in_features))
        self.generator = nn.Sequential(*gen)
        disc, prev = [], self.pack * self.in_features
        for h in self.hidden_sizes:
            disc += [_maybe_sn(nn.Linear(prev, h), spectral_norm), nn.LeakyReLU(_LEAK)]
            prev = h
        disc.append(_maybe_sn(nn.Linear(prev, 1), spectral_norm))
        self.discriminator = nn.Sequential(*disc)
        self.register_buffer("loc", torch.zeros(self.in_features))
        self.register_buffer("scale", torch.ones(self.in_features))
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default initialisation of every linear layer (Kaiming-uniform, a = sqrt(5))."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                m.reset_parameters()

    def generate(self, z):
        """``G(z) = loc + scale * generator(z)``, shape ``(n, in_features)``."""
        return torch.addcmul(self.loc, self.scale, self.generator(z))

    def _as_input(self, x):
        return (x - self.loc) / self.scale

    def _discriminate(self, packed):
        return self.discriminator(packed)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, pack={self.pack}"
        )


# -- the training step -----------------------------------------------------------
def _unwrap(module):
    return getattr(module, "module", module) if not isinstance(module, _GANBase) else module


class GANStep(Step):
    """One GAN update with two optimizers: a discriminator step, then a generator step.

    Per minibatch of data ``x`` (``n`` rows): draw ``z``, make ``G(z)`` once;
    update the discriminator on ``discriminator_loss(D(x), D(G(z)))`` (plus
    ``gp_weight * gradient_penalty`` for WGAN-GP) with ``G(z)`` detached; then,
    every ``n_critic``-th batch, update the generator on
    ``generator_loss(D(G(z)))`` under the updated discriminator (the scheme of
    Goodfellow et al. 2014, Algorithm 1, with ``k = n_critic`` and one batch per
    discriminator step). Rows are cut to a multiple of the module's ``pack``;
    a batch smaller than ``max(2, pack)`` rows is repeated up to that size.

    Parameters
    ----------
    loss : {"non-saturating", "minimax", "wgan-gp"}, default "non-saturating"
        The GAN variant.
    label_smoothing : float, default 0.0
        One-sided label smoothing of the real targets.
    gp_weight : float, default 10.0
        Weight of the gradient penalty (``"wgan-gp"`` only).
    n_critic : int, default 1
        Discriminator steps per generator step.
    betas : tuple of float or None, default (0.5, 0.999)
        Adam's ``betas`` for both optimizers (0.5 is the choice of Radford et al.
        2016); None for optimizers that take no ``betas`` (SGD, RMSprop...).

    Attributes
    ----------
    loss, label_smoothing, gp_weight, n_critic, betas
        As given.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import GANModule, GANStep
    >>> from scidl.training import train
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(128, 2)
    >>> history = train(GANModule(2, 2, (8,)), (x,), step=GANStep(), max_epochs=2, verbose=0)
    >>> history.columns
    ['epoch', 'train_loss', 'train_g_loss', 'train_d_real', 'train_d_fake', 'lr', 'time']
    """

    def __init__(
        self,
        *,
        loss="non-saturating",
        label_smoothing=0.0,
        gp_weight=10.0,
        n_critic=1,
        betas=(0.5, 0.999),
    ):
        _check_loss(loss)
        self.loss = loss
        self.label_smoothing = label_smoothing
        self.gp_weight = gp_weight
        self.n_critic = n_critic
        self.betas = None if betas is None else tuple(betas)

    def configure_optimizers(self, module, make_optimizer):
        """``{"discriminator": ..., "generator": ...}``, each with the loop's settings."""
        net = _unwrap(module)
        extra = {} if self.betas is None else {"betas": self.betas}
        return {
            "discriminator": make_optimizer(net.discriminator.parameters(), **extra),
            "generator": make_optimizer(net.generator.parameters(), **extra),
        }

    def _rows(self, x, pack):
        need = max(2, pack)
        if len(x) < need:
            return x[torch.arange(need, device=x.device) % len(x)]
        return x[: len(x) - len(x) % pack]

    def _scores(self, scores):
        """Mean discriminator output reported in the history: D in (0, 1), or critic values."""
        return torch.sigmoid(scores).mean() if self.loss != "wgan-gp" else scores.mean()

    def train_step(self, module, batch, optimizers, ctx):
        """Update D on one minibatch, then (every ``n_critic`` batches) G."""
        net = _unwrap(module)
        x = self._rows(batch[0], net.pack)
        opt_d, opt_g = optimizers["discriminator"], optimizers["generator"]
        update_g = (ctx.state.global_step + 1) % self.n_critic == 0
        z = torch.randn(len(x), net.n_components, device=x.device, dtype=x.dtype)
        with torch.set_grad_enabled(update_g):
            fake = net.generate(z)
        # the discriminator (critic) step, with the generator's samples held fixed
        opt_d.zero_grad(set_to_none=True)
        real_scores = net.discriminate(x)
        fake_scores = net.discriminate(fake.detach())
        d_loss = discriminator_loss(
            real_scores, fake_scores, loss=self.loss, label_smoothing=self.label_smoothing
        )
        if self.loss == "wgan-gp":
            d_loss = d_loss + self.gp_weight * gradient_penalty(
                net.discriminate, x.reshape(fake.shape), fake
            )
        ctx.check_finite(d_loss)
        ctx.backward(d_loss)
        ctx.clip_gradients(net.discriminator)
        opt_d.step()
        # the generator step, against the updated discriminator
        if update_g:
            opt_g.zero_grad(set_to_none=True)
            g_loss = generator_loss(net.discriminate(fake), loss=self.loss)
            ctx.check_finite(g_loss)
            ctx.backward(g_loss)
            ctx.clip_gradients(net.generator)
            opt_g.step()
        else:
            g_loss = generator_loss(fake_scores.detach(), loss=self.loss)
        return {
            "loss": d_loss.detach(),
            "g_loss": g_loss.detach(),
            "d_real": self._scores(real_scores.detach()),
            "d_fake": self._scores(fake_scores.detach()),
        }

    def eval_step(self, module, batch, ctx):
        """The discriminator's and generator's losses on a validation batch (fresh ``z``)."""
        net = _unwrap(module)
        x = self._rows(batch[0], net.pack)
        z = torch.randn(len(x), net.n_components, device=x.device, dtype=x.dtype)
        real_scores, fake_scores = net.discriminate(x), net.discriminate(net.generate(z))
        return {
            "loss": discriminator_loss(real_scores, fake_scores, loss=self.loss),
            "g_loss": generator_loss(fake_scores, loss=self.loss),
        }


# -- the estimators --------------------------------------------------------------
def _positive_pair(value, name):
    ok = (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(b, numbers.Real) and not isinstance(b, bool) for b in value)
        and all(0.0 <= b < 1.0 for b in value)
    )
    if not ok:
        raise ValueError(f"{name} must be a pair of numbers in [0, 1); got {value!r}.")
    return (float(value[0]), float(value[1]))


class _AdversarialEstimator(NeuralEstimator):
    """What GAN and DCGAN share: the step, sampling, interpolation, discriminator scores."""

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None)],
        "loss": [Options(*LOSSES)],
        "pack": [Interval(numbers.Integral, 1, None)],
        "spectral_norm": [InstanceOf(bool)],
        "label_smoothing": [Interval(numbers.Real, 0, 1, closed="left")],
        "gp_weight": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_critic": [Interval(numbers.Integral, 1, None)],
        "betas": [InstanceOf(tuple, list, description="a pair (beta1, beta2) in [0, 1)")],
    }

    # -- fitting hooks ---------------------------------------------------------
    def _validate_hyperparameters(self):
        super()._validate_hyperparameters()
        _positive_pair(self.betas, "betas")

    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        return X, None

    def _make_step(self, seed):
        adam = isinstance(self.optimizer, str) and self.optimizer in ("adam", "adamw")
        return GANStep(
            loss=self.loss,
            label_smoothing=float(self.label_smoothing),
            gp_weight=float(self.gp_weight),
            n_critic=int(self.n_critic),
            betas=_positive_pair(self.betas, "betas") if adam else None,
        )

    # -- inference -------------------------------------------------------------
    def _generator(self, random_state):
        device = next(self.module_.parameters()).device
        return torch.Generator(device=device).manual_seed(make_seed(random_state))

    def _latent(self, n, random_state):
        param = next(self.module_.parameters())
        gen = self._generator(random_state)
        z = torch.randn((n, self.module_.n_components), generator=gen, device=param.device)
        return z.to(param.dtype)

    @staticmethod
    def _check_n(value, name):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int; got {type(value).__name__}.")
        if value < 1:
            raise ValueError(f"{name} must be >= 1; got {value}.")
        return int(value)

    def sample(self, n_samples=1, *, random_state=None):
        """Draw ``G(z)`` for ``z ~ N(0, I)``.

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples.
        random_state : int, Generator, RandomState or None, default None
            Seeds the latent draws.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_), float64
        """
        check_fitted(self, "module_")
        n = self._check_n(n_samples, "n_samples")
        z = self._latent(n, random_state)
        return self._infer(self.module_.generate, z).numpy().astype(np.float64)

    def generate(self, Z):
        """The generator's output ``G(z)`` for given latent codes.

        Parameters
        ----------
        Z : array-like of shape (n, n_components)
            Latent codes.

        Returns
        -------
        ndarray of shape (n, n_features_in_), float64
        """
        check_fitted(self, "module_")
        Z = check_array(Z, name="Z")
        if Z.shape[1] != self.module_.n_components:
            raise ValueError(
                f"Z has {Z.shape[1]} columns, but generate expects "
                f"n_components={self.module_.n_components}."
            )
        return self._infer(self.module_.generate, Z).numpy().astype(np.float64)

    def interpolate(self, n_steps=10, *, start=None, end=None, random_state=None):
        """Samples along the straight line between two latent codes.

        Parameters
        ----------
        n_steps : int, default 10
            Points on the line, both ends included (>= 2).
        start, end : array-like of shape (n_components,) or None, default None
            The two codes; None draws them from ``N(0, I)``.
        random_state : int, Generator, RandomState or None, default None
            Seeds the codes that are drawn.

        Returns
        -------
        ndarray of shape (n_steps, n_features_in_), float64
            ``G((1 - t) start + t end)`` for ``t`` evenly spaced in [0, 1].
        """
        check_fitted(self, "module_")
        n_steps = self._check_n(n_steps, "n_steps")
        if n_steps < 2:
            raise ValueError(f"n_steps must be >= 2; got {n_steps}.")
        k = self.module_.n_components
        drawn = self._latent(2, random_state).cpu().double().numpy()
        ends = []
        for name, value, default in (("start", start, drawn[0]), ("end", end, drawn[1])):
            if value is None:
                ends.append(default)
                continue
            value = check_array(value, name=name, ndim=1)
            if value.shape != (k,):
                raise ValueError(f"{name} must have shape ({k},); got {value.shape}.")
            ends.append(value)
        t = np.linspace(0.0, 1.0, n_steps)[:, None]
        return self.generate((1.0 - t) * ends[0] + t * ends[1])

    def discriminate(self, X):
        """The discriminator's score of each row: a logit (``D = sigmoid``) or a critic value.

        With ``pack = m`` each row is judged as a pack of ``m`` copies of itself.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, real or generated.

        Returns
        -------
        ndarray of shape (n_samples,), float64
            Higher means "more like the data"; for the cross-entropy losses
            ``1 / (1 + exp(-score))`` is the discriminator's probability of "real".
        """
        check_fitted(self, "module_")
        X = self._check_input(X)
        pack = self.module_.pack

        def score(x):
            return self.module_.discriminate(x.repeat_interleave(pack, dim=0))

        return self._infer(score, X).numpy().astype(np.float64)

    def _check_input(self, X):
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)


class GAN(_AdversarialEstimator):
    """Generative adversarial network with MLP generator and discriminator.

    Parameters
    ----------
    n_components : int, default 8
        Size of the latent code ``z ~ N(0, I)``.
    hidden_sizes : sequence of int, default (128, 128)
        Hidden widths of the generator; the discriminator uses the same.
    loss : {"non-saturating", "minimax", "wgan-gp"}, default "non-saturating"
        The GAN variant: the non-saturating generator loss of Goodfellow et al.
        (2014), the original minimax game (for teaching: its generator gradient
        vanishes early in training), or WGAN-GP (Gulrajani et al. 2017).
    pack : int, default 2
        PacGAN packing (Lin et al. 2018): the discriminator judges ``pack``
        samples at once; 1 is the plain GAN. Packing is what made coverage
        reliable: with ``pack=2`` every seed covered 8/8 and 25/25 modes, with
        ``pack=1`` some seeds lost one to three modes (see Notes).
    spectral_norm : bool, default False
        Spectral normalisation of the discriminator (Miyato et al. 2018).
    standardize : bool, default True
        Train both networks on standardised features (zero mean, unit variance per
        feature of the training data): the generator's output layer then starts at the
        data's scale and the discriminator sees inputs of order 1. Samples are
        always returned in data units.
    label_smoothing : float, default 0.0
        One-sided label smoothing of the real targets (Salimans et al. 2016).
    gp_weight : float, default 10.0
        Gradient-penalty weight (``loss="wgan-gp"`` only).
    n_critic : int, default 1
        Discriminator steps per generator step (5 is usual for WGAN-GP).
    betas : tuple of float, default (0.5, 0.999)
        Adam's betas for both players (Radford et al. 2016).
    optimizer : str, default "adam"
        Optimizer of both players (any name of :data:`scidl.training.OPTIMIZERS`).
    lr : float, default 1e-3
        Learning rate of both players.
    batch_size : int, default 64
        Data rows per step.
    max_epochs : int, default 400
        Passes over the data. The defaults give about 62,000 steps on 10,000
        samples: the budget at which every seed covered the 25-Gaussian grid
        with >= 90 % high-quality samples (half as many steps left 80 %, a
        quarter 48 %: the samples still spread between the modes).
    lr_schedule : str or None, default "cosine"
        Per-epoch schedule of both learning rates; the cosine decay to 0 lets the
        generator settle on the modes at the end (it raised the share of
        high-quality samples on the 8-Gaussian ring from 54 % to 72 % in one
        measured run; ``benchmarks/gan_mode_coverage.py``).
    weight_decay, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        As for every :class:`~scidl.base.NeuralEstimator`.
    validation_fraction : float, default 0.0
        Rows held out for ``valid_loss``/``valid_g_loss`` (GAN losses do not measure
        sample quality, so nothing is held out by default).
    patience : int or None, default None
        Early stopping on the discriminator loss (rarely meaningful for a GAN; off).

    Attributes
    ----------
    module_ : GANModule
        The generator and discriminator (``module_.generator``, ``module_.discriminator``).
    history_ : scidl.training.History
        Per epoch: ``train_loss`` (discriminator), ``train_g_loss``, ``train_d_real`` and
        ``train_d_fake`` (mean ``D`` on data and samples; critic values for WGAN-GP), ``lr``,
        ``time``.
    data_mean_, data_scale_ : ndarray of shape (n_features_in_,)
        The units the networks work in (mean and standard deviation of the
        training data with ``standardize=True``; 0 and 1 otherwise).
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the networks were trained on.

    Notes
    -----
    Goodfellow et al. (2014, arXiv:1406.2661): for a fixed generator the best
    discriminator is ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``, and the game's
    value is then ``2 JS(p_data || p_g) - log 4``, minimal exactly when
    ``p_g = p_data``. scidl's defaults were measured on the mode-collapse
    benchmark of Lin et al. (2018; ``benchmarks/gan_mode_coverage.py``, 10,000
    training points, five seeds): the non-saturating loss (the minimax loss
    saturates), Adam with ``beta_1 = 0.5`` (Radford et al. 2016), standardised
    features (83 % high-quality grid samples against 69 % without, one seed), a
    cosine decay of the learning rate, about 62,000 steps and PacGAN packing
    with ``pack=2``. With these every seed covered every mode with >= 93 %
    high-quality samples on both mixtures. At half the budget, packing still
    covered every mode (8.0/8, 93.6 % high quality; 25.0/25, 80.4 %), while the
    plain GAN (``pack=1``) had more high-quality samples (97.2 % and 90.7 %) but
    lost modes in some seeds (7.6/8 and 24.0/25 on average).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import GAN
    >>> X = np.random.default_rng(0).normal(3.0, 0.5, size=(512, 1))
    >>> gan = GAN(2, hidden_sizes=(16,), max_epochs=2, random_state=0).fit(X)
    >>> gan.sample(4, random_state=0).shape, gan.discriminate(X[:3]).shape
    ((4, 1), (3,))
    >>> gan.interpolate(5, random_state=0).shape  # a straight line in latent space
    (5, 1)
    """

    _parameter_constraints = {
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "standardize": [InstanceOf(bool)],
    }

    def __init__(
        self,
        n_components=8,
        *,
        hidden_sizes=(128, 128),
        loss="non-saturating",
        pack=2,
        spectral_norm=False,
        standardize=True,
        label_smoothing=0.0,
        gp_weight=10.0,
        n_critic=1,
        betas=(0.5, 0.999),
        optimizer="adam",
        lr=1e-3,
        batch_size=64,
        max_epochs=400,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule="cosine",
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.n_components = n_components
        self.hidden_sizes = hidden_sizes
        self.loss = loss
        self.pack = pack
        self.spectral_norm = spectral_norm
        self.standardize = standardize
        self.label_smoothing = label_smoothing
        self.gp_weight = gp_weight
        self.n_critic = n_critic
        self.betas = betas
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

    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        if self.standardize:
            self.data_mean_ = X.mean(0).astype(np.float64)
            std = X.std(0).astype(np.float64)
            self.data_scale_ = np.where(std > 0, std, 1.0)  # constant features keep scale 1
        else:
            self.data_mean_ = np.zeros(X.shape[1])
            self.data_scale_ = np.ones(X.shape[1])
        return X, None

    def _build_module(self):
        module = GANModule(
            self.n_features_in_,
            self.n_components,
            check_int_sequence(self.hidden_sizes, "hidden_sizes"),
            pack=self.pack,
            spectral_norm=self.spectral_norm,
        )
        module.loc.copy_(torch.as_tensor(self.data_mean_))
        module.scale.copy_(torch.as_tensor(self.data_scale_))
        return module
