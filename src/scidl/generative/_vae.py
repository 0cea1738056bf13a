"""The variational autoencoder (Kingma & Welling 2014) on the one training loop.

An encoder maps ``x`` to the mean and log-variance of a diagonal Gaussian
posterior ``q(z|x)``; a decoder maps a latent ``z`` to the parameters of the
likelihood ``p(x|z)`` (Bernoulli logits for binary or grey data, a Gaussian
mean with a learned or fixed variance for real data). Training maximises the
evidence lower bound

``ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || N(0, I)) <= log p(x)``

with one reparameterised sample per data point (:class:`ELBOStep`), and
:meth:`VAE.log_likelihood` tightens the bound by importance sampling (the
IWAE bound of Burda, Grosse & Salakhutdinov 2016).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.generative._elbo import gaussian_kl, iwae_bound, log_bernoulli, log_normal
from scidl.nn import MLP
from scidl.numerics import ACTIVATIONS, get_activation
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

__all__ = ["ELBOStep", "VAE", "VAEModule"]

# Smallest decoder variance of the Gaussian likelihood: a learned variance may otherwise
# shrink without bound on a (nearly) constant feature and the ELBO diverge to +inf.
_MIN_LOGVAR = math.log(1e-6)


def _output_dtype(dtype) -> np.dtype:
    """float32 input gives float32 output, float64 gives float64, anything else float64."""
    return np.dtype(dtype) if np.dtype(dtype) in (np.float32, np.float64) else np.dtype(np.float64)


def _conv_stack(n_in, channels, activation):
    """Stride-2 3x3 convolutions, each halving the image (rounding up)."""
    layers, prev = [], n_in
    for ch in channels:
        layers += [nn.Conv2d(prev, ch, 3, stride=2, padding=1), get_activation(activation)]
        prev = ch
    return layers


# -- the torch module --------------------------------------------------------------
class VAEModule(nn.Module):
    """Encoder ``x -> (mu, logvar)`` of ``q(z|x)`` and decoder ``z -> `` parameters of ``p(x|z)``.

    Inputs are flat vectors ``(batch, in_features)``; with ``architecture="conv"``
    they are read as one-channel images of ``image_shape`` and pass through
    stride-2 convolutions before the dense layers (the decoder mirrors them with
    transposed convolutions).

    Parameters
    ----------
    in_features : int
        Number of input features (pixels).
    n_components : int
        Size of the latent code ``z``.
    hidden_sizes : sequence of int, default (400,)
        Hidden widths of the encoder's dense part (the decoder mirrors them);
        ``()`` makes both maps affine (a linear-Gaussian model).
    architecture : {"mlp", "conv"}, default "mlp"
        Dense networks, or convolutions in front of them.
    channels : sequence of int, default (32, 64)
        Feature maps of the convolutions (``architecture="conv"`` only).
    image_shape : tuple of int (H, W) or None, default None
        Image shape for ``"conv"``; None means square (``in_features`` must be a square).
    activation : str or nn.Module class, default "relu"
        Hidden activation.
    likelihood : {"bernoulli", "gaussian"}, default "bernoulli"
        ``p(x|z)``: independent Bernoulli pixels (the decoder gives logits) or a
        diagonal Gaussian (the decoder gives the mean).
    noise_variance : float or None, default None
        Variance of the Gaussian likelihood; None learns one per feature
        (``log_noise_variance``, bounded below by 1e-6).

    Attributes
    ----------
    encoder : torch.nn.Module
        ``x -> [mu, logvar]`` (``2 * n_components`` outputs).
    decoder : torch.nn.Module
        ``z ->`` logits (Bernoulli) or means (Gaussian), ``(batch, in_features)``.
    log_noise_variance : torch.nn.Parameter or buffer or None
        Per-feature log-variance of the Gaussian likelihood (a parameter when
        learned, a buffer when fixed, None for Bernoulli).
    in_features, n_components, hidden_sizes, architecture, channels, image_shape, activation, \
