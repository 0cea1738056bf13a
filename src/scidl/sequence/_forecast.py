"""Forecasting machinery shared by the recurrent forecaster and WaveNet.

- :func:`normalized_error`, :func:`valid_prediction_time`: how far ahead a forecast of a
  chaotic system stays valid (Pathak et al. 2018).
- :class:`ForecastStep`: one training step on windows of a trajectory, teacher-forced,
  free-running or with scheduled sampling.
- ``_Forecaster``: the estimator base (windowed training on one or many trajectories,
  one-step ``predict``, autoregressive ``forecast``, ``score`` over a horizon).

A forecasting module has one interface: ``module(x, state=None) -> (y, state)`` with
``x`` of shape ``(batch, time, features)`` (standardised frames), ``y`` the prediction of
the *next* frame at every time, and ``state`` what the module needs to continue the
sequence (the hidden states of a recurrent network, the last inputs of a causal
convolution). Causality is part of the contract: ``y[:, t]`` depends on ``x[:, :t + 1]``
only, so right-padding a batch of sequences of different lengths never changes the
outputs at their valid positions.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import torch

from scidl.base import NeuralEstimator
from scidl.training import IndexedData, Step
from scidl.utils import (
    InstanceOf,
    Interval,
    check_array,
    check_fitted,
    validate_data,
)

__all__ = ["ForecastStep", "normalized_error", "valid_prediction_time"]


# -- evaluation ------------------------------------------------------------------------------
def _pair(y_true, y_pred):
    y_true = check_array(y_true, name="y_true", ndim=(2, 3))
    y_pred = check_array(y_pred, name="y_pred", ndim=(2, 3))
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}."
        )
    return y_true, y_pred


def _attractor_scale(y_true, scale):
    if scale is None:
        flat = y_true.reshape(-1, y_true.shape[-1])
        scale = float(np.sqrt(np.mean(np.sum((flat - flat.mean(axis=0)) ** 2, axis=1))))
    elif isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a positive real number or None; got {scale!r}.")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be positive and finite; got {scale!r}.")
    return float(scale)


def normalized_error(y_true, y_pred, *, scale=None):
    """The normalised forecast error ``||y_pred - y_true|| / sqrt(<||x - <x>||^2>)`` per step.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_steps, n_features) or (n_starts, n_steps, n_features)
        True and forecast trajectories.
    scale : float or None, default None
        The normaliser ``sqrt(<||x - <x>||^2>)``, the root-mean-square distance of the
        system's states from their mean; None computes it from ``y_true`` (pass the value
        of a long trajectory for short forecasts).

    Returns
    -------
    ndarray of shape (n_steps,) or (n_starts, n_steps)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.sequence import normalized_error
    >>> x = np.zeros((3, 2))
    >>> normalized_error(x, x + [[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]], scale=5.0)
    array([0. , 1. , 0.2])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    scale = _attractor_scale(y_true, scale)
    return np.linalg.norm(y_pred - y_true, axis=-1) / scale


