"""Non-linear slow coordinates on the one training loop: time-lagged autoencoders and VAMPnets."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.kinetics._data import as_trajectories, check_lagtime, trajectories_and_kind
from scidl.nn import MLP
from scidl.numerics import ACTIVATIONS, inv_sqrt
from scidl.training import lagged_pairs
from scidl.utils import InstanceOf, Interval, Options, check_fitted, check_int_sequence

__all__ = [
    "PairLobe",
    "TimeLaggedAutoencoder",
    "TimeLaggedAutoencoderModule",
    "VAMPNet",
    "vamp2_score_torch",
]


def vamp2_score_torch(a, b, epsilon=1e-6):
    """Differentiable VAMP-2 score of a batch of lagged pairs of features.

    The score is ``1 + |C00^(-1/2) C0t Ctt^(-1/2)|_F^2`` with the covariances of
    the mean-free features; the constant function, removed with the mean,
    contributes the leading 1.

    Parameters
    ----------
    a : torch.Tensor of shape (batch, k)
        Features of ``x_t``.
    b : torch.Tensor of shape (batch, k)
        Features of ``x_{t+tau}``, row by row the partners of ``a``.
    epsilon : float, default 1e-6
        Relative eigenvalue cut-off of the inverse square roots (directions with
        a variance below ``epsilon`` times the largest are dropped).

    Returns
    -------
    torch.Tensor
        A scalar (0-dimensional) tensor, differentiable with respect to ``a`` and ``b``:
        between 1 and ``1 + k``.

    Notes
    -----
    Wu and Noe, "Variational approach for learning Markov processes from time
    series data", J. Nonlinear Sci. 30, 23 (2020); used as the loss of VAMPnets
    (Mardt et al., Nat. Commun. 9, 5, 2018).

    Examples
    --------
    >>> import torch
    >>> from scidl.kinetics import vamp2_score_torch
    >>> a = torch.randn(100, 2, generator=torch.Generator().manual_seed(0))
    >>> round(float(vamp2_score_torch(a, a)), 6)  # identical features: both singular values 1
    3.0
    """
    n = a.shape[0]
    a = a - a.mean(dim=0, keepdim=True)
    b = b - b.mean(dim=0, keepdim=True)
    c00 = a.T @ a / (n - 1)
    ctt = b.T @ b / (n - 1)
    c0t = a.T @ b / (n - 1)
    K = inv_sqrt(c00, epsilon).T @ c0t @ inv_sqrt(ctt, epsilon)
    return 1.0 + (K**2).sum()


# -- torch modules ---------------------------------------------------------------
class TimeLaggedAutoencoderModule(nn.Module):
    """Encoder ``x_t -> z`` and decoder ``z -> x_{t+tau}``: two multilayer perceptrons.

    Parameters
    ----------
    in_features : int
        Number of (standardised) input features, also the decoder's output size.
    n_components : int
        Size of the code ``z``.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden widths of the encoder, input side first (the decoder mirrors them).
    activation : str or nn.Module class, default "tanh"
        Activation of the hidden layers (``"identity"``: a linear model).

    Attributes
    ----------
    encoder : scidl.nn.MLP
        ``in_features -> hidden_sizes -> n_components``.
    decoder : scidl.nn.MLP
        ``n_components -> reversed(hidden_sizes) -> in_features``.
    in_features, n_components, hidden_sizes, activation
        The constructor's arguments (``hidden_sizes`` as a tuple).

    Examples
    --------
    The module of a fitted :class:`TimeLaggedAutoencoder`:

    >>> import numpy as np
    >>> import torch
    >>> from scidl.kinetics import TimeLaggedAutoencoder
    >>> X = np.random.default_rng(0).normal(size=(200, 3)).cumsum(axis=0)
    >>> net = TimeLaggedAutoencoder(n_components=1, hidden_sizes=(8,), max_epochs=1,
    ...                             random_state=0).fit(X).module_
    >>> net
    TimeLaggedAutoencoderModule(
      in_features=3, n_components=1, hidden_sizes=(8,), activation='tanh'
      (encoder): MLP(...)
      (decoder): MLP(...)
    )
    >>> net.encode(torch.zeros(5, 3)).shape, net(torch.zeros(5, 3)).shape
    (torch.Size([5, 1]), torch.Size([5, 3]))
    """

    def __init__(self, in_features, n_components, hidden_sizes=(64, 64), *, activation="tanh"):
        super().__init__()
        self.in_features = in_features
        self.n_components = n_components
        self.hidden_sizes = tuple(hidden_sizes)
        self.activation = activation
        self.encoder = MLP(in_features, n_components, self.hidden_sizes, activation=activation)
        self.decoder = MLP(
            n_components, in_features, self.hidden_sizes[::-1], activation=activation
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise the encoder and the decoder (see :class:`scidl.nn.MLP`)."""
        self.encoder.reset_parameters()
        self.decoder.reset_parameters()

    def encode(self, x):
        """The code of (standardised) ``x``, shape ``(batch, n_components)``."""
        return self.encoder(x)

    def decode(self, z):
        """The prediction of the (standardised) time-lagged frame from the code ``z``."""
        return self.decoder(z)

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, activation={self.activation!r}"
        )