likelihood, noise_variance
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import VAEModule
    >>> net = VAEModule(6, 2, hidden_sizes=(4,))
    >>> mu, logvar = net.encode(torch.zeros(3, 6))
    >>> mu.shape, net.decode(mu).shape
    (torch.Size([3, 2]), torch.Size([3, 6]))
    >>> net
    VAEModule(
      in_features=6, n_components=2, hidden_sizes=(4,), architecture='mlp', likelihood='bernoulli'
      (encoder): MLP(...)
      (decoder): MLP(...)
    )
    """

    def __init__(
        self,
        in_features,
        n_components,
        hidden_sizes=(400,),
        *,
        architecture="mlp",
        channels=(32, 64),
        image_shape=None,
        activation="relu",
        likelihood="bernoulli",
        noise_variance=None,
    ):
        super().__init__()
        self.in_features = int(in_features)
        self.n_components = int(n_components)
        self.hidden_sizes = tuple(hidden_sizes)
        self.architecture = architecture
        self.channels = tuple(channels)
        self.activation = activation
        self.likelihood = likelihood
        self.noise_variance = noise_variance
        if architecture == "mlp":
            self.image_shape = None if image_shape is None else tuple(image_shape)
            self.encoder = MLP(
                in_features, 2 * n_components, self.hidden_sizes, activation=activation
            )
            self.decoder = MLP(
                n_components, in_features, self.hidden_sizes[::-1], activation=activation
            )
        elif architecture == "conv":
            self.image_shape = self._square(in_features) if image_shape is None else image_shape
            self.image_shape = tuple(int(s) for s in self.image_shape)
            h, w = self.image_shape
            sizes = [(h, w)]
            for _ in self.channels:
                h, w = (h + 1) // 2, (w + 1) // 2
                sizes.append((h, w))
            code_shape = (self.channels[-1], h, w)
            flat = int(np.prod(code_shape))
            self.encoder = nn.Sequential(
                nn.Unflatten(1, (1, *self.image_shape)),
                *_conv_stack(1, self.channels, activation),
                nn.Flatten(),
                MLP(flat, 2 * n_components, self.hidden_sizes, activation=activation),
            )
            dec = [
                MLP(n_components, flat, self.hidden_sizes[::-1], activation=activation),
                get_activation(activation),
                nn.Unflatten(1, code_shape),
            ]
            outs = (1, *self.channels[:-1])[::-1]
            prev = self.channels[-1]
            for i, ch in enumerate(outs):
                (h_in, w_in), (h_out, w_out) = sizes[-1 - i], sizes[-2 - i]
                # A stride-2 transposed convolution gives 2 * in - 1 + output_padding.
                op = (h_out - (2 * h_in - 1), w_out - (2 * w_in - 1))
                dec.append(nn.ConvTranspose2d(prev, ch, 3, stride=2, padding=1, output_padding=op))
                if i < len(outs) - 1:
                    dec.append(get_activation(activation))
                prev = ch
            dec.append(nn.Flatten())
            self.decoder = nn.Sequential(*dec)
        else:
            raise ValueError(f"architecture must be 'mlp' or 'conv'; got {architecture!r}.")
        if likelihood == "gaussian" and noise_variance is None:
            self.log_noise_variance = nn.Parameter(torch.empty(self.in_features))
        elif likelihood == "gaussian":
            self.register_buffer(
                "log_noise_variance", torch.full((self.in_features,), math.log(noise_variance))
            )
        elif likelihood == "bernoulli":
            self.log_noise_variance = None
        else:
            raise ValueError(f"likelihood must be 'bernoulli' or 'gaussian'; got {likelihood!r}.")
        self.reset_parameters()

    @staticmethod
    def _square(in_features):
        side = math.isqrt(int(in_features))
        if side * side != in_features:
            raise ValueError(
                f"architecture='conv' needs square images or an image_shape; "
                f"{in_features} features are not a square number of pixels."
            )
        return (side, side)

    def reset_parameters(self):
        """Re-initialise every layer; a learned noise variance starts at 1 (log 0)."""
        for m in self.modules():
            if isinstance(m, MLP):
                m.reset_parameters()  # Glorot-uniform (see scidl.nn.MLP)
            elif isinstance(m, nn.Conv2d | nn.ConvTranspose2d):
                m.reset_parameters()  # PyTorch's defaults
        if isinstance(self.log_noise_variance, nn.Parameter):
            with torch.no_grad():
                self.log_noise_variance.zero_()

    def encode(self, x):
        """``(mu, logvar)`` of ``q(z|x)``, each ``(batch, n_components)``."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z):
        """The likelihood's parameters at ``z``: logits (Bernoulli) or means (Gaussian)."""
        return self.decoder(z)

    def mean(self, out):
        """``E[x|z]`` from the decoder output: ``sigmoid(logits)`` or the Gaussian mean."""
        return torch.sigmoid(out) if self.likelihood == "bernoulli" else out

    def noise_logvar(self):
        """The Gaussian likelihood's per-feature log-variance (None for Bernoulli)."""
        if self.log_noise_variance is None:
            return None
        return self.log_noise_variance.clamp(min=_MIN_LOGVAR)

    def log_likelihood(self, x, out):
        """``log p(x|z)`` per sample, from the decoder output ``out = decode(z)``."""
        if self.likelihood == "bernoulli":
            return log_bernoulli(x, out)
        return log_normal(x, out, self.noise_logvar())

    def forward(self, x):
        """The reconstruction ``E[x|z = mu(x)]`` (decoder mean at the posterior mean)."""
        return self.mean(self.decode(self.encode(x)[0]))

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, architecture={self.architecture!r}, "
            f"likelihood={self.likelihood!r}"
        )


