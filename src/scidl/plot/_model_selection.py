"""Figures for model selection: training and test error against complexity and data size.

The curves themselves are computed by :func:`scidl.model_selection.complexity_curve`
and :func:`scidl.model_selection.learning_curve_errors`; these functions only
draw them (moved here from scidl.model_selection).
"""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, figure_of, new_figure, styled

__all__ = ["plot_complexity_curve", "plot_learning_curve"]


@styled
def _errors_plot(x, curve, xlabel, title, ax, log_x, mark=None):
    fig, ax = new_figure(figsize=(5.2, 3.8)) if ax is None else (figure_of(ax), ax)
    for key, color, label in (
        ("train_error", PALETTE[0], "training error"),
        ("test_error", PALETTE[1], "test error (CV)"),
    ):
        mean, std = np.asarray(curve[key]), np.asarray(curve[key + "_std"])
        ax.plot(x, mean, "o-", color=color, label=label)
        ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2)
    if mark is not None:
        ax.axvline(mark, color="black", ls=":", label=f"best = {mark:g}")
    if log_x:
        ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("mean squared error")
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def _as_number(value):
    """A hyperparameter value as a plot coordinate; sequences (hidden_sizes) by their sum."""
    if isinstance(value, tuple | list):
        return float(sum(value))
    return float(value)


def plot_complexity_curve(curve, *, log_x=False, title=None, ax=None):
    """Plot a :func:`scidl.model_selection.complexity_curve` result (the U-shaped test error).

    Sequence-valued hyperparameters such as ``hidden_sizes`` are placed at
    their total number of units.

    Parameters
    ----------
    curve : result of :func:`scidl.model_selection.complexity_curve`
        The hyperparameter values with the mean and spread of training and CV
        test errors, and the best value (marked by a dotted line).
    log_x : bool, default False
        A logarithmic hyperparameter axis (ridge strengths, widths).
    title : str, optional
        The axes title.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import PolynomialFeatures, make_feature_regression
    >>> from scidl.model_selection import complexity_curve
    >>> from scidl.plot import plot_complexity_curve
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, (60, 1)); y = x[:, 0] ** 3 - x[:, 0] + 0.1 * rng.normal(size=60)
    >>> c = complexity_curve(make_feature_regression(PolynomialFeatures()), x, y,
    ...                      "features__degree", [1, 3, 15])
    >>> fig = plot_complexity_curve(c)
    >>> fig.axes[0].get_xlabel()
    'features__degree'
    """
    x = np.array([_as_number(v) for v in curve.param_range])
    label = curve.param_name + (
        " (total units)" if isinstance(curve.param_range[0], tuple | list) else ""
    )
    return _errors_plot(x, curve, label, title, ax, log_x, mark=_as_number(curve.best))


def plot_learning_curve(curve, *, title=None, ax=None):
    """Plot a :func:`scidl.model_selection.learning_curve_errors` result.

    Parameters
    ----------
    curve : result of :func:`scidl.model_selection.learning_curve_errors`
        Training sizes with the mean and spread of training and CV test errors.
    title : str, optional
        The axes title.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import PolynomialFeatures, make_feature_regression
    >>> from scidl.model_selection import learning_curve_errors
    >>> from scidl.plot import plot_learning_curve
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, (60, 1)); y = x[:, 0] ** 3 - x[:, 0] + 0.1 * rng.normal(size=60)
    >>> model = make_feature_regression(PolynomialFeatures(3))
    >>> lc = learning_curve_errors(model, x, y, random_state=0)
    >>> fig = plot_learning_curve(lc)
    >>> fig.axes[0].get_xlabel()
    'training samples'
    """
    return _errors_plot(
        np.asarray(curve.train_sizes, dtype=float), curve, "training samples", title, ax, False
    )
