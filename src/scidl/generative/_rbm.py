"""Restricted Boltzmann machines trained by contrastive divergence, on the one training loop.

An RBM is an energy-based model of visible units ``v`` (the data) and binary hidden
units ``h`` with no connections inside a layer (Smolensky 1986; Hinton 2002):

``E(v, h) = -b.v - c.h - h.W v``                         (Bernoulli visible units)
``E(v, h) = ||v - b||^2 / 2 - c.h - h.W v``               (Gaussian visible units, sigma=1)

and ``p(v, h) = exp(-E(v, h)) / Z``. Both conditionals factorise, which is what makes
block Gibbs sampling cheap: ``p(h_j = 1 | v) = sigmoid(c_j + W_j.v)`` and
``p(v_i = 1 | h) = sigmoid(b_i + (W^T h)_i)`` (or ``v | h ~ N(b + W^T h, I)``). Summing out
``h`` gives the free energy ``F(v) = -b.v - sum_j softplus(c_j + W_j.v)`` with
``p(v) = exp(-F(v)) / Z``, and the gradient of the log-likelihood

``d log p(v) / d theta = -dF(v)/d theta + E_model[dF/d theta]``

whose second term contrastive divergence (CD-k, Hinton 2002) estimates from ``k`` Gibbs
sweeps started at the data, and persistent CD (PCD, Tieleman 2008) from chains that
continue across updates. The partition function ``Z`` is estimated by annealed
importance sampling (:func:`scidl.generative.ais_log_partition`).
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.generative._ais import _bernoulli, ais_log_partition
from scidl.training import Step
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_fitted,
    make_seed,
    validate_data,
)

__all__ = ["RBM", "RBMModule"]

VISIBLE_TYPES = ("bernoulli", "gaussian")


def _output_dtype(dtype) -> np.dtype:
    """float32 in, float32 out; float64 (and anything else) in, float64 out."""
    return np.dtype(dtype) if np.dtype(dtype) in (np.float32, np.float64) else np.dtype(np.float64)


def _check_count(value, name, minimum=1) -> int:
    """A positive int argument of a method (not a hyperparameter), with a named error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def _generator(random_state, device) -> torch.Generator:
    """A torch generator on ``device`` seeded from ``random_state`` (None: a fresh seed)."""
    return torch.Generator(device=device).manual_seed(make_seed(random_state))