def valid_prediction_time(y_true, y_pred, *, threshold=0.4, scale=None, dt=1.0):
    """How long a forecast stays valid: the time before the normalised error first exceeds
    ``threshold``.

    With ``E(k) = ||y_pred[k] - y_true[k]|| / sqrt(<||x - <x>||^2>)`` (see
    :func:`normalized_error`) at forecast step ``k = 1, 2, ...`` (time ``k dt`` after the
    last observed frame), the valid prediction time is ``(k* - 1) dt`` with ``k*`` the first
    step where ``E(k) > threshold``; a forecast that never exceeds it is valid for its whole
    length. Divide by the Lyapunov time (``1 / 0.906`` for Lorenz-63) to count it in
    Lyapunov times.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_steps, n_features) or (n_starts, n_steps, n_features)
        True and forecast continuations; row ``k - 1`` is step ``k``.
    threshold : float, default 0.4
        The error level (0.4 in Pathak et al. 2018).
    scale : float or None, default None
        The normaliser ``sqrt(<||x - <x>||^2>)``; None computes it from ``y_true``.
    dt : float, default 1.0
        Time between steps (1 counts steps).

    Returns
    -------
    float or ndarray of shape (n_starts,)

    Notes
    -----
    Pathak, Hunt, Girvan, Lu and Ott, "Model-free prediction of large spatiotemporally
    chaotic systems from data: a reservoir computing approach", Phys. Rev. Lett. 120,
    024102 (2018), define the valid time with this error and ``threshold = 0.4``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.sequence import valid_prediction_time
    >>> truth = np.zeros((5, 1))
    >>> forecast = np.array([[0.1], [0.2], [0.5], [0.1], [0.9]])
    >>> valid_prediction_time(truth, forecast, scale=1.0, dt=0.5)  # step 3 exceeds 0.4
    1.0
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a positive real number; got {threshold!r}.")
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be positive and finite; got {threshold!r}.")
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real):
        raise TypeError(f"dt must be a positive real number; got {dt!r}.")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be positive and finite; got {dt!r}.")
    err = normalized_error(y_true, y_pred, scale=scale)
    over = err > threshold
    n = err.shape[-1]
    steps = np.where(over.any(axis=-1), over.argmax(axis=-1), n)
    out = steps * float(dt)
    return float(out) if np.ndim(out) == 0 else out


# -- training ----------------------------------------------------------------------------------
class ForecastStep(Step):
    """One step on a minibatch of windows ``(batch, L + 1, features)``: predict each next frame.

    With ``teacher_forcing=1`` (teacher forcing) the module reads the true frames
    ``x[:, :L]`` and is trained to predict ``x[:, 1:]`` in one pass. Below 1 the first
    ``warmup`` frames are read from the data and the rest of the window is *rolled out*:
    at each later step the module reads the true frame with probability
    ``teacher_forcing`` (per sequence and step) and its own previous prediction otherwise
    (0: free-running, multi-step training; in between: scheduled sampling, Bengio et al.
    2015). The gradient then flows through the fed-back predictions (backpropagation
    through time over the whole rollout). The loss is the mean squared error of all ``L``
    predictions. Validation uses the same rollout with no sampling (``teacher_forcing``
    below 1 validates free-running).

    With ``noise_std > 0`` Gaussian noise of that standard deviation is added to the
    frames the module reads during training (not to the targets): the network learns to
    pull a perturbed state back towards the data, which keeps long autoregressive
    rollouts near the attractor (training noise as in Sanchez-Gonzalez et al. 2020).

    Parameters
    ----------
    teacher_forcing : float, default 1.0
        Probability of reading the true frame after the warm-up.
    warmup : int, default 1
        Frames of each window always read from the data (at least 1).
    noise_std : float, default 0.0
        Standard deviation of the input noise during training (standardised units).
    context : int, default 0
        Leading frames of each window that are only read, never predicted (a
        convolutional network's receptive field: its first predictions then see real
        frames, not padding).

    Attributes
    ----------
    teacher_forcing : float
        Probability of reading the true frame.
    warmup : int
        Frames always read from the data.
    noise_std : float
        Input noise during training.
    context : int
        Leading frames only read.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import ForecastStep, RNNForecasterModule
    >>> from scidl.training import train
    >>> _ = torch.manual_seed(0)
    >>> windows = torch.randn(16, 9, 2)  # 16 windows of 8 inputs + 1
    >>> step = ForecastStep(teacher_forcing=0.0, warmup=4)
    >>> net = RNNForecasterModule(2, (8,), cell="gru")
    >>> train(net, (windows,), step=step, max_epochs=2, verbose=0).columns
    ['epoch', 'train_loss', 'lr', 'time']
    """

    def __init__(self, *, teacher_forcing=1.0, warmup=1, noise_std=0.0, context=0):
        self.teacher_forcing = float(teacher_forcing)
        self.warmup = int(warmup)
        self.noise_std = float(noise_std)
        self.context = int(context)

    def predictions(self, module, windows, *, sample=True):
        """Predictions of ``windows[:, context + 1:]`` under this step's feeding rule.

        ``sample=False`` (validation) reads no noise and samples no feeding choices.
        """
        x = windows[:, :-1]
        if sample and self.noise_std > 0:
            x = x + self.noise_std * torch.randn_like(x)
        p = self.teacher_forcing if sample else float(self.teacher_forcing >= 1.0)
        if p >= 1.0:
            return module(x)[0][:, self.context :]
        k = max(1, min(self.context + self.warmup, x.shape[1]))
        y, state = module(x[:, :k])
        preds, prev = [y], y[:, -1:]
        for t in range(k, x.shape[1]):
            inp = prev
            if p > 0.0:
                keep = torch.rand(x.shape[0], 1, 1, device=x.device) < p
                inp = torch.where(keep, x[:, t : t + 1], prev)
            prev, state = module(inp, state)
            preds.append(prev)
        return torch.cat(preds, dim=1)[:, self.context :]

    def train_step(self, module, batch, optimizers, ctx):
        """Mean squared error of the window's predictions; backward through the rollout."""
        windows, opt = batch[0], optimizers["main"]
        opt.zero_grad(set_to_none=True)
        pred = self.predictions(module, windows)
        loss = torch.nn.functional.mse_loss(pred, windows[:, self.context + 1 :])
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach()}

    def eval_step(self, module, batch, ctx):
        """The same loss on a validation batch, without sampling."""
        windows = batch[0]
        pred = self.predictions(module, windows, sample=False)
        return {"loss": torch.nn.functional.mse_loss(pred, windows[:, self.context + 1 :])}


