"""The linear autoregressive baseline: ``x_{t+1} = x_t + sum_k A_k x_{t-k} + b`` by least squares.

A vector autoregressive model of order ``p`` (VAR(p)) on standardised frames, fitted in
closed form (ridge regression in float64), wrapped as a causal linear convolution so that
it shares ``predict``, ``forecast`` and ``score`` with the neural forecasters.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from scidl.sequence._forecast import _Forecaster
from scidl.utils import InstanceOf, Interval, parameter_constraints, validate_params

__all__ = ["LinearAutoregressive", "LinearAutoregressiveModule"]


class LinearAutoregressiveModule(nn.Module):
    """A causal linear convolution of ``order`` taps: ``y_t = [x_t +] sum_k A_k x_{t-k} + b``.

    Follows the forecasting interface ``module(x, state=None) -> (y, state)`` of
    :mod:`scidl.sequence` (the state is the last ``order - 1`` frames; before the first
    frame zeros are read).

    Parameters
    ----------
    in_features : int
        Features of a frame.
    order : int
        Number of past frames read (``p``).
    residual : bool, default True
        Add ``x_t`` to the output (the model predicts the increment).

    Attributes
    ----------
    conv : torch.nn.Conv1d
        The ``in_features -> in_features`` convolution of ``order`` taps.
    in_features, order, residual
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import LinearAutoregressiveModule
    >>> net = LinearAutoregressiveModule(2, 3)
    >>> y, state = net(torch.zeros(4, 10, 2))
    >>> y.shape, state.shape
    (torch.Size([4, 10, 2]), torch.Size([4, 2, 2]))
    """

    def __init__(self, in_features, order, *, residual=True):
        super().__init__()
        self.in_features = int(in_features)
        self.order = int(order)
        self.residual = bool(residual)
        self.conv = nn.Conv1d(self.in_features, self.in_features, self.order)
        self.reset_parameters()

    def reset_parameters(self):
        """Zero weights: the persistence forecast (``residual=True``) until fitted."""
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.bias.zero_()

    def forward(self, x, state=None):
        """Forecasts of the next frame at every time, and the last ``order - 1`` frames."""
        n_past = self.order - 1
        if state is None:
            state = x.new_zeros(x.shape[0], n_past, x.shape[2])
        seq = torch.cat([state, x], dim=1)
        y = self.conv(seq.transpose(1, 2)).transpose(1, 2)
        return (x + y if self.residual else y), seq[:, seq.shape[1] - n_past :]

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, order={self.order}, residual={self.residual}"


class LinearAutoregressive(_Forecaster):
    """Linear vector autoregression of order ``p``, fitted by least squares (the baseline).

    On standardised frames ``z``, ``z_{t+1} - z_t`` (``residual=True``) or ``z_{t+1}`` is
    regressed on ``z_t, ..., z_{t-p+1}`` and a constant, with a ridge penalty ``alpha``,
    over every full window of one or many trajectories. ``predict``, ``forecast`` and
    ``score`` are those of :class:`RNNForecaster`.

    Parameters
    ----------
    order : int, default 8
        Past frames read (``p``).
    alpha : float, default 1e-6
        Ridge penalty (in units of the number of regression rows).
    horizon : int, default 20
        Steps ahead over which :meth:`score` averages the forecast error.
    residual : bool, default True
        Regress the increment (True) or the next frame.

    Attributes
    ----------
    module_ : LinearAutoregressiveModule
        The fitted model as a causal convolution on standardised frames.
    coef_ : ndarray of shape (order * n_features_in_ + 1, n_features_in_)
        The least-squares solution: rows ``k * d + i`` weigh feature ``i`` of
        ``z_{t-p+1+k}``; the last row is the constant.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Mean and standard deviation (1 where 0) of the training frames.
    window_ : int
        The context :meth:`score` reads (``order``).
    context_ : int
        0 (kept for the shared ``score``).
    n_features_in_ : int
        Features of a frame.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.sequence import LinearAutoregressive
    >>> t = np.arange(300) * 0.1
    >>> X = np.c_[np.sin(t), np.cos(t)]  # a rotation: exactly linear
    >>> ar = LinearAutoregressive(order=2).fit(X)
    >>> bool(np.abs(ar.forecast(X[:100], 50) - X[100:150]).max() < 1e-3)
    True
    """

    _parameter_constraints = {
        "order": [Interval(numbers.Integral, 1, None)],
        "alpha": [Interval(numbers.Real, 0, None)],
        "horizon": [Interval(numbers.Integral, 1, None)],
        "residual": [InstanceOf(bool)],
    }

    def __init__(self, order=8, *, alpha=1e-6, horizon=20, residual=True):
        self.order = order
        self.alpha = alpha
        self.horizon = horizon
        self.residual = residual

    def _validate_hyperparameters(self):
        names = self.get_params(deep=False)
        table = {k: v for k, v in parameter_constraints(self).items() if k in names}
        validate_params(self, table)

    def fit(self, X, y=None):
        """Least-squares fit on every window of ``order + 1`` frames.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        self._validate_hyperparameters()
        trajs, _ = self._trajectories(X, reset=True)
        p = int(self.order)
        used = [t for t in trajs if t.shape[0] > p]
        if not used:
            longest = max(t.shape[0] for t in trajs)
            raise ValueError(
                f"X has no trajectory of at least order + 1 = {p + 1} frames; the longest has "
                f"n_samples={longest}."
            )
        frames = np.concatenate(used).astype(np.float64)
        self.mean_ = frames.mean(axis=0)
        std = frames.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        rows, targets = [], []
        for t in used:
            z = (t - self.mean_) / self.scale_
            n = z.shape[0] - p
            rows.append(np.hstack([z[k : k + n] for k in range(p)] + [np.ones((n, 1))]))
            nxt = z[p:]
            targets.append(nxt - z[p - 1 : -1] if self.residual else nxt)
        A, B = np.vstack(rows), np.vstack(targets)
        gram = A.T @ A + float(self.alpha) * len(A) * np.eye(A.shape[1])
        self.coef_ = np.linalg.lstsq(gram, A.T @ B, rcond=None)[0]
        self.window_ = p
        self.context_ = 0
        self.module_ = self._build_module()
        d = self.n_features_in_
        with torch.no_grad():
            weight = self.coef_[:-1].reshape(p, d, d)  # (tap k, input i, output o)
            self.module_.conv.weight.copy_(torch.as_tensor(weight.transpose(2, 1, 0)))
            self.module_.conv.bias.copy_(torch.as_tensor(self.coef_[-1]))
        self.module_.eval()
        return self

    def _build_module(self):
        return LinearAutoregressiveModule(
            self.n_features_in_, int(self.order), residual=self.residual
        ).double()