# -- the torch module ------------------------------------------------------------------------
class RBMModule(nn.Module):
    """A restricted Boltzmann machine: ``in_features`` visible and ``n_components`` hidden units.

    Parameters
    ----------
    in_features : int
        Number of visible units (the data's features).
    n_components : int
        Number of binary hidden units.
    visible : {"bernoulli", "gaussian"}, default "bernoulli"
        Binary visible units, or Gaussian visible units with unit variance (standardise
        the data first).

    Attributes
    ----------
    weight : torch.nn.Parameter of shape (n_components, in_features)
        The couplings ``W``.
    hidden_bias : torch.nn.Parameter of shape (n_components,)
        The hidden biases ``c``.
    visible_bias : torch.nn.Parameter of shape (in_features,)
        The visible biases ``b``.
    in_features, n_components, visible
        The constructor's arguments.

    Notes
    -----
    Energies (Bernoulli and Gaussian visible units, the latter with sigma = 1)::

        E(v, h) = -b.v - c.h - h.W v
        E(v, h) = ||v - b||^2 / 2 - c.h - h.W v

    and the free energy ``F(v) = -log sum_h exp(-E(v, h))``, i.e.
    ``-b.v - sum_j softplus(c_j + W_j.v)`` (Bernoulli) or
    ``||v - b||^2 / 2 - sum_j softplus(c_j + W_j.v)`` (Gaussian). ``forward`` returns the
    hidden probabilities ``p(h = 1 | v)``, the RBM's features.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import RBMModule
    >>> rbm = RBMModule(6, 4)
    >>> rbm
    RBMModule(in_features=6, n_components=4, visible='bernoulli')
    >>> v = torch.ones(3, 6)
    >>> rbm(v).shape, rbm.free_energy(v).shape
    (torch.Size([3, 4]), torch.Size([3]))
    >>> # F(v) = -log sum_h exp(-E(v, h)): zero couplings and biases give -4 log 2
    >>> with torch.no_grad():
    ...     _ = rbm.weight.zero_()
    >>> round(rbm.free_energy(v)[0].item(), 4) == round(-4 * 0.6931471805599453, 4)
    True
    """

    def __init__(self, in_features, n_components, *, visible="bernoulli"):
        super().__init__()
        if visible not in VISIBLE_TYPES:
            raise ValueError(f"visible must be one of {VISIBLE_TYPES}; got {visible!r}.")
        self.in_features = int(in_features)
        self.n_components = int(n_components)
        self.visible = visible
        self.weight = nn.Parameter(torch.empty(self.n_components, self.in_features))
        self.hidden_bias = nn.Parameter(torch.empty(self.n_components))
        self.visible_bias = nn.Parameter(torch.empty(self.in_features))
        self.reset_parameters()

    def reset_parameters(self):
        """Small random couplings and zero biases (Hinton 2010, *A practical guide*)."""
        nn.init.normal_(self.weight, mean=0.0, std=0.01)  # the guide's N(0, 0.01^2)
        nn.init.zeros_(self.hidden_bias)
        nn.init.zeros_(self.visible_bias)

    # -- conditionals ------------------------------------------------------------------------
    def hidden_activation(self, v):
        """The hidden units' inputs ``c + W v``, shape ``(batch, n_components)``."""
        return F.linear(v, self.weight, self.hidden_bias)

    def hidden_probability(self, v):
        """``p(h_j = 1 | v) = sigmoid(c_j + W_j.v)``, shape ``(batch, n_components)``."""
        return torch.sigmoid(self.hidden_activation(v))

    def visible_mean(self, h):
        """``E[v | h]``: ``sigmoid(b + W^T h)`` (Bernoulli) or ``b + W^T h`` (Gaussian)."""
        x = F.linear(h, self.weight.t(), self.visible_bias)
        return torch.sigmoid(x) if self.visible == "bernoulli" else x

    def sample_hidden(self, v, generator=None):
        """A sample of ``h ~ p(h | v)`` (0/1 values in ``v``'s dtype)."""
        return _bernoulli(self.hidden_probability(v), generator)

    def draw_visible(self, mean, generator=None):
        """A visible sample with conditional mean ``mean`` (Bernoulli, or unit-variance normal)."""
        if self.visible == "bernoulli":
            return _bernoulli(mean, generator)
        noise = torch.randn(mean.shape, generator=generator, dtype=mean.dtype, device=mean.device)
        return mean + noise

    def sample_visible(self, h, generator=None):
        """A sample of ``v ~ p(v | h)``."""
        return self.draw_visible(self.visible_mean(h), generator)

    def gibbs(self, v, n_steps=1, generator=None):
        """``n_steps`` block Gibbs sweeps ``v -> h -> v``; returns the last visible sample."""
        for _ in range(n_steps):
            v = self.sample_visible(self.sample_hidden(v, generator), generator)
        return v

    # -- energies ----------------------------------------------------------------------------
    def _visible_term(self, v):
        """The part of ``-E`` that involves ``v`` alone: ``b.v`` or ``-||v - b||^2 / 2``."""
        if self.visible == "bernoulli":
            return v @ self.visible_bias
        return -0.5 * (v - self.visible_bias).square().sum(1)

    def energy(self, v, h):
        """``E(v, h)`` per sample, shape ``(batch,)``."""
        coupling = (F.linear(v, self.weight) * h).sum(1)
        return -self._visible_term(v) - h @ self.hidden_bias - coupling

    def free_energy(self, v):
        """``F(v) = -log sum_h exp(-E(v, h))`` per sample, shape ``(batch,)``."""
        return -self._visible_term(v) - F.softplus(self.hidden_activation(v)).sum(1)

    def forward(self, v):
        return self.hidden_probability(v)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"visible={self.visible!r}"
        )


