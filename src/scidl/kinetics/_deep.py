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
from scidl.nn._modules import MLP
from scidl.numerics import ACTIVATIONS, inv_sqrt
from scidl.training import lagged_pairs
from scidl.utils import InstanceOf, Interval, Options, check_fitted, check_int_sequence

__all__ = ["TimeLaggedAutoencoder", "VAMPNet", "vamp2_score_torch"]


def vamp2_score_torch(a, b, epsilon=1e-6):
    """Differentiable VAMP-2 score ``1 + |C00^(-1/2) C0t Ctt^(-1/2)|_F^2`` of a batch of pairs.

    ``a`` holds features of ``x_t`` and ``b`` of ``x_{t+tau}`` (shape ``(batch, k)``); both are
    made mean-free, so the constant function contributes the leading 1.
    """
    n = a.shape[0]
    a = a - a.mean(dim=0, keepdim=True)
    b = b - b.mean(dim=0, keepdim=True)
    c00 = a.T @ a / (n - 1)
    ctt = b.T @ b / (n - 1)
    c0t = a.T @ b / (n - 1)
    K = inv_sqrt(c00, epsilon).T @ c0t @ inv_sqrt(ctt, epsilon)
    return 1.0 + (K**2).sum()


class TimeLaggedAutoencoderModule(nn.Module):
    """Encoder ``x_t -> z`` and decoder ``z -> x_{t+tau}`` (two MLPs)."""

    def __init__(self, in_features, dim, hidden_sizes=(64, 64), *, activation="tanh"):
        super().__init__()
        self.encoder = MLP(in_features, dim, hidden_sizes, activation=activation)
        self.decoder = MLP(
            dim, in_features, tuple(reversed(tuple(hidden_sizes))), activation=activation
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


class PairLobe(nn.Module):
    """Applies one network (the *lobe*) to both halves ``[x_t, x_{t+tau}]`` of a stacked pair."""

    def __init__(self, in_features, dim, hidden_sizes=(64, 64), *, activation="tanh"):
        super().__init__()
        self.in_features = in_features
        self.lobe = nn.Sequential(
            MLP(in_features, dim, hidden_sizes, activation=activation), nn.Softmax(dim=1)
        )

    def forward(self, pairs):
        d = self.in_features
        return torch.cat([self.lobe(pairs[:, :d]), self.lobe(pairs[:, d:])], dim=1)

    def extra_repr(self):
        return f"in_features={self.in_features} (pairs of width {2 * self.in_features})"


_DEEP_CONSTRAINTS = {
    "lagtime": [Interval(numbers.Integral, 1, None)],
    "dim": [Interval(numbers.Integral, 1, None)],
    "hidden_sizes": [
        InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
    ],
    "activation": [Options(*ACTIVATIONS), InstanceOf(type)],
}


def _mean_and_std(x, block=65536):
    """Column mean and standard deviation in float64, in two passes of blocks (no temporary as large as ``x``)."""
    n = x.shape[0]
    mean = sum(x[i : i + block].sum(axis=0, dtype=np.float64) for i in range(0, n, block)) / n
    ss = sum(np.square(x[i : i + block] - mean).sum(axis=0) for i in range(0, n, block))
    return mean, np.sqrt(ss / n)


class _LaggedNeural(TransformerMixin, NeuralEstimator):
    def __init__(
        self,
        lagtime=1,
        dim=1,
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
        device="cpu",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.lagtime = lagtime
        self.dim = dim
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
        """All frames (one trajectory as it is, several concatenated) and the start index of every lagged pair.

        The frames are not standardised here: each minibatch is standardised
        when it is gathered (:func:`scidl.training.lagged_pairs`), so training
        holds no standardised copy of the data.
        """
        tau = check_lagtime(self.lagtime)
        trajs = as_trajectories(X, owner=type(self).__name__)
        if not any(t.shape[0] > tau for t in trajs):
            raise ValueError(
                f"lagtime={tau} is not shorter than any trajectory (longest has n_samples={max(t.shape[0] for t in trajs)})."
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
            frames = torch.as_tensor(
                X, device=device
            )  # the input's own precision: no copy on the CPU
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

    def _apply(self, net, X):
        check_fitted(self, "module_")
        trajs, kind = trajectories_and_kind(
            X, n_features=self.n_features_in_, owner=type(self).__name__
        )
        param = next(self.module_.parameters())
        out = []
        self.module_.eval()
        with torch.no_grad():
            for t in trajs:  # block by block: no standardised copy of a whole trajectory
                blocks = (
                    torch.as_tensor(
                        self._standardise(t[s : s + 8192]), dtype=param.dtype, device=param.device
                    )
                    for s in range(0, len(t), 8192)
                )
                out.append(torch.cat([net(xb) for xb in blocks]).cpu().numpy())
        return out if kind == "list" else (out[0] if kind == "2d" else np.stack(out))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


class TimeLaggedAutoencoder(_LaggedNeural):
    """Time-lagged autoencoder (Wehmeyer and Noe, J. Chem. Phys. 148, 241703, 2018).

    An encoder maps the standardised ``x_t`` to a ``dim``-dimensional code and a decoder
    predicts the standardised ``x_{t+tau}`` from it, trained by mean squared error on the
    one training loop. With linear networks the code spans TICA's (CCA's) leading
    components; non-linear networks can unfold slow processes that no linear projection
    separates.

    Parameters
    ----------
    lagtime : int
    dim : int
        Size of the code (the slow coordinates).
    hidden_sizes : sequence of int
        Hidden layers of the encoder (the decoder mirrors them).
    activation : str
    optimizer, lr, batch_size, max_epochs, ... :
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`.

    Attributes
    ----------
    module_ : TimeLaggedAutoencoderModule
        ``module_.encoder`` and ``module_.decoder``; they take standardised features
        ``(x - mean_) / scale_``.
    mean_, scale_ : ndarray of shape (n_features_in_,)
    history_ : History

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(500, 3)).cumsum(axis=0)
    >>> TimeLaggedAutoencoder(lagtime=1, dim=1, max_epochs=2, random_state=0).fit(X).transform(X).shape
    (500, 1)
    """

    _parameter_constraints = _DEEP_CONSTRAINTS

    def _prepare_fit(self, X, y):
        return self._lagged_pairs(X)

    def _build_module(self):
        hs = check_int_sequence(self.hidden_sizes, "hidden_sizes")
        return TimeLaggedAutoencoderModule(
            self.n_features_in_, self.dim, hs, activation=self.activation
        )

    def _loss_fn(self):
        return nn.functional.mse_loss

    def transform(self, X):
        """The code ``encoder((x - mean_) / scale_)`` of each frame."""
        return self._apply(self.module_.encoder, X)

    def score(self, X, y=None):
        """Minus the mean squared error of the prediction of ``x_{t+tau}`` from ``x_t`` on ``X``.

        The training loss on held-out data, in standardised units (per feature
        and lagged pair), so higher is better; 0 would be a perfect prediction
        and -1 is what predicting the mean gives.
        """
        check_fitted(self, "module_")
        tau = check_lagtime(self.lagtime)
        trajs, _ = trajectories_and_kind(
            X, n_features=self.n_features_in_, owner=type(self).__name__
        )
        trajs = [t for t in trajs if t.shape[0] > tau]
        if not trajs:
            raise ValueError(
                f"lagtime={tau} is not shorter than any trajectory in X; no lagged pairs to score."
            )
        predicted = self._apply(self.module_, [t[:-tau] for t in trajs])
        sse = sum(
            float(np.square(p - self._standardise(t[tau:])).sum()) for p, t in zip(predicted, trajs)
        )
        return -sse / sum(p.size for p in predicted)


class VAMPNet(_LaggedNeural):
    """VAMPnet (Mardt, Pasquali, Wu and Noe, Nat. Commun. 9, 5, 2018).

    One network with a softmax output (``dim`` fuzzy states) is applied to ``x_t`` and to
    ``x_{t+tau}``; training maximises the VAMP-2 score of the pair of outputs on each
    minibatch (:func:`vamp2_score_torch`), so the states become the best Markov
    model's states. Each minibatch gathers the pairs ``[x_t, x_{t+tau}]`` side by side
    from one copy of the frames, so the one training loop's ``loss_fn`` sees both halves.

    Parameters
    ----------
    lagtime : int
    dim : int
        Number of output states (>= 2).
    epsilon : float
        Relative eigenvalue cut-off of the whitening inside the loss.
    hidden_sizes, activation, optimizer, lr, batch_size, ... :
        As for :class:`TimeLaggedAutoencoder`; use batches of a few hundred pairs or more,
        since the loss is a covariance estimate.

    Attributes
    ----------
    module_ : PairLobe
        ``module_.lobe`` maps standardised features to state memberships.
    history_ : History
        ``train_loss`` is minus the VAMP-2 score.
    """

    _parameter_constraints = {
        **_DEEP_CONSTRAINTS,
        "epsilon": [Interval(numbers.Real, 0, 1, closed="left")],
    }
    _stacked_pairs = True

    def __init__(
        self,
        lagtime=1,
        dim=2,
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
        device="cpu",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        super().__init__(
            lagtime,
            dim,
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
        if self.dim < 2:
            raise ValueError(f"VAMPNet needs dim >= 2 output states; got dim={self.dim}.")
        return self._lagged_pairs(X)

    def _build_module(self):
        hs = check_int_sequence(self.hidden_sizes, "hidden_sizes")
        return PairLobe(self.n_features_in_, self.dim, hs, activation=self.activation)

    def _loss_fn(self):
        k, eps = self.dim, self.epsilon

        def negative_vamp2(out, _target):
            return -vamp2_score_torch(out[:, :k], out[:, k:], eps)

        return negative_vamp2

    def transform(self, X):
        """Soft state memberships (rows sum to one) of each frame."""
        return self._apply(self.module_.lobe, X)

    def score(self, X, y=None):
        """VAMP-2 score of the learned states on (test) data ``X``."""
        from scidl.kinetics._vamp import VAMP

        chi = self.transform(X)
        chi = chi if isinstance(chi, list) else [chi] if chi.ndim == 2 else list(chi)
        return VAMP(lagtime=self.lagtime).fit(chi).score(chi)
