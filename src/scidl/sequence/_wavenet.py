"""WaveNet: stacked dilated causal convolutions with gated activations (van den Oord et al. 2016).

Each layer ``l`` with dilation ``d_l`` computes, from its input ``r`` (``residual_channels``
per time step),

``z = tanh(W_f *_{d_l} r) * sigmoid(W_g *_{d_l} r)``   (gated activation unit)

with a causal convolution ``*_{d}`` of ``kernel_size`` taps ``d`` steps apart (the output
at ``t`` reads ``r[t], r[t - d], ..., r[t - (k - 1) d]``), and passes ``r + V_res z`` on
to the next layer (residual connection) and ``V_skip z`` to the output (skip
connection). The sum of the skips goes through ``ReLU -> 1x1 -> ReLU -> 1x1`` to the
forecast of the next frame. The output at ``t`` depends on the inputs
``t - R + 1 ... t`` only, with the receptive field

``R = (kernel_size - 1) * sum(dilations) + 1``.
"""

from __future__ import annotations

import numbers

import torch
from torch import nn

from scidl.sequence._forecast import _Forecaster
from scidl.utils import InstanceOf, Interval, check_int_sequence

__all__ = ["WaveNet", "WaveNetModule"]


class WaveNetModule(nn.Module):
    """Dilated causal convolutions with gates, residual and skip connections, as a forecaster.

    ``module(x, state=None) -> (y, state)``: ``x`` is ``(batch, time, in_features)``,
    ``y[:, t]`` forecasts frame ``t + 1`` from ``x[:, t - R + 1 : t + 1]`` (frames before
    the first are the ``state``, the last ``R - 1`` frames of a previous call, or zeros).

    Parameters
    ----------
    in_features : int
        Features of a frame (also the forecast's size).
    residual_channels : int, default 32
        Channels of the residual stream (and of the skip connections).
    dilations : sequence of int, default (1, 2, 4, 8, 16)
        Dilation of each layer.
    kernel_size : int, default 2
        Taps of each causal convolution.
    residual : bool, default True
        Forecast ``x_t + output`` (True) or ``output``.

    Attributes
    ----------
    receptive_field : int
        ``(kernel_size - 1) * sum(dilations) + 1`` frames.
    input_conv : torch.nn.Conv1d
        1x1 convolution ``in_features -> residual_channels``.
    filters, gates : torch.nn.ModuleList
        The dilated causal convolutions of each layer (``tanh`` and ``sigmoid`` halves).
    residual_convs, skip_convs : torch.nn.ModuleList
        The 1x1 convolutions of each layer's residual and skip outputs.
    output : torch.nn.Sequential
        ``ReLU -> 1x1 -> ReLU -> 1x1`` from the summed skips to ``in_features``.
    in_features, residual_channels, dilations, kernel_size, residual
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import WaveNetModule
    >>> net = WaveNetModule(3, 8, dilations=(1, 2, 4))
    >>> net.receptive_field
    8
    >>> y, state = net(torch.zeros(2, 20, 3))
    >>> y.shape, state.shape  # the state is the last R - 1 frames
    (torch.Size([2, 20, 3]), torch.Size([2, 7, 3]))
    """

    def __init__(
        self,
        in_features,
        residual_channels=32,
        dilations=(1, 2, 4, 8, 16),
        *,
        kernel_size=2,
        residual=True,
    ):
        super().__init__()
        self.in_features = int(in_features)
        self.residual_channels = int(residual_channels)
        self.dilations = check_int_sequence(dilations, "dilations", allow_empty=False)
        self.kernel_size = int(kernel_size)
        self.residual = bool(residual)
        self.receptive_field = (self.kernel_size - 1) * sum(self.dilations) + 1
        c, k = self.residual_channels, self.kernel_size
        self.input_conv = nn.Conv1d(self.in_features, c, 1)
        self.filters = nn.ModuleList(nn.Conv1d(c, c, k, dilation=d) for d in self.dilations)
        self.gates = nn.ModuleList(nn.Conv1d(c, c, k, dilation=d) for d in self.dilations)
        self.residual_convs = nn.ModuleList(nn.Conv1d(c, c, 1) for _ in self.dilations)
        self.skip_convs = nn.ModuleList(nn.Conv1d(c, c, 1) for _ in self.dilations)
        self.output = nn.Sequential(
            nn.ReLU(), nn.Conv1d(c, c, 1), nn.ReLU(), nn.Conv1d(c, self.in_features, 1)
        )
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default initialisation of every convolution; the last layer starts at 0.

        A zero last layer makes the untrained forecaster the persistence forecast
        ``x_{t+1} = x_t`` (with ``residual=True``), a stable start for a rollout.
        """
        for m in self.modules():
            if isinstance(m, nn.Conv1d):
                m.reset_parameters()
        with torch.no_grad():
            self.output[-1].weight.zero_()
            self.output[-1].bias.zero_()

    def forward(self, x, state=None):
        """Forecasts of the next frame at every time, and the last ``R - 1`` frames read.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, time, in_features)
            Standardised frames.
        state : torch.Tensor of shape (batch, R - 1, in_features) or None
            The frames before ``x`` (from a previous call), or None (zeros).

        Returns
        -------
        y : torch.Tensor of shape (batch, time, in_features)
        state : torch.Tensor of shape (batch, R - 1, in_features)
        """
        n_past = self.receptive_field - 1
        if state is None:
            state = x.new_zeros(x.shape[0], n_past, x.shape[2])
        seq = torch.cat([state, x], dim=1)
        n = x.shape[1]
        r = self.input_conv(seq.transpose(1, 2))
        skips = 0
        for f, g, res, skip in zip(self.filters, self.gates, self.residual_convs, self.skip_convs):
            z = torch.tanh(f(r)) * torch.sigmoid(g(r))  # valid convolution: shorter by (k-1)d
            r = r[:, :, r.shape[2] - z.shape[2] :] + res(z)
            skips = skips + skip(z[:, :, z.shape[2] - n :])
        y = self.output(skips).transpose(1, 2)
        return (x + y if self.residual else y), seq[:, seq.shape[1] - n_past :]

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, residual_channels={self.residual_channels}, "
            f"dilations={self.dilations}, kernel_size={self.kernel_size}, "
            f"receptive_field={self.receptive_field}"
        )


class WaveNet(_Forecaster):
    """WaveNet-style forecaster and generator of multivariate time series.

    Stacked dilated causal 1-D convolutions with gated activations, residual and skip
    connections (:class:`WaveNetModule`) predict the next frame from the last
    ``receptive_field_`` frames. Training, one-step ``predict``, autoregressive
    ``forecast`` (and so generation: forecast as far as you like from a seed history)
    and ``score`` are those of :class:`RNNForecaster`.

    Parameters
    ----------
    residual_channels : int, default 32
        Channels of the residual stream and the skip connections.
    dilations : sequence of int, default (1, 2, 4, 8, 16)
        Dilation of each layer (doubling dilations give a receptive field exponential
        in depth).
    kernel_size : int, default 2
        Taps of each causal convolution.
    window : int, default 64
        Predicted frames per training window (shortened for short trajectories).
    teacher_forcing : bool or float in [0, 1], default True
        As in :class:`RNNForecaster`; True trains all positions of a window in one
        parallel pass (the convolutional network's speed advantage).
    warmup : int, default 8
        Frames of each window read from the data before a free-running rollout.
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
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`.

    Attributes
    ----------
    module_ : WaveNetModule
        The trained network; it reads standardised frames ``(x - mean_) / scale_``.
    receptive_field_ : int
        Frames the forecast of one step reads: ``(kernel_size - 1) * sum(dilations) + 1``.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Mean and standard deviation (1 where 0) of the training frames, float64.
    window_ : int
        The training window length used.
    context_ : int
        Frames read before each training window's first prediction,
        ``receptive_field_ - 1`` (fewer when the trajectories are short).
    n_features_in_ : int
        Features of a frame.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (and ``valid_loss``), ``lr``, ``time``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    van den Oord et al., "WaveNet: A generative model for raw audio", arXiv:1609.03499
    (2016); for time series, Borovykh, Bohte and Oosterlee, "Conditional time series
    forecasting with convolutional neural networks", arXiv:1703.04691 (2017). Frames
    before the start of a sequence are read as zeros (the training mean).

    Examples
    --------
    >>> from scidl.data import make_lorenz63
    >>> from scidl.sequence import WaveNet
    >>> X = make_lorenz63(400, dt=0.02, random_state=0)
    >>> model = WaveNet(residual_channels=8, dilations=(1, 2, 4), window=16, max_epochs=2,
    ...                 random_state=0).fit(X)
    >>> model.receptive_field_
    8
    >>> model.forecast(X[:100], n_steps=50).shape
    (50, 3)
    """

    _parameter_constraints = {
        "residual_channels": [Interval(numbers.Integral, 1, None)],
        "dilations": [InstanceOf(tuple, list, int, description="a sequence of positive ints")],
        "kernel_size": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self,
        *,
        residual_channels=32,
        dilations=(1, 2, 4, 8, 16),
        kernel_size=2,
        window=64,
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
        self.residual_channels = residual_channels
        self.dilations = dilations
        self.kernel_size = kernel_size
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

    def _n_context(self):
        # each window starts with a receptive field of real frames: no prediction that
        # the loss sees reads the zero padding before a sequence
        dilations = check_int_sequence(self.dilations, "dilations", allow_empty=False)
        return (int(self.kernel_size) - 1) * sum(dilations)

    def _build_module(self):
        module = WaveNetModule(
            self.n_features_in_,
            self.residual_channels,
            check_int_sequence(self.dilations, "dilations", allow_empty=False),
            kernel_size=self.kernel_size,
            residual=self.residual,
        )
        self.receptive_field_ = module.receptive_field
        return module
