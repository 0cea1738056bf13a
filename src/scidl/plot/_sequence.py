"""Figures of time-series forecasting: forecasts against the truth, error against horizon,
valid prediction times, and attractors of free-running models."""

from __future__ import annotations

import numbers

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["plot_attractors", "plot_forecast", "plot_forecast_error", "plot_valid_times"]


def _named_arrays(value, name, ndim):
    if not isinstance(value, dict) or not value:
        raise TypeError(f"{name} must be a non-empty dict of name -> array; got {type(value)}.")
    out = {}
    for key, arr in value.items():
        a = np.asarray(arr, dtype=float)
        if a.ndim not in ndim or a.size == 0:
            raise ValueError(
                f"{name}[{key!r}] must be a non-empty {' or '.join(f'{d}D' for d in ndim)} "
                f"array; got shape {a.shape}."
            )
        out[str(key)] = a
    return out


def _time_axis(n, dt, lyapunov_exponent):
    for v, label in ((dt, "dt"), (lyapunov_exponent, "lyapunov_exponent")):
        if v is None and label == "lyapunov_exponent":
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
            raise ValueError(f"{label} must be a positive number; got {v!r}.")
    t = np.arange(1, n + 1) * float(dt)
    if lyapunov_exponent is None:
        return t, "time"
    return t * float(lyapunov_exponent), r"time ($\lambda_1 t$, Lyapunov times)"


@styled
def plot_forecast(
    y_true, forecasts, *, dt=1.0, lyapunov_exponent=None, feature_names=None, title=None
):
    """A forecast against the truth, one panel per feature.

    Parameters
    ----------
    y_true : array-like of shape (n_steps, n_features)
        The true continuation.
    forecasts : dict of str -> array-like of shape (n_steps, n_features)
        Forecasts by model name.
    dt : float, default 1.0
        Time between steps.
    lyapunov_exponent : float or None, default None
        If given, time is shown in Lyapunov times ``lambda_1 t``.
    feature_names : sequence of str or None
        Panel labels (default ``x0, x1, ...``).
    title : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_forecast
    >>> truth = np.c_[np.sin(np.arange(50) / 5), np.cos(np.arange(50) / 5)]
    >>> fig = plot_forecast(truth, {"model": truth + 0.1}, dt=0.1)
    >>> len(fig.axes)
    2
    """
    truth = np.asarray(y_true, dtype=float)
    if truth.ndim != 2 or truth.size == 0:
        raise ValueError(f"y_true must be a non-empty 2D array; got shape {truth.shape}.")
    preds = _named_arrays(forecasts, "forecasts", (2,))
    for key, p in preds.items():
        if p.shape != truth.shape:
            raise ValueError(
                f"forecasts[{key!r}] must have the shape of y_true {truth.shape}; got {p.shape}."
            )
    t, xlabel = _time_axis(len(truth), dt, lyapunov_exponent)
    d = truth.shape[1]
    names = list(feature_names) if feature_names is not None else [f"x{i}" for i in range(d)]
    fig, axes = new_figure(nrows=d, figsize=(7.0, 1.9 * d + 0.6), squeeze=False)
    for i, ax in enumerate(axes[:, 0]):
        ax.plot(t, truth[:, i], color="black", lw=1.6, label="truth")
        for j, (key, p) in enumerate(preds.items()):
            ax.plot(t, p[:, i], color=PALETTE[j % len(PALETTE)], lw=1.1, ls="--", label=key)
        ax.set_ylabel(names[i] if i < len(names) else f"x{i}")
    axes[-1, 0].set_xlabel(xlabel)
    axes[0, 0].legend(loc="upper left", fontsize="small", ncol=min(4, len(preds) + 1))
    if title:
        fig.suptitle(title)
    return fig