# -- the training step -----------------------------------------------------------
class ELBOStep(Step):
    """One stochastic-gradient step on the negative ELBO, with a KL weight and warm-up.

    The reparameterisation trick makes the sampled ``z`` a differentiable
    function of the encoder's outputs: ``z = mu + exp(logvar / 2) * eps`` with
    ``eps ~ N(0, I)`` drawn independently of the parameters, so the gradient of
    ``log p(x|z)`` flows into the encoder. The training loss is
    ``mean(-log p(x|z) + w * KL(q(z|x) || p(z)))`` with the weight
    ``w = beta * min(1, epoch / kl_warmup)`` (``beta`` from the first epoch when
    ``kl_warmup=0``): a KL warm-up (Bowman et al. 2016; Sønderby et al. 2016)
    lets the decoder use the code before the KL term pulls it to the prior, and
    ``beta != 1`` gives the beta-VAE of Higgins et al. (2017).

    Parameters
    ----------
    beta : float, default 1.0
        Final weight of the KL term.
    kl_warmup : int, default 0
        Epochs over which the weight rises linearly to ``beta``.

    Attributes
    ----------
    beta : float
        Final weight of the KL term.
    kl_warmup : int
        Warm-up epochs.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import ELBOStep, VAEModule
    >>> from scidl.training import train
    >>> _ = torch.manual_seed(0)
    >>> x = (torch.rand(64, 6) > 0.5).float()
    >>> step = ELBOStep(kl_warmup=2)
    >>> history = train(VAEModule(6, 2, (8,)), (x,), step=step, max_epochs=3, verbose=0)
    >>> history.columns
    ['epoch', 'train_loss', 'train_recon', 'train_kl', 'train_kl_weight', 'lr', 'time']
    >>> [step.kl_weight(e) for e in (1, 2, 3)]
    [0.5, 1.0, 1.0]
    """

    def __init__(self, *, beta=1.0, kl_warmup=0):
        self.beta = beta
        self.kl_warmup = kl_warmup

    def kl_weight(self, epoch):
        """The KL weight in ``epoch`` (counted from 1)."""
        if self.kl_warmup <= 0:
            return float(self.beta)
        return float(self.beta) * min(1.0, epoch / self.kl_warmup)

    @staticmethod
    def terms(module, x):
        """``(log p(x|z), KL)`` per sample for one reparameterised draw ``z ~ q(z|x)``."""
        mu, logvar = module.encode(x)
        eps = torch.randn_like(mu)  # the noise: independent of every parameter
        z = mu + torch.exp(0.5 * logvar) * eps  # the reparameterisation trick
        log_px = module.log_likelihood(x, module.decode(z))
        return log_px, gaussian_kl(mu, logvar)

    def train_step(self, module, batch, optimizers, ctx):
        """Minimise ``mean(-log p(x|z) + w KL)`` on one minibatch; report the two terms."""
        x, opt = batch[0], optimizers["main"]
        opt.zero_grad(set_to_none=True)
        log_px, kl = self.terms(module, x)
        weight = self.kl_weight(ctx.epoch)
        loss = (weight * kl - log_px).mean()
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {
            "loss": loss.detach(),
            "recon": -log_px.detach().mean(),
            "kl": kl.detach().mean(),
            "kl_weight": torch.tensor(weight),
        }

    def eval_step(self, module, batch, ctx):
        """Minus the ELBO (``beta = 1``) and its two terms on a validation batch."""
        log_px, kl = self.terms(module, batch[0])
        return {"loss": (kl - log_px).mean(), "recon": -log_px.mean(), "kl": kl.mean()}


