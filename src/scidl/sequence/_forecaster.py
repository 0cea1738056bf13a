"""Recurrent forecasters of multivariate time series: vanilla RNN, LSTM and GRU cells.

A stack of recurrent layers reads the (standardised) frames ``x_1 ... x_t`` and a linear
head maps the last layer's hidden state ``h_t`` to the forecast of the next frame,
``x_{t+1} = x_t + W h_t + b`` (with ``residual=True``: the network learns the increment,
which for a finely sampled flow is small and smooth). The cells:

- ``"rnn"``: ``h_t = tanh(W x_t + U h_{t-1} + b)`` (Elman 1990);
- ``"lstm"``: gated memory cell (Hochreiter & Schmidhuber 1997, with forget gate,
  Gers et al. 2000);
- ``"gru"``: gated recurrent unit (Cho et al. 2014).

Training, prediction and scoring are shared with :class:`scidl.sequence.WaveNet`
(``scidl.sequence._forecast``).
"""

from __future__ import annotations

import torch
from torch import nn

from scidl.sequence._forecast import _Forecaster
from scidl.utils import InstanceOf, Options, check_int_sequence

__all__ = ["RNNForecaster", "RNNForecasterModule"]

_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RNNForecasterModule(nn.Module):
    """Stacked recurrent layers and a linear head: ``(x, state) -> (next-frame forecasts, state)``.

    Parameters
    ----------
    in_features : int
        Features of a frame (also the forecast's size).
    hidden_sizes : sequence of int, default (64,)
        Hidden units of each recurrent layer, input side first (at least one layer).
    cell : {"rnn", "lstm", "gru"}, default "lstm"
        The recurrent cell.
    residual : bool, default True
        Forecast ``x_t + head(h_t)`` (True) or ``head(h_t)``.

    Attributes
    ----------
    layers : torch.nn.ModuleList
        One single-layer ``nn.RNN``/``nn.LSTM``/``nn.GRU`` per hidden size (batch first).
    head : torch.nn.Linear
        ``h_t -> `` the forecast (or its increment).
    in_features, hidden_sizes, cell, residual
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import RNNForecasterModule
    >>> net = RNNForecasterModule(3, (8, 8), cell="lstm")
    >>> y, state = net(torch.zeros(2, 5, 3))  # 2 sequences of 5 frames
    >>> y.shape, len(state)
    (torch.Size([2, 5, 3]), 2)
    >>> y2, _ = net(torch.zeros(2, 1, 3), state)  # continue both sequences by one frame
    >>> y2.shape
    torch.Size([2, 1, 3])
    """

    def __init__(self, in_features, hidden_sizes=(64,), *, cell="lstm", residual=True):
        super().__init__()
        if cell not in _CELLS:
            raise ValueError(f"cell must be one of {sorted(_CELLS)}; got {cell!r}.")
        self.in_features = int(in_features)
        self.hidden_sizes = check_int_sequence(hidden_sizes, "hidden_sizes", allow_empty=False)
        self.cell = cell
        self.residual = bool(residual)
        sizes = (self.in_features, *self.hidden_sizes)
        self.layers = nn.ModuleList(
            _CELLS[cell](a, b, batch_first=True) for a, b in zip(sizes[:-1], sizes[1:])
        )
        self.head = nn.Linear(self.hidden_sizes[-1], self.in_features)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's uniform initialisation; an LSTM's forget-gate biases start at 1.

        A forget bias of 1 keeps the cell's memory open at the start of training
        (Gers et al. 2000; Jozefowicz et al. 2015): nothing is forgotten before the
        network has learned what to keep.
        """
        for layer in self.layers:
            layer.reset_parameters()  # U(-1/sqrt(hidden), 1/sqrt(hidden))
            if self.cell == "lstm":
                h = layer.hidden_size
                with torch.no_grad():  # gates are ordered input, forget, cell, output
                    layer.bias_ih_l0[h : 2 * h].fill_(1.0)
                    layer.bias_hh_l0[h : 2 * h].zero_()
        self.head.reset_parameters()

    def forward(self, x, state=None):
        """Forecasts of the next frame at every time, and the state after the last frame.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, time, in_features)
            Standardised frames.
        state : list or None
            The state returned by a previous call (continue those sequences), or None
            (start from zero states).

        Returns
        -------
        y : torch.Tensor of shape (batch, time, in_features)
        state : list
            One entry per layer: ``h`` (RNN, GRU) or ``(h, c)`` (LSTM).
        """
        h, new_state = x, []
        for i, layer in enumerate(self.layers):
            h, s = layer(h, None if state is None else state[i])
            new_state.append(s)
        y = self.head(h)
        return (x + y if self.residual else y), new_state

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, hidden_sizes={self.hidden_sizes}, "
            f"cell={self.cell!r}, residual={self.residual}"
        )


class RNNForecaster(_Forecaster):
    """Recurrent forecaster of multivariate time series (vanilla RNN, LSTM or GRU).

    Trained on windows of ``window + 1`` consecutive frames of one or many trajectories
    (windows never cross trajectories), with teacher forcing, free-running multi-step
    rollouts, or scheduled sampling in between (:class:`ForecastStep`). Frames are
    standardised with the training data's ``mean_`` and ``scale_``.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}, default "lstm"
        The recurrent cell.
    hidden_sizes : sequence of int, default (64,)
        Hidden units per recurrent layer (at least one layer).
    window : int, default 32
        Predicted frames per training window (shortened to fit short trajectories:
        see ``window_``).
    teacher_forcing : bool or float in [0, 1], default True
        True (1.0): every input is the true frame (one-step training). False (0.0):
        after ``warmup`` frames the network reads its own forecasts (multi-step,
        free-running training). In between: the probability of reading the true frame
        at each step (scheduled sampling).
    warmup : int, default 8
        Frames of each window always read from the data before a free-running rollout.
    horizon : int, default 20
        Steps ahead over which :meth:`score` averages the forecast error.
    residual : bool, default True
        Forecast the increment ``x_{t+1} - x_t`` (True) or the frame itself.
    noise_std : float, default 0.0
        Gaussian noise added to the frames the network reads in training (standardised
        units; the targets stay clean): a small value (e.g. 0.01) teaches it to correct
        its own errors and steadies long forecasts.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`; the
        validation split holds out whole windows.

    Attributes
    ----------
    module_ : RNNForecasterModule
        The trained network; it reads standardised frames ``(x - mean_) / scale_``.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Mean and standard deviation (1 where 0) of the training frames, float64.
    window_ : int
        The training window length used: ``min(window, longest trajectory - 1)``.
    context_ : int
        Frames read before each training window's first prediction (0 for a recurrent
        network: its state starts at zero).
    n_features_in_ : int
        Features of a frame.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (and ``valid_loss``), ``lr``, ``time``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    See Also
    --------
    WaveNet : dilated causal convolutions with the same interface.

    Notes
    -----
    ``fit``, ``predict``, ``forecast`` and ``score`` take one trajectory ``(T, d)``, a list
    of them, or an array ``(n, T, d)``, as the estimators of :mod:`scidl.kinetics` do.
    Recurrent networks are trained by backpropagation through time (Werbos 1990); a
    vanilla RNN's gradient vanishes over long lags (Bengio et al. 1994), which the
    gated cells avoid.

    Examples
    --------
    >>> from scidl.data import make_lorenz63
    >>> from scidl.sequence import RNNForecaster
    >>> X = make_lorenz63(400, dt=0.02, random_state=0)
    >>> model = RNNForecaster("gru", hidden_sizes=(16,), window=16, max_epochs=2,
    ...                       random_state=0).fit(X)
    >>> model.predict(X).shape, model.forecast(X[:100], n_steps=50).shape
    ((400, 3), (50, 3))
    >>> model.score(X) < 0
    True
    """

    _parameter_constraints = {
        "cell": [Options(*_CELLS)],
        "hidden_sizes": [InstanceOf(tuple, list, int, description="a sequence of positive ints")],
    }

    def __init__(
        self,
        cell="lstm",
        *,
        hidden_sizes=(64,),
        window=32,
        teacher_forcing=True,
        warmup=8,
        horizon=20,
        residual=True,
        noise_std=0.0,
        optimizer="adam",
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        weight_decay=0.0,
        validation_fraction=0.1,
        patience=None,
        lr_schedule=None,
        clip_grad_norm=1.0,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.cell = cell
        self.hidden_sizes = hidden_sizes
        self.window = window
        self.teacher_forcing = teacher_forcing
        self.warmup = warmup
        self.horizon = horizon
        self.residual = residual
        self.noise_std = noise_std
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

    def _build_module(self):
        hs = check_int_sequence(self.hidden_sizes, "hidden_sizes", allow_empty=False)
        return RNNForecasterModule(self.n_features_in_, hs, cell=self.cell, residual=self.residual)