# -- the training step -----------------------------------------------------------------------
class _ContrastiveDivergence(Step):
    """CD-k (or PCD-k) as a training step: the gradient estimate is written into ``.grad``.

    The log-likelihood gradient is ``<-dF/dtheta>_data - <-dF/dtheta>_model``; with
    ``-dF/dW = p(h|v) v^T``, ``-dF/db = v`` (up to a constant for Gaussian units, which
    cancels) and ``-dF/dc = p(h|v)``, the estimate is the difference of these statistics on
    the minibatch and on the negative samples. The negative samples are ``k`` Gibbs sweeps
    from the minibatch (CD-k) or from persistent chains (PCD-k). The optimizer minimises,
    so it receives minus the estimate; the loss column is the squared reconstruction error
    ``||v - E[v | h]||^2`` per sample, with ``h ~ p(h | v)`` (a monitor, not the objective).
    """

    def __init__(self, k=1, *, persistent=False, momentum=None, seed=0):
        self.k = k
        self.persistent = persistent
        self.momentum = momentum
        self.seed = seed
        self.generator = None
        self.chains = None  # PCD: the persistent visible states
        self.chain_hidden = None  # PCD: p(h | chains), so a sweep needs one matmul less

    def configure_optimizers(self, module, make_optimizer):
        rbm = getattr(module, "module", module)  # the raw module under DistributedDataParallel
        groups = [
            {"params": [rbm.weight]},
            # weight decay on the couplings only, as in Hinton's guide
            {"params": [rbm.hidden_bias, rbm.visible_bias], "weight_decay": 0.0},
        ]
        extra = {} if self.momentum is None else {"momentum": self.momentum}
        return {"main": make_optimizer(groups, **extra)}

    def descent_direction(self, rbm, v):
        """Minus the CD estimate of the log-likelihood gradient, ``(W, c, b)``, and the error."""
        if self.generator is None:
            self.generator = torch.Generator(device=v.device).manual_seed(self.seed)
        gen = self.generator
        ph_data = rbm.hidden_probability(v)  # positive phase: exact given v
        mean = rbm.visible_mean(_bernoulli(ph_data, gen))
        recon = (mean - v).square().sum(1).mean()
        if self.persistent:
            if self.chains is None:  # start the chains at the first minibatch
                self.chains, self.chain_hidden = v.clone(), ph_data.clone()
            v_neg, ph_neg = self.chains, self.chain_hidden
            steps = range(self.k)
        else:  # CD-k: the first sweep starts at the data and is already half done
            v_neg = rbm.draw_visible(mean, gen)
            ph_neg = rbm.hidden_probability(v_neg)
            steps = range(self.k - 1)
        for _ in steps:
            v_neg = rbm.sample_visible(_bernoulli(ph_neg, gen), gen)
            ph_neg = rbm.hidden_probability(v_neg)
        if self.persistent:
            self.chains, self.chain_hidden = v_neg, ph_neg
        n, m = len(v), len(v_neg)
        # <p(h|v) v^T>_model - <p(h|v) v^T>_data as ONE matrix product over both sets of rows
        dW = torch.cat([ph_neg / m, ph_data / -n]).t() @ torch.cat([v_neg, v])
        dc = ph_neg.mean(0) - ph_data.mean(0)
        db = v_neg.mean(0) - v.mean(0)
        return (dW, dc, db), recon

    def gradients(self, rbm, v):
        """``(dW, dc, db)``, the CD estimate of the log-likelihood gradient, and the error."""
        direction, recon = self.descent_direction(rbm, v)
        return tuple(-d for d in direction), recon

    def train_step(self, module, batch, optimizers, ctx):
        rbm = ctx.state.module
        opt = optimizers["main"]
        with torch.no_grad():
            direction, recon = self.descent_direction(rbm, batch[0])
        ctx.check_finite(recon)
        params = (rbm.weight, rbm.hidden_bias, rbm.visible_bias)
        for p, g in zip(params, direction, strict=True):
            # the optimizer descends -log-likelihood
            p.grad = g if ctx.loss_scale == 1.0 else g * ctx.loss_scale
            if ctx.world_size > 1:  # what DistributedDataParallel would do for autograd
                dist.all_reduce(p.grad)
                p.grad /= ctx.world_size
        ctx.clip_gradients(rbm)
        opt.step()
        return {"loss": recon}

    def eval_step(self, module, batch, ctx):
        v = batch[0]
        mean = module.visible_mean(module.hidden_probability(v))  # mean-field reconstruction
        return {"loss": (mean - v).square().sum(1).mean()}