@styled
def plot_forecast_error(
    errors, *, dt=1.0, lyapunov_exponent=None, threshold=0.4, ax=None, title=None
):
    """Normalised forecast error against the horizon, one curve per model.

    Parameters
    ----------
    errors : dict of str -> array-like of shape (n_steps,) or (n_starts, n_steps)
        Normalised errors (:func:`scidl.sequence.normalized_error`); with several
        starts the mean is drawn with a band between the 25th and 75th percentiles.
    dt : float, default 1.0
        Time between steps.
    lyapunov_exponent : float or None, default None
        If given, time is shown in Lyapunov times.
    threshold : float or None, default 0.4
        Draw the valid-time threshold.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str or None
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_forecast_error
    >>> e = np.exp(np.linspace(-5, 1, 40))[None, :] * np.array([[1.0], [2.0]])
    >>> fig = plot_forecast_error({"model": e}, dt=0.1, lyapunov_exponent=0.9)
    >>> fig.axes[0].get_ylabel()
    'normalised error'
    """
    check_ax(ax)
    errs = _named_arrays(errors, "errors", (1, 2))
    if ax is None:
        fig, ax = new_figure(figsize=(6.0, 3.8))
    else:
        fig = figure_of(ax)
    xlabel = "time"
    for j, (key, e) in enumerate(errs.items()):
        e2 = e if e.ndim == 2 else e[None, :]
        t, xlabel = _time_axis(e2.shape[1], dt, lyapunov_exponent)
        color = PALETTE[j % len(PALETTE)]
        ax.plot(t, e2.mean(axis=0), color=color, label=key)
        if e2.shape[0] > 1:
            lo, hi = np.percentile(e2, [25, 75], axis=0)
            ax.fill_between(t, lo, hi, color=color, alpha=0.15, lw=0)
    if threshold is not None:
        ax.axhline(float(threshold), color="black", ls=":", lw=1, label=f"threshold {threshold}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("normalised error")
    ax.legend(fontsize="small")
    ax.set_title(title or "Forecast error against horizon")
    return fig


@styled
def plot_valid_times(valid_times, *, unit="Lyapunov times", reference=None, ax=None, title=None):
    """Valid prediction times as bars (mean and standard error), with every start as a dot.

    Parameters
    ----------
    valid_times : dict of str -> array-like of shape (n_starts,)
        Valid prediction times per model (:func:`scidl.sequence.valid_prediction_time`).
    unit : str, default "Lyapunov times"
        The unit of the times (axis label).
    reference : dict of str -> float, optional
        Horizontal reference lines (e.g. a literature value), by label.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str or None
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_valid_times
    >>> fig = plot_valid_times({"linear": [0.2, 0.3], "LSTM": [3.0, 4.1]})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['linear', 'LSTM']
    """
    check_ax(ax)
    vts = _named_arrays(valid_times, "valid_times", (1,))
    if ax is None:
        fig, ax = new_figure(figsize=(1.2 * len(vts) + 2.6, 3.8))
    else:
        fig = figure_of(ax)
    rng = np.random.default_rng(0)
    for j, v in enumerate(vts.values()):
        color = PALETTE[j % len(PALETTE)]
        sem = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0.0
        ax.bar(j, v.mean(), yerr=sem, color=color, alpha=0.75, capsize=4)
        ax.scatter(j + rng.uniform(-0.2, 0.2, len(v)), v, s=6, color="black", alpha=0.5)
    for k, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(float(value), color="grey", ls=("--", ":", "-.")[k % 3], lw=1, label=label)
    if reference:
        ax.legend(fontsize="small")
    ax.set_xticks(range(len(vts)), list(vts))
    ax.set_ylabel(f"valid prediction time ({unit})")
    ax.set_title(title or "Valid prediction time")
    return fig


@styled
def plot_attractors(attractors, *, projection=(0, 2), axis_names=("x", "y", "z"), title=None):
    """Attractors side by side in a 2-D projection: the truth and free-running models.

    Parameters
    ----------
    attractors : dict of str -> array-like of shape (n_steps, n_features)
        Long trajectories by name (e.g. ``"truth"`` and ``model.forecast(seed, 5000)``).
    projection : tuple of two int, default (0, 2)
        The features shown (x-z: the butterfly of Lorenz-63).
    axis_names : sequence of str
        Feature names for the axis labels.
    title : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_attractors
    >>> t = np.linspace(0, 20, 500)
    >>> ring = np.c_[np.cos(t), np.zeros_like(t), np.sin(t)]
    >>> len(plot_attractors({"truth": ring, "model": 0.9 * ring}).axes)
    2
    """
    trajs = _named_arrays(attractors, "attractors", (2,))
    i, k = (int(p) for p in projection)
    for key, a in trajs.items():
        if max(i, k) >= a.shape[1]:
            raise ValueError(
                f"projection {projection} needs {max(i, k) + 1} features; "
                f"attractors[{key!r}] has {a.shape[1]}."
            )
    n = len(trajs)
    fig, axes = new_figure(ncols=n, figsize=(3.3 * n, 3.4), squeeze=False)
    lims = np.array([[a[:, [i, k]].min(0), a[:, [i, k]].max(0)] for a in trajs.values()])
    lo, hi = lims[:, 0].min(0), lims[:, 1].max(0)
    names = list(axis_names)
    for j, (ax, (key, a)) in enumerate(zip(axes[0], trajs.items())):
        color = "black" if j == 0 else PALETTE[(j - 1) % len(PALETTE)]
        ax.plot(a[:, i], a[:, k], color=color, lw=0.4, alpha=0.8)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_title(key)
        ax.set_xlabel(names[i] if i < len(names) else f"x{i}")
        if j == 0:
            ax.set_ylabel(names[k] if k < len(names) else f"x{k}")
    if title:
        fig.suptitle(title)
    return fig