class PairLobe(nn.Module):
    """One network (the *lobe*) applied to both halves ``[x_t, x_{t+tau}]`` of stacked pairs.

    The lobe is a multilayer perceptron with a softmax output: ``n_components``
    fuzzy state memberships that sum to one.

    Parameters
    ----------
    in_features : int
        Number of features of one frame; the module takes rows of ``2 * in_features``.
    n_components : int
        Number of output states.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden widths of the lobe.
    activation : str or nn.Module class, default "tanh"
        Activation of the hidden layers.

    Attributes
    ----------
    lobe : torch.nn.Sequential
        An :class:`scidl.nn.MLP` ``in_features -> hidden_sizes -> n_components``
        and a softmax; maps one frame to its state memberships.
    in_features, n_components, hidden_sizes, activation
        The constructor's arguments (``hidden_sizes`` as a tuple).

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from scidl.data import sqrt_model
    >>> from scidl.kinetics import VAMPNet
    >>> _, X = sqrt_model(300, random_state=0)
    >>> net = VAMPNet(n_components=3, hidden_sizes=(8,), max_epochs=1,
    ...               random_state=0).fit(X).module_
    >>> out = net(torch.zeros(4, 4))  # two frames of 2 features side by side per row
    >>> out.shape, torch.allclose(out[:, :3].sum(dim=1), torch.ones(4))
    (torch.Size([4, 6]), True)
    """

    def __init__(self, in_features, n_components, hidden_sizes=(64, 64), *, activation="tanh"):
        super().__init__()
        self.in_features = in_features
        self.n_components = n_components
        self.hidden_sizes = tuple(hidden_sizes)
        self.activation = activation
        self.lobe = nn.Sequential(
            MLP(in_features, n_components, self.hidden_sizes, activation=activation),
            nn.Softmax(dim=1),
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise the lobe's perceptron (see :class:`scidl.nn.MLP`)."""
        self.lobe[0].reset_parameters()

    def forward(self, pairs):
        d = self.in_features
        return torch.cat([self.lobe(pairs[:, :d]), self.lobe(pairs[:, d:])], dim=1)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features} (pairs of width {2 * self.in_features}), "
            f"n_components={self.n_components}, hidden_sizes={self.hidden_sizes}, "
            f"activation={self.activation!r}"
        )


# -- estimators ------------------------------------------------------------------
def _mean_and_std(x, block=65536):
    """Column mean and standard deviation in float64, in two passes of blocks.

    No temporary as large as ``x`` is made.
    """
    n = x.shape[0]
    mean = sum(x[i : i + block].sum(axis=0, dtype=np.float64) for i in range(0, n, block)) / n
    ss = sum(np.square(x[i : i + block] - mean).sum(axis=0) for i in range(0, n, block))
    return mean, np.sqrt(ss / n)