class _Windows:
    # A picklable gather: windows of length + 1 frames, standardised, in the module's dtype.
    def __init__(self, length, dtype):
        self.length, self.dtype = int(length), dtype

    def __call__(self, tensors, idx):
        frames, mean, scale = tensors
        offsets = torch.arange(self.length + 1, device=idx.device)
        w = frames[idx[:, None] + offsets]
        return (((w - mean) / scale).to(self.dtype),)


def _is_trajectory_list(X):
    return isinstance(X, list | tuple) and len(X) > 0 and np.ndim(X[0]) >= 2


# -- the estimator base ------------------------------------------------------------------------
class _Forecaster(NeuralEstimator):
    """Windowed training and autoregressive forecasting of multivariate time series.

    Subclasses implement ``_build_module()`` (a module with the forecasting interface of
    this module's docstring) and store their hyperparameters.
    """

    _parameter_constraints = {
        "window": [Interval(numbers.Integral, 1, None)],
        "warmup": [Interval(numbers.Integral, 1, None)],
        "teacher_forcing": [Interval(numbers.Real, 0, 1), InstanceOf(bool)],
        "horizon": [Interval(numbers.Integral, 1, None)],
        "residual": [InstanceOf(bool)],
        "noise_std": [Interval(numbers.Real, 0, None)],
    }

    _expected_failed_checks = {
        "check_methods_subset_invariance": "a forecaster reads its input as a time series: "
        "the prediction at frame t depends on the frames before t, so a subset of the rows "
        "is a different series",
        "check_methods_sample_order_invariance": "a forecaster reads its input as a time "
        "series: shuffling the frames makes a different series",
    }

    # -- data ------------------------------------------------------------------------------
    def _trajectories(self, X, *, reset):
        """A list of validated ``(T, d)`` float arrays, and the input's kind."""
        if _is_trajectory_list(X):
            trajs = [
                check_array(x, name=f"X[{i}]", dtype="numeric", ndim=2) for i, x in enumerate(X)
            ]
            kind = "list"
            d = trajs[0].shape[1] if reset else self.n_features_in_
            for i, t in enumerate(trajs):
                if t.shape[1] != d:
                    raise ValueError(
                        f"X[{i}] has {t.shape[1]} features, but {type(self).__name__} is "
                        f"expecting {d} features as input."
                    )
            if reset:
                self.n_features_in_ = d
        elif isinstance(X, np.ndarray) and X.ndim == 3:
            arr = check_array(X, name="X", ndim=3, dtype="numeric")
            if reset:
                self.n_features_in_ = arr.shape[2]
            elif arr.shape[2] != self.n_features_in_:
                raise ValueError(
                    f"X has {arr.shape[2]} features, but {type(self).__name__} is expecting "
                    f"{self.n_features_in_} features as input."
                )
            trajs, kind = list(arr), "3d"
        else:
            trajs = [validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])]
            kind = "2d"
        return trajs, kind

    @staticmethod
    def _answer(out, kind):
        return out if kind == "list" else (out[0] if kind == "2d" else np.stack(out))

    def _prepare_fit(self, X, y):
        trajs, _ = self._trajectories(X, reset=True)
        longest = max(t.shape[0] for t in trajs)
        if longest < 2:
            raise ValueError(
                "A forecaster needs trajectories of at least 2 frames to learn from; got "
                "n_samples=1."
            )
        length = min(int(self.window), longest - 1)
        context = min(self._n_context(), longest - 1 - length)
        used = [t for t in trajs if t.shape[0] > context + length]
        frames = used[0] if len(used) == 1 else np.concatenate(used)
        self.mean_ = frames.mean(axis=0, dtype=np.float64)
        std = frames.std(axis=0, dtype=np.float64)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.window_ = length
        self.context_ = context
        span = context + length
        offsets = np.cumsum([0] + [t.shape[0] for t in used])
        starts = np.concatenate(
            [np.arange(o, o + t.shape[0] - span) for o, t in zip(offsets, used)]
        )
        return frames, starts

    def _n_fit_samples(self, X, target):
        return len(target)

    def _make_datasets(self, X, target, splits, dtype, device):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # read-only arrays: never written to
            frames = torch.as_tensor(X, device=device)
        like = {"dtype": frames.dtype, "device": device}
        data = IndexedData(
            (frames, torch.as_tensor(self.mean_, **like), torch.as_tensor(self.scale_, **like)),
            torch.as_tensor(target),
            _Windows(self.context_ + self.window_, dtype),
        )
        return [None if idx is None else data.subset(np.arange(len(target))[idx]) for idx in splits]

    def _make_step(self, seed):
        return ForecastStep(
            teacher_forcing=float(self.teacher_forcing),
            warmup=self.warmup,
            noise_std=self.noise_std,
            context=self.context_,
        )

    def _n_context(self):
        """Frames read before each training window's first prediction (0: none)."""
        return 0

    def _standardise(self, x):
        return ((x - self.mean_) / self.scale_).astype(x.dtype, copy=False)

    def _unstandardise(self, z, dtype):
        return (z.numpy() * self.scale_ + self.mean_).astype(dtype, copy=False)

    def _module_like(self):
        param = next(self.module_.parameters())
        return {"dtype": param.dtype, "device": param.device}

    def _tensor(self, arrays):
        """Standardised arrays of equal shape as one batch tensor on the module's device."""
        batch = np.stack([self._standardise(a) for a in arrays])
        return torch.as_tensor(batch, **self._module_like())

    # -- inference -------------------------------------------------------------------------
    def predict(self, X):
        """One-step-ahead predictions: the forecast of frame ``t + 1`` from frames ``<= t``.

        Trajectories of a list are run as one batch, right-padded to the longest (the
        module is causal, so padding never changes a valid position).

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories.

        Returns
        -------
        ndarray of shape (T, n_features), list of them, or (n, T, n_features)
            Row ``t`` predicts ``X[t + 1]``; in the layout and float dtype of ``X``.
        """
        check_fitted(self, "module_")
        trajs, kind = self._trajectories(X, reset=False)
        longest = max(t.shape[0] for t in trajs)
        padded = [np.concatenate([t, np.repeat(t[-1:], longest - len(t), 0)]) for t in trajs]
        self.module_.eval()
        with torch.no_grad():
            y = self.module_(self._tensor(padded))[0].cpu()
        out = [self._unstandardise(y[i, : len(t)], t.dtype) for i, t in enumerate(trajs)]
        return self._answer(out, kind)

    def _rollout(self, context, n_steps):
        """Standardised ``context`` (batch, T, d) -> the next ``n_steps`` predictions."""
        y, state = self.module_(context)
        prev = y[:, -1:]
        out = [prev]
        for _ in range(n_steps - 1):
            prev, state = self.module_(prev, state)
            out.append(prev)
        return torch.cat(out, dim=1)

    def forecast(self, X, n_steps):
        """Autoregressive forecast: read each history, then feed each prediction back.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Histories (the observed past) to continue; histories of equal length are
            forecast as one batch.
        n_steps : int
            Frames to forecast after the end of each history.

        Returns
        -------
        ndarray of shape (n_steps, n_features), list of them, or (n, n_steps, n_features)
            Row ``k`` forecasts the frame ``k + 1`` steps after the history's last frame.
        """
        check_fitted(self, "module_")
        if isinstance(n_steps, bool) or not isinstance(n_steps, numbers.Integral):
            raise TypeError(f"n_steps must be an int; got {n_steps!r}.")
        if n_steps < 1:
            raise ValueError(f"n_steps must be >= 1; got {n_steps}.")
        trajs, kind = self._trajectories(X, reset=False)
        out = [None] * len(trajs)
        by_length = {}
        for i, t in enumerate(trajs):
            by_length.setdefault(t.shape[0], []).append(i)
        self.module_.eval()
        with torch.no_grad():
            for idx in by_length.values():
                z = self._rollout(self._tensor([trajs[i] for i in idx]), int(n_steps)).cpu()
                for j, i in enumerate(idx):
                    out[i] = self._unstandardise(z[j], trajs[i].dtype)
        return self._answer(out, kind)

    def score(self, X, y=None):
        """Minus the mean squared forecast error over ``horizon`` steps, in standardised units.

        From every start ``s`` with a full context, the model reads the
        ``window_ + context_`` frames before ``s`` (fewer if the trajectory is short) and
        forecasts ``horizon`` frames autoregressively; the score averages the squared
        error of the standardised frames over starts, steps and features. 0 is a perfect
        forecast; forecasting the mean gives about -1.

        Parameters
        ----------
        X : array-like of shape (T, n_features), list of them, or (n, T, n_features)
            Trajectories, at least one longer than ``horizon``.
        y : None
            Ignored.

        Returns
        -------
        float
        """
        check_fitted(self, "module_")
        trajs, _ = self._trajectories(X, reset=False)
        h = int(self.horizon)
        trajs = [t for t in trajs if t.shape[0] > h]
        if not trajs:
            raise ValueError(
                f"X has no trajectory longer than horizon={h} frames; nothing to score."
            )
        d = self.n_features_in_
        sse, count = 0.0, 0
        for t in trajs:
            c = min(self.window_ + self.context_, t.shape[0] - h)
            z = self._standardise(t)
            starts = np.arange(c, t.shape[0] - h + 1)

            def windows(idx, z=z, c=c):
                return np.stack([z[s - c : s + h] for s in idx])

            def squared_errors(w, c=c):
                pred = self._rollout(w[:, :c], h)
                return (pred - w[:, c:]).square().sum(dim=(1, 2), dtype=torch.float64)

            sse += float(self._infer(squared_errors, starts, prepare=windows).sum())
            count += len(starts) * h * d
        return -sse / count

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags
