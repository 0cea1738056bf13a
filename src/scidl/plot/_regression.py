"""One-dimensional regression: data, the fitted curve and the true function."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled
from scidl.utils import check_array

__all__ = ["plot_regression_1d"]


def _as_x(X, name):
    """A 1D float array from ``X`` of shape (n,) or (n, 1)."""
    arr = check_array(X, name=name, ndim=(1, 2)).astype(float, copy=False)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, 1); got shape {arr.shape}."
        )
    return arr


def _as_y(y, n, name):
    arr = np.asarray(y, dtype=float).reshape(-1) if y is not None else None
    if arr is None or arr.shape != (n,):
        got = None if arr is None else arr.shape
        raise ValueError(f"{name} must have shape ({n},) to match its inputs; got {got}.")
    return arr


def _predictor(estimator_or_predict):
    if estimator_or_predict is None:
        return None
    predict = getattr(estimator_or_predict, "predict", estimator_or_predict)
    if not callable(predict):
        raise TypeError(
            "estimator_or_predict must be a fitted estimator with predict, a callable "
            f"X -> y or None; got {type(estimator_or_predict).__name__}."
        )
    return predict


def _keep_data_in_view(ax, data, fitted):
    """Clip the y axis when a wild fit (e.g. an overfitted polynomial) would squash the data."""
    values = np.concatenate([np.ravel(d) for d in data if d is not None])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else 1.0
    fit = fitted[np.isfinite(fitted)]
    if fit.size and (fit.min() < lo - span or fit.max() > hi + span):
        ax.set_ylim(lo - 0.5 * span, hi + 0.5 * span)


@styled
def plot_regression_1d(
    estimator_or_predict,
    X,
    y,
    *,
    truth=None,
    X_test=None,
    y_test=None,
    n_points=400,
    label="fit",
    title=None,
    ax=None,
):
    """Plot 1D regression data with a fitted curve and, optionally, the truth.

    Parameters
    ----------
    estimator_or_predict : estimator, callable or None
        A fitted estimator (its ``predict`` is used) or a function mapping
        inputs of shape ``(n, 1)`` to predictions ``(n,)``; ``None`` draws the
        data only. It is only evaluated, never trained.
    X, y : array-like of shape (n,) or (n, 1), and (n,)
        Training data, drawn as blue circles.
    truth : callable, default None
        The noiseless function ``f(x)`` for a 1D array ``x``, drawn dashed black.
    X_test, y_test : array-like, default None
        Test data, drawn as orange triangles.
    n_points : int, default 400
        Grid points for the curves, spanning all data with a 5% margin.
    label : str, default "fit"
        Legend label of the fitted curve.
    title : str, default None
        Axes title.
    ax : matplotlib Axes, default None
        Axes to draw on; a new figure is made if None.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_regression_1d
    >>> x = np.linspace(0, 1, 10)
    >>> fig = plot_regression_1d(lambda X: 2 * X[:, 0], x, 2 * x, truth=lambda t: 2 * t)
    >>> len(fig.axes[0].lines)
    2
    """
    check_ax(ax)
    x = _as_x(X, "X")
    y = _as_y(y, len(x), "y")
    x_test = y_test_arr = None
    if X_test is not None or y_test is not None:
        if X_test is None or y_test is None:
            raise ValueError("X_test and y_test must be given together.")
        x_test = _as_x(X_test, "X_test")
        y_test_arr = _as_y(y_test, len(x_test), "y_test")
    predict = _predictor(estimator_or_predict)

    fig, ax = new_figure() if ax is None else (figure_of(ax), ax)
    all_x = x if x_test is None else np.concatenate([x, x_test])
    if all_x.size:
        lo, hi = float(all_x.min()), float(all_x.max())
        pad = 0.05 * (hi - lo) if hi > lo else 0.5
        grid = np.linspace(lo - pad, hi + pad, int(n_points))
    else:
        grid = np.linspace(-1.0, 1.0, int(n_points))

    ax.scatter(
        x, y, s=18, color=PALETTE[0], edgecolor="white", linewidth=0.5, label="train", zorder=3
    )
    if x_test is not None:
        ax.scatter(
            x_test,
            y_test_arr,
            s=22,
            marker="^",
            color=PALETTE[1],
            edgecolor="white",
            linewidth=0.5,
            label="test",
            zorder=3,
        )
    if truth is not None:
        ax.plot(
            grid,
            np.asarray(truth(grid), dtype=float).reshape(-1),
            "--",
            color="black",
            linewidth=1.2,
            label="truth",
            zorder=2,
        )
    if predict is not None:
        fitted = np.asarray(predict(grid[:, None]), dtype=float).reshape(-1)
        if fitted.shape != grid.shape:
            raise ValueError(
                f"the predictor returned shape {fitted.shape} for {len(grid)} inputs; expected "
                f"({len(grid)},)."
            )
        ax.plot(grid, fitted, color=PALETTE[3], label=label, zorder=4)
        _keep_data_in_view(ax, [y, y_test_arr], fitted)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    ax.legend()
    return fig