class _LaggedNeural(TransformerMixin, NeuralEstimator):
    """Shared data handling of the neural estimators trained on lagged pairs of frames.

    Frames are standardised with the training data's ``mean_`` and ``scale_``
    (float64) one minibatch or one inference chunk at a time; arrays returned
    keep the input's float dtype (float32 or float64).
    """

    # the hyperparameters every lagged model has (merged along the MRO with the common ones)
    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "n_components": [Interval(numbers.Integral, 1, None)],
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "activation": [Options(*ACTIVATIONS), InstanceOf(type)],
    }

    def __init__(
        self,
        lagtime=1,
        n_components=1,
        *,
        hidden_sizes=(64, 64),
        activation="tanh",
        optimizer="adam",
        lr=1e-3,
        batch_size=256,
        max_epochs=50,
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
        self.lagtime = lagtime
        self.n_components = n_components
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

    def _lagged_pairs(self, X):
        """All frames and the start index of every lagged pair.

        One trajectory is used as it is, several are concatenated. The frames are
        not standardised here: each minibatch is standardised when it is gathered
        (:func:`scidl.training.lagged_pairs`), so training holds no standardised
        copy of the data.
        """
        tau = check_lagtime(self.lagtime)
        trajs = as_trajectories(X, owner=type(self).__name__)
        if not any(t.shape[0] > tau for t in trajs):
            longest = max(t.shape[0] for t in trajs)
            raise ValueError(
                f"lagtime={tau} is not shorter than any trajectory "
                f"(longest has n_samples={longest})."
            )
        allx = trajs[0] if len(trajs) == 1 else np.concatenate(trajs)
        self.n_features_in_ = allx.shape[1]
        self.mean_, std = _mean_and_std(allx)
        self.scale_ = np.where(std > 0, std, 1.0)
        offsets = np.cumsum([0] + [t.shape[0] for t in trajs])
        starts = np.concatenate(
            [np.arange(o, o + t.shape[0] - tau) for o, t in zip(offsets, trajs) if t.shape[0] > tau]
        )
        return allx, starts

    def _n_fit_samples(self, X, target):
        return len(target)  # the number of lagged pairs

    # Lagged pairs are gathered (and standardised) per minibatch from the frames.
    _stacked_pairs = False

    def _make_datasets(self, X, target, splits, dtype, device):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # read-only arrays: never written to
            # the input's own precision: no copy on the CPU
            frames = torch.as_tensor(X, device=device)
        pairs = lagged_pairs(
            frames,
            target,
            check_lagtime(self.lagtime),
            stacked=self._stacked_pairs,
            mean=self.mean_,
            scale=self.scale_,
            dtype=dtype,
        )
        return [
            None if idx is None else pairs.subset(np.arange(len(target))[idx]) for idx in splits
        ]

    def _standardise(self, x):
        return ((x - self.mean_) / self.scale_).astype(x.dtype, copy=False)

    def _trajectories(self, X):
        check_fitted(self, "module_")
        return trajectories_and_kind(X, n_features=self.n_features_in_, owner=type(self).__name__)

    def _apply(self, net, X):
        """``net`` on the standardised frames of each trajectory, in the input's float dtype.

        The one inference loop, one trajectory at a time, standardising chunk by chunk:
        no standardised copy of a whole trajectory is made.
        """
        trajs, kind = self._trajectories(X)
        out = [
            self._infer(net, t, prepare=self._standardise).numpy().astype(t.dtype, copy=False)
            for t in trajs
        ]
        return out if kind == "list" else (out[0] if kind == "2d" else np.stack(out))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class TimeLaggedAutoencoder(_LaggedNeural):
    """Time-lagged autoencoder: a code of ``x_t`` that predicts ``x_{t+tau}``.

    An encoder maps the standardised ``x_t`` to a code of ``n_components``
    numbers and a decoder predicts the standardised ``x_{t+tau}`` from it,
    trained by mean squared error on the one training loop. With linear
    networks the code spans TICA's (CCA's) leading components; non-linear
    networks can unfold slow processes that no linear projection separates.

    Parameters
    ----------
    lagtime : int, default 1
        The lag ``tau`` in steps of the trajectory.
    n_components : int, default 1
        Size of the code (the slow coordinates).
    hidden_sizes : sequence of int, default (64, 64)
        Hidden layers of the encoder (the decoder mirrors them); ``()`` for none.
    activation : str or nn.Module class, default "tanh"
        Activation of the hidden layers; ``"identity"`` gives a linear model.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``device="auto"`` trains on CUDA when it is available).

    Attributes
    ----------
    module_ : TimeLaggedAutoencoderModule
        ``module_.encoder`` and ``module_.decoder``; they take standardised features
        ``(x - mean_) / scale_``.
    mean_ : ndarray of shape (n_features_in_,)
        Mean of the training frames (float64).
    scale_ : ndarray of shape (n_features_in_,)
        Standard deviation of the training frames (1 where it is 0).
    n_features_in_ : int
        Number of features of a frame.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (and ``valid_loss``), ``lr`` and ``time``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    Wehmeyer and Noe, "Time-lagged autoencoders: Deep learning of slow collective
    variables for molecular kinetics", J. Chem. Phys. 148, 241703 (2018).
    ``fit`` and ``transform`` take one trajectory ``(T, d)``, a list of them or an
    array ``(n, T, d)``; pairs never cross trajectories. ``transform`` returns
    codes in the input's float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import TimeLaggedAutoencoder
    >>> X = np.random.default_rng(0).normal(size=(500, 3)).cumsum(axis=0)
    >>> tae = TimeLaggedAutoencoder(lagtime=1, n_components=1, hidden_sizes=(8,),
    ...                             max_epochs=2, random_state=0).fit(X)
    >>> Z = tae.transform(X)
    >>> Z.shape, Z.dtype
    ((500, 1), dtype('float64'))
    >>> tae.transform(X.astype(np.float32)).dtype
    dtype('float32')
    """

    def _prepare_fit(self, X, y):
        return self._lagged_pairs(X)

    def _build_module(self):
        hs = check_int_sequence(self.hidden_sizes, "hidden_sizes")
        return TimeLaggedAutoencoderModule(
            self.n_features_in_, self.n_components, hs, activation=self.activation
        )

    def _loss_fn(self):
        return nn.functional.mse_loss

    def transform(self, X):
        """The code ``encoder((x - mean_) / scale_)`` of each frame.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories.

        Returns
        -------
        ndarray of shape (T, n_components), list of them, or (n, T, n_components)
            Codes, in the layout and float dtype of ``X``.
        """
        return self._apply(self.module_.encoder, X)

    def score(self, X, y=None):
        """Minus the mean squared error of the prediction of ``x_{t+tau}`` from ``x_t`` on ``X``.

        The training loss on held-out data, in standardised units (per feature
        and lagged pair), so higher is better; 0 would be a perfect prediction
        and -1 is what predicting the mean gives.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories (at least one longer than ``lagtime``).
        y : None
            Ignored.

        Returns
        -------
        float
        """
        tau = check_lagtime(self.lagtime)
        trajs, _ = self._trajectories(X)
        trajs = [t for t in trajs if t.shape[0] > tau]
        if not trajs:
            raise ValueError(
                f"lagtime={tau} is not shorter than any trajectory in X; no lagged pairs to score."
            )
        d = self.n_features_in_

        def squared_errors(xy):  # per pair: |decoder(encoder(x_t)) - x_{t+tau}|^2
            return (self.module_(xy[:, :d]) - xy[:, d:]).square().sum(1, dtype=torch.float64)

        sse, n_pairs = 0.0, 0
        for t in trajs:
            starts = np.arange(t.shape[0] - tau)

            def pairs(idx, t=t):  # standardised [x_t, x_{t+tau}] of one chunk of starts
                lo, hi = int(idx[0]), int(idx[-1]) + 1
                return np.hstack(
                    [self._standardise(t[lo:hi]), self._standardise(t[lo + tau : hi + tau])]
                )

            sse += float(self._infer(squared_errors, starts, prepare=pairs).sum())
            n_pairs += len(starts)
        return -sse / (n_pairs * d)


class VAMPNet(_LaggedNeural):
    """VAMPnet: fuzzy metastable states learned by maximising the VAMP-2 score.

    One network with a softmax output (``n_components`` fuzzy states) is applied to
    ``x_t`` and to ``x_{t+tau}``; training maximises the VAMP-2 score of the pair of
    outputs on each minibatch (:func:`vamp2_score_torch`), so the states become the
    best Markov model's states. Each minibatch gathers the pairs ``[x_t, x_{t+tau}]``
    side by side from one copy of the frames, so the one training loop's ``loss_fn``
    sees both halves.

    Parameters
    ----------
    lagtime : int, default 1
        The lag ``tau`` in steps of the trajectory.
    n_components : int, default 2
        Number of output states (at least 2).
    epsilon : float, default 1e-6
        Relative eigenvalue cut-off of the whitening inside the loss.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden layers of the lobe.
    activation : str or nn.Module class, default "tanh"
        Activation of the hidden layers.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`; use
        batches of a few hundred pairs or more, since the loss is a covariance
        estimate.

    Attributes
    ----------
    module_ : PairLobe
        ``module_.lobe`` maps standardised features ``(x - mean_) / scale_`` to state
        memberships.
    mean_ : ndarray of shape (n_features_in_,)
        Mean of the training frames (float64).
    scale_ : ndarray of shape (n_features_in_,)
        Standard deviation of the training frames (1 where it is 0).
    n_features_in_ : int
        Number of features of a frame.
    history_ : scidl.training.History
        ``train_loss`` is minus the VAMP-2 score.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    Mardt, Pasquali, Wu and Noe, "VAMPnets for deep learning of molecular
    kinetics", Nat. Commun. 9, 5 (2018). ``transform`` returns memberships in the
    input's float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import sqrt_model
    >>> from scidl.kinetics import VAMPNet
    >>> states, X = sqrt_model(500, random_state=0)
    >>> net = VAMPNet(lagtime=1, n_components=2, hidden_sizes=(8,), max_epochs=2,
    ...               random_state=0).fit(X)
    >>> chi = net.transform(X)
    >>> chi.shape, bool(np.allclose(chi.sum(axis=1), 1.0, atol=1e-5))
    ((500, 2), True)
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 2, None)],  # at least two states
        "epsilon": [Interval(numbers.Real, 0, 1, closed="left")],
    }
    _stacked_pairs = True

    # scikit-learn's common checks set n_components=1 wherever an estimator has one; a
    # VAMPnet needs at least two states (one softmax output is the constant 1), so fit
    # rejects that setting with a ValueError naming n_components.
    _expected_failed_checks = {
        check: "the check sets n_components=1; a VAMPnet needs at least 2 output states"
        for check in (
            "check_dont_overwrite_parameters",
            "check_fit2d_1feature",
            "check_fit2d_1sample",
            "check_fit2d_predict1d",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
        )
    }

    def __init__(
        self,
        lagtime=1,
        n_components=2,
        *,
        epsilon=1e-6,
        hidden_sizes=(64, 64),
        activation="tanh",
        optimizer="adam",
        lr=1e-3,
        batch_size=512,
        max_epochs=50,
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
        super().__init__(
            lagtime,
            n_components,
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
        self.epsilon = epsilon

    def _prepare_fit(self, X, y):
        return self._lagged_pairs(X)

    def _build_module(self):
        hs = check_int_sequence(self.hidden_sizes, "hidden_sizes")
        return PairLobe(self.n_features_in_, self.n_components, hs, activation=self.activation)

    def _loss_fn(self):
        k, eps = self.n_components, self.epsilon

        def negative_vamp2(out, _target):
            return -vamp2_score_torch(out[:, :k], out[:, k:], eps)

        return negative_vamp2

    def transform(self, X):
        """Soft state memberships (rows sum to one) of each frame.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories.

        Returns
        -------
        ndarray of shape (T, n_components), list of them, or (n, T, n_components)
            Memberships, in the layout and float dtype of ``X``.
        """
        return self._apply(self.module_.lobe, X)

    def score(self, X, y=None):
        """VAMP-2 score of the learned states on (test) data ``X``.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories.
        y : None
            Ignored.

        Returns
        -------
        float
            Between 1 and ``n_components`` (the constant function counts once).
        """
        from scidl.kinetics._vamp import VAMP

        chi = self.transform(X)
        chi = chi if isinstance(chi, list) else [chi] if chi.ndim == 2 else list(chi)
        return VAMP(lagtime=self.lagtime).fit(chi).score(chi)