# -- the estimator ---------------------------------------------------------------------------
class RBM(TransformerMixin, NeuralEstimator):
    """Restricted Boltzmann machine trained by contrastive divergence (CD-k) or persistent CD.

    Parameters
    ----------
    n_components : int, default 256
        Number of binary hidden units.
    visible : {"bernoulli", "gaussian"}, default "bernoulli"
        Binary visible units (data in [0, 1], e.g. binarised or grey-level pixels, read as
        probabilities) or Gaussian units with unit variance (standardise the data first).
    k : int, default 1
        Gibbs sweeps per negative phase (CD-k or PCD-k).
    persistent : bool, default False
        Persistent contrastive divergence (Tieleman 2008): the negative chains continue
        across updates instead of restarting at the minibatch.
    optimizer : str or torch optimizer class, default "sgd"
        How the CD gradient estimate is applied (see :class:`scidl.base.NeuralEstimator`).
    lr : float, default 0.05
        Learning rate.
    momentum : float, default 0.5
        Momentum of ``optimizer="sgd"`` (ignored by the other optimizers).
    batch_size : int, default 64
        Minibatch size (also the number of persistent chains).
    max_epochs : int, default 20
        Passes over the training data.
    weight_decay : float, default 1e-4
        L2 penalty on the couplings ``W`` (not on the biases).
    validation_fraction : float, default 0.0
        Fraction held out to monitor the reconstruction error (``valid_loss``).
    patience : int or None, default None
        Early stopping on the monitored reconstruction error (None: off).
    lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``device="auto"`` trains on CUDA when it is available).

    Attributes
    ----------
    module_ : RBMModule
        The trained machine (``weight``, ``hidden_bias``, ``visible_bias``).
    components_ : ndarray of shape (n_components, n_features_in_)
        The couplings ``W`` (a copy of ``module_.weight``): each row a filter.
    intercept_hidden_ : ndarray of shape (n_components,)
        The hidden biases ``c``.
    intercept_visible_ : ndarray of shape (n_features_in_,)
        The visible biases ``b``.
    base_intercept_ : ndarray of shape (n_features_in_,)
        Visible biases of the independent-units model fitted to the training data's
        marginals: the starting visible biases, and the base distribution of AIS.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (the squared reconstruction error per sample), ``lr``, ``time``.
    n_features_in_ : int
        Number of visible units.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the machine was trained on.

    Notes
    -----
    Contrastive divergence (Hinton 2002, *Neural Computation* 14:1771) replaces the model
    expectation in the log-likelihood gradient by statistics of samples ``k`` Gibbs sweeps
    away from the data; persistent CD (Tieleman 2008, ICML) keeps the chains running, which
    follows the likelihood more closely. The updates follow Hinton's *practical guide* (2010):
    weights from ``N(0, 0.01^2)``, visible biases ``log(p_i / (1 - p_i))`` from the data,
    hidden probabilities (not samples) in the statistics, momentum and a small weight decay.

    :meth:`score_samples` is ``log p(v) = -F(v) - log Z`` in nats, with ``log Z`` estimated by
    annealed importance sampling (Salakhutdinov & Murray 2008, ICML) from the base model
    ``base_intercept_``; the estimate is a stochastic lower bound in expectation, and
    :meth:`log_partition` gives its standard error. It is a log-probability for binary
    ``v`` (Bernoulli units) and a log-density (Gaussian units).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import RBM
    >>> rng = np.random.default_rng(0)
    >>> prototypes = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    >>> X = (rng.random((200, 6)) < 0.05) ^ prototypes[rng.integers(0, 2, 200)].astype(bool)
    >>> rbm = RBM(4, lr=0.1, max_epochs=30, random_state=0).fit(X.astype(float))
    >>> rbm.transform(X[:3].astype(float)).shape, rbm.components_.shape
    ((3, 4), (4, 6))
    >>> bool(rbm.score(X.astype(float)) > 6 * np.log(0.5))  # better than coin flips
    True
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None)],
        "visible": [Options(*VISIBLE_TYPES)],
        "k": [Interval(numbers.Integral, 1, None)],
        "persistent": [InstanceOf(bool)],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        n_components=256,
        *,
        visible="bernoulli",
        k=1,
        persistent=False,
        optimizer="sgd",
        lr=0.05,
        momentum=0.5,
        batch_size=64,
        max_epochs=20,
        weight_decay=1e-4,
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
        self.visible = visible
        self.k = k
        self.persistent = persistent
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
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

    # -- hooks of the neural base ------------------------------------------------------------
    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        mean = X.mean(axis=0, dtype=np.float64)
        if self.visible == "bernoulli":
            # smoothed marginals (one pseudo-count each way) -> logits
            p = np.clip((mean * len(X) + 1.0) / (len(X) + 2.0), 1e-3, 1 - 1e-3)
            self.base_intercept_ = np.log(p) - np.log1p(-p)
        else:
            self.base_intercept_ = mean
        self._log_partition_cache = None
        return X, None

    def _build_module(self):
        module = RBMModule(self.n_features_in_, self.n_components, visible=self.visible)
        with torch.no_grad():
            module.visible_bias.copy_(torch.as_tensor(self.base_intercept_))
        return module

    def _make_step(self, seed):
        momentum = self.momentum if self.optimizer == "sgd" else None
        return _ContrastiveDivergence(
            self.k, persistent=self.persistent, momentum=momentum, seed=seed
        )

    # -- fitted parameters, read from the module ---------------------------------------------
    def _parameter(self, name):
        check_fitted(self, "module_")
        return getattr(self.module_, name).detach().cpu().numpy().copy()

    @property
    def components_(self):
        """The couplings ``W``, shape ``(n_components, n_features_in_)``."""
        return self._parameter("weight")

    @property
    def intercept_hidden_(self):
        """The hidden biases ``c``, shape ``(n_components,)``."""
        return self._parameter("hidden_bias")

    @property
    def intercept_visible_(self):
        """The visible biases ``b``, shape ``(n_features_in_,)``."""
        return self._parameter("visible_bias")

    # -- inference ---------------------------------------------------------------------------
    def _check_input(self, X):
        check_fitted(self, "module_")
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def _device(self):
        return next(self.module_.parameters()).device

    def transform(self, X):
        """Hidden probabilities ``p(h = 1 | v)``, the RBM's features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Visible vectors.

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            In the float dtype of ``X``.
        """
        X = self._check_input(X)
        out = self._infer(self.module_.hidden_probability, X).numpy()
        return out.astype(_output_dtype(X.dtype), copy=False)

    def free_energy(self, X):
        """The free energy ``F(v) = -log sum_h exp(-E(v, h))`` of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Visible vectors.

        Returns
        -------
        ndarray of shape (n_samples,)
            In nats, float64.
        """
        X = self._check_input(X)
        return self._infer(self.module_.free_energy, X).numpy().astype(np.float64)

    def gibbs(self, X, n_steps=1, random_state=None):
        """Run ``n_steps`` block Gibbs sweeps ``v -> h -> v`` from each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Starting visible vectors.
        n_steps : int, default 1
            Number of sweeps.
        random_state : int, Generator, RandomState or None, default None
            Seeds the sampling.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
            The visible samples after the last sweep, in the float dtype of ``X``.
        """
        X = self._check_input(X)
        n_steps = _check_count(n_steps, "n_steps")
        gen = _generator(random_state, self._device())
        out = self._infer(lambda v: self.module_.gibbs(v, n_steps, gen), X).numpy()
        return out.astype(_output_dtype(X.dtype), copy=False)

    def sample(self, n, n_steps=1000, random_state=None, *, mean=False):
        """Draw ``n`` samples by long Gibbs chains started from noise.

        Parameters
        ----------
        n : int
            Number of samples (independent chains).
        n_steps : int, default 1000
            Gibbs sweeps per chain.
        random_state : int, Generator, RandomState or None, default None
            Seeds the chains.
        mean : bool, default False
            Return the conditional mean ``E[v | h]`` of the last sweep instead of a sample
            (smoother images; the usual way to show an RBM's samples).

        Returns
        -------
        ndarray of shape (n, n_features_in_)
            float64.
        """
        check_fitted(self, "module_")
        n = _check_count(n, "n")
        n_steps = _check_count(n_steps, "n_steps")
        if not isinstance(mean, bool | np.bool_):
            raise TypeError(f"mean must be a bool; got {mean!r}.")
        rbm = self.module_
        device, dtype = self._device(), rbm.weight.dtype
        gen = _generator(random_state, device)
        rbm.eval()
        with torch.no_grad():
            if self.visible == "bernoulli":  # fair coins
                v = _bernoulli(
                    torch.full((n, self.n_features_in_), 0.5, dtype=dtype, device=device), gen
                )
            else:  # standard normal noise
                v = torch.randn((n, self.n_features_in_), generator=gen, dtype=dtype, device=device)
            v = rbm.gibbs(v, n_steps - 1, gen)
            h = rbm.sample_hidden(v, gen)
            out = rbm.visible_mean(h) if mean else rbm.sample_visible(h, gen)
        return out.cpu().numpy().astype(np.float64)

    def _ais_seed(self, random_state):
        if random_state is not None:
            return make_seed(random_state)
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return 0

    def log_partition(self, n_chains=100, n_betas=1000, random_state=None):
        """``log Z`` by annealed importance sampling, with its standard error.

        Parameters
        ----------
        n_chains : int, default 100
            Independent AIS runs (importance weights).
        n_betas : int, default 1000
            Inverse temperatures from the base model (0) to the RBM (1), both included.
        random_state : int, Generator, RandomState or None, default None
            Seeds the chains; None uses the estimator's ``random_state`` when it is an int
            (else 0), so that repeated calls give the same answer.

        Returns
        -------
        log_z : float
            The estimate of ``log Z`` in nats.
        stderr : float
            Its standard error (delta method on the importance weights).

        Notes
        -----
        The result is cached for the current parameters and arguments.
        """
        check_fitted(self, "module_")
        n_chains = _check_count(n_chains, "n_chains", 2)
        n_betas = _check_count(n_betas, "n_betas", 2)
        seed = self._ais_seed(random_state)
        versions = tuple(p._version for p in self.module_.parameters())
        key = (id(self.module_), versions, n_chains, n_betas, seed)
        cache = getattr(self, "_log_partition_cache", None)
        if cache is not None and cache[0] == key:
            return cache[1]
        result = ais_log_partition(
            self.module_,
            n_chains=n_chains,
            n_betas=n_betas,
            base_intercept=self.base_intercept_,
            random_state=seed,
        )
        self._log_partition_cache = (key, result)
        return result

    def score_samples(self, X, n_ais_chains=100, n_betas=1000):
        """``log p(v) = -F(v) - log Z`` of each row, in nats, with ``log Z`` from AIS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Visible vectors (binary for a log-probability of Bernoulli units).
        n_ais_chains : int, default 100
            AIS runs for ``log Z`` (see :meth:`log_partition`).
        n_betas : int, default 1000
            AIS inverse temperatures.

        Returns
        -------
        ndarray of shape (n_samples,)
            float64.
        """
        free = self.free_energy(X)
        log_z, _ = self.log_partition(n_ais_chains, n_betas)
        return -free - log_z

    def score(self, X, y=None):
        """Mean log-likelihood ``mean(score_samples(X))`` in nats per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Visible vectors.
        y : None
            Ignored.

        Returns
        -------
        float
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