# -- the estimator ---------------------------------------------------------------
class VAE(TransformerMixin, NeuralEstimator):
    """Variational autoencoder: a generative model with a Gaussian latent code.

    Parameters
    ----------
    n_components : int, default 20
        Size of the latent code ``z``.
    hidden_sizes : sequence of int, default (512, 256)
        Hidden widths of the encoder (the decoder mirrors them); ``()`` makes both
        maps affine.
    architecture : {"mlp", "conv"}, default "mlp"
        Dense networks, or stride-2 convolutions in front of them for images
        given as flat rows (square, or of ``image_shape``).
    channels : sequence of int, default (32, 64)
        Feature maps of the convolutions (``architecture="conv"`` only).
    image_shape : tuple of int (H, W) or None, default None
        Image shape for ``"conv"``; None reads square images.
    likelihood : {"auto", "bernoulli", "gaussian"}, default "auto"
        ``p(x|z)``. ``"bernoulli"`` for binary (or grey, in [0, 1]) data,
        ``"gaussian"`` for real data; ``"auto"`` picks Bernoulli when every
        training value lies in [0, 1] and Gaussian otherwise (see ``likelihood_``).
    noise_variance : float or None, default None
        Variance of the Gaussian likelihood; None learns one per feature.
    beta : float, default 1.0
        Weight of the KL term in the training loss (1 is the ELBO).
    kl_warmup : int, default 0
        Epochs over which the KL weight rises linearly from ``beta / kl_warmup`` to ``beta``.
    activation : str or nn.Module class, default "relu"
        Hidden activation.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``device="auto"`` trains on CUDA when it is available). By default every
        sample trains for ``max_epochs`` epochs, like the MLP estimators: on the MNIST
        sample, holding 10 % out cost 2.3-2.7 nats of test log-likelihood with 10 and 20
        latent dimensions at a fixed budget (``benchmarks/vae_mnist.py --holdout``). For
        early stopping set ``validation_fraction=0.1, patience=10``; it watches the
        validation loss, minus the ELBO.

    Attributes
    ----------
    module_ : VAEModule
        The trained network (``module_.encoder``, ``module_.decoder``), in eval mode.
    likelihood_ : str
        The likelihood used, ``"bernoulli"`` or ``"gaussian"``.
    image_shape_ : tuple of int (H, W) or None
        The image shape of ``architecture="conv"`` (None for ``"mlp"``).
    history_ : scidl.training.History
        Per epoch: ``train_loss`` (the weighted objective), ``train_recon``
        (``-E_q log p(x|z)``, nats), ``train_kl`` (nats), ``train_kl_weight``,
        and ``valid_loss`` (minus the ELBO), ``valid_recon``, ``valid_kl``, ``lr``, ``time``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    Kingma & Welling (2014, arXiv:1312.6114). For each ``x`` the encoder gives
    ``q(z|x) = N(mu(x), diag(exp(logvar(x))))``; the prior is ``p(z) = N(0, I)``.
    Training maximises the average evidence lower bound

    ``ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || p(z)) <= log p(x)``,

    the expectation estimated with one reparameterised sample and the KL in
    closed form (:class:`ELBOStep`). :meth:`score` reports the mean ELBO in nats
    per sample. :meth:`log_likelihood` gives the importance-weighted bound of
    Burda et al. (2016, arXiv:1509.00519),

    ``L_K(x) = E[log 1/K sum_k p(x, z_k) / q(z_k|x)]``, ``z_k ~ q(z|x)``,

    which is ``ELBO`` for ``K = 1``, does not decrease with ``K`` and tends to
    ``log p(x)`` as ``K -> inf``. With ``hidden_sizes=()`` and a Gaussian
    likelihood the model is linear-Gaussian (factor analysis; probabilistic PCA
    with an isotropic variance), whose marginal likelihood is known in closed
    form; the tests use this as a known answer.

    Returned arrays (``transform``, ``inverse_transform``, ``reconstruct``) keep
    the input's float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import VAE
    >>> rng = np.random.default_rng(0)
    >>> X = (rng.random((200, 16)) < np.linspace(0.1, 0.9, 16)).astype(float)
    >>> vae = VAE(2, hidden_sizes=(32,), max_epochs=5, random_state=0).fit(X)
    >>> vae.likelihood_, vae.transform(X).shape, vae.sample(3, random_state=0).shape
    ('bernoulli', (200, 2), (3, 16))
    >>> elbo = vae.score(X)  # mean ELBO per sample, nats
    >>> bool(vae.log_likelihood(X, n_importance=50, random_state=0).mean() > elbo)
    True
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None)],
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "architecture": [Options("mlp", "conv")],
        "channels": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "image_shape": [InstanceOf(tuple, list, description="a pair (H, W)"), None],
        "likelihood": [Options("auto", "bernoulli", "gaussian")],
        "noise_variance": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "beta": [Interval(numbers.Real, 0, None)],
        "kl_warmup": [Interval(numbers.Integral, 0, None)],
        "activation": [Options(*ACTIVATIONS), InstanceOf(type)],
    }

    def __init__(
        self,
        n_components=20,
        *,
        hidden_sizes=(512, 256),
        architecture="mlp",
        channels=(32, 64),
        image_shape=None,
        likelihood="auto",
        noise_variance=None,
        beta=1.0,
        kl_warmup=0,
        activation="relu",
        optimizer="adam",
        lr=1e-3,
        batch_size=128,
        max_epochs=100,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.n_components = n_components
        self.hidden_sizes = hidden_sizes
        self.architecture = architecture
        self.channels = channels
        self.image_shape = image_shape
        self.likelihood = likelihood
        self.noise_variance = noise_variance
        self.beta = beta
        self.kl_warmup = kl_warmup
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
        in_unit_interval = bool(X.min() >= 0.0 and X.max() <= 1.0)
        if self.likelihood == "auto":
            self.likelihood_ = "bernoulli" if in_unit_interval else "gaussian"
        else:
            self.likelihood_ = self.likelihood
        if self.likelihood_ == "bernoulli" and not in_unit_interval:
            raise ValueError(
                "X must lie in [0, 1] for likelihood='bernoulli'; got values in "
                f"[{X.min():.4g}, {X.max():.4g}]. Use likelihood='gaussian' for real data."
            )
        self.image_shape_ = None
        if self.architecture == "conv":
            self.image_shape_ = self._image_shape(X.shape[1])
        return X, None

    def _image_shape(self, n_features):
        if self.image_shape is None:
            side = math.isqrt(n_features)
            if side * side != n_features:
                raise ValueError(
                    "architecture='conv' reads rows as square images unless image_shape is "
                    f"given; X has {n_features} features, not a square number."
                )
            return (side, side)
        shape = check_int_sequence(self.image_shape, "image_shape")
        if len(shape) != 2 or shape[0] * shape[1] != n_features:
            raise ValueError(
                f"image_shape must be (H, W) with H * W = {n_features} (the features of X); "
                f"got {tuple(self.image_shape)!r}."
            )
        return shape

    def _build_module(self):
        return VAEModule(
            self.n_features_in_,
            self.n_components,
            check_int_sequence(self.hidden_sizes, "hidden_sizes"),
            architecture=self.architecture,
            channels=check_int_sequence(self.channels, "channels", allow_empty=False),
            image_shape=self.image_shape_,
            activation=self.activation,
            likelihood=self.likelihood_,
            noise_variance=None if self.noise_variance is None else float(self.noise_variance),
        )

    def _make_step(self, seed):
        return ELBOStep(beta=self.beta, kl_warmup=self.kl_warmup)

    # -- inference -------------------------------------------------------------
    def _check_input(self, X):
        check_fitted(self, "module_")
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def _numpy(self, fn, X):
        out = self._infer(fn, X).numpy()
        return out.astype(_output_dtype(X.dtype), copy=False)

    def _generator(self, random_state):
        device = next(self.module_.parameters()).device
        return torch.Generator(device=device).manual_seed(make_seed(random_state))

    def transform(self, X):
        """The posterior means ``E[z|x]`` (the codes) of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            In the float dtype of ``X``.
        """
        X = self._check_input(X)
        return self._numpy(lambda x: self.module_.encode(x)[0], X)

    def inverse_transform(self, X):
        """Decode latent codes into ``E[x|z]`` (pixel probabilities for Bernoulli).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes, e.g. from :meth:`transform` or a grid over the latent space.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
            In the float dtype of ``X``.
        """
        check_fitted(self, "module_")
        Z = check_array(X, name="X")
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but inverse_transform expects "
                f"n_components={self.n_components}."
            )
        return self._numpy(lambda z: self.module_.mean(self.module_.decode(z)), Z)

    def reconstruct(self, X):
        """``E[x|z]`` at the posterior mean of each row of ``X`` (deterministic).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            In the float dtype of ``X``.
        """
        X = self._check_input(X)
        return self._numpy(self.module_, X)

    def sample(self, n_samples=1, *, random_state=None, mean=True):
        """Draw from the model: ``z ~ N(0, I)``, then ``E[x|z]`` or ``x ~ p(x|z)``.

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples.
        random_state : int, Generator, RandomState or None, default None
            Seeds the draws.
        mean : bool, default True
            Return the decoder's mean ``E[x|z]`` (pixel probabilities for a
            Bernoulli likelihood: the usual picture of VAE samples); False draws
            ``x`` from ``p(x|z)`` as well.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_), float64
        """
        check_fitted(self, "module_")
        if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
            raise TypeError(f"n_samples must be an int; got {type(n_samples).__name__}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be >= 1; got {n_samples}.")
        gen = self._generator(random_state)
        param = next(self.module_.parameters())
        module = self.module_

        def draw(z):
            out = module.decode(z)
            m = module.mean(out)
            if mean:
                return m
            if module.likelihood == "bernoulli":
                return torch.bernoulli(m, generator=gen)
            std = torch.exp(0.5 * module.noise_logvar())
            return m + std * torch.randn(m.shape, generator=gen, device=m.device, dtype=m.dtype)

        Z = torch.randn(
            (int(n_samples), self.n_components),
            generator=gen,
            device=param.device,
            dtype=param.dtype,
        )
        return self._infer(draw, Z).numpy().astype(np.float64)

    def score(self, X, y=None):
        """The mean evidence lower bound per sample, in nats (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored.

        Returns
        -------
        float
            ``mean(log p(x|z) - KL(q(z|x) || p(z)))`` with one draw ``z ~ q(z|x)``
            per sample from a fixed seed (so repeated calls agree), summed in float64.
        """
        X = self._check_input(X)
        module = self.module_
        gen = self._generator(0)

        def elbo(x):
            mu, logvar = module.encode(x)
            eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps
            out = module.log_likelihood(x, module.decode(z)) - gaussian_kl(mu, logvar)
            return out.to(torch.float64)

        return float(self._infer(elbo, X).mean())

    def log_likelihood(self, X, n_importance=1000, *, random_state=0):
        """The importance-weighted bound on ``log p(x)`` per sample (Burda et al. 2016), in nats.

        ``L_K(x) = log 1/K sum_k exp(log p(x|z_k) + log p(z_k) - log q(z_k|x))``
        with ``z_k ~ q(z|x)``: ``K = 1`` is the ELBO, and the bound tightens
        towards ``log p(x)`` as ``K`` grows (in expectation it never decreases).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        n_importance : int, default 1000
            Importance samples ``K`` per data point.
        random_state : int, Generator, RandomState or None, default 0
            Seeds the draws.

        Returns
        -------
        ndarray of shape (n_samples,), float64
            One estimate per sample; take ``.mean()`` for the test log-likelihood
            that papers report.
        """
        X = self._check_input(X)
        if not isinstance(n_importance, numbers.Integral) or isinstance(n_importance, bool):
            raise TypeError(f"n_importance must be an int; got {type(n_importance).__name__}.")
        if n_importance < 1:
            raise ValueError(f"n_importance must be >= 1; got {n_importance}.")
        K = int(n_importance)
        module = self.module_
        gen = self._generator(random_state)
        rows = 64
        # importance samples per block: about 2**22 decoder outputs at a time
        block = max(1, min(K, 2**22 // (rows * self.n_features_in_)))

        def bound(x):
            mu, logvar = module.encode(x)
            r, k = mu.shape
            log_w = []
            for start in range(0, K, block):
                kb = min(block, K - start)
                eps = torch.randn((kb, r, k), generator=gen, device=mu.device, dtype=mu.dtype)
                z = (mu + torch.exp(0.5 * logvar) * eps).reshape(kb * r, k)
                xs = x.expand(kb, -1, -1).reshape(kb * r, -1)
                log_px = module.log_likelihood(xs, module.decode(z))
                log_pz = log_normal(z, 0.0, 0.0)
                log_qz = log_normal(
                    z, mu.repeat(kb, 1), logvar.repeat(kb, 1)
                )  # q(z_k|x) of each draw
                log_w.append((log_px + log_pz - log_qz).reshape(kb, r))
            return iwae_bound(torch.cat(log_w).to(torch.float64))

        return self._infer(bound, X, chunk_size=rows).numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
