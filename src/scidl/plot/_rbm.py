"""Figures of restricted Boltzmann machines: filters and log-likelihoods."""

from __future__ import annotations

import numpy as np

from scidl.plot._images import plot_image_grid
from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["plot_log_likelihoods", "plot_rbm_filters"]


@styled
def plot_rbm_filters(rbm, *, n_filters=64, shape=None, ncols=8, title=None, ax=None):
    """An RBM's filters: the couplings of each hidden unit to the visible units, as images.

    Parameters
    ----------
    rbm : fitted RBM or array-like of shape (n_components, n_features)
        Anything with ``components_`` (scidl's :class:`~scidl.generative.RBM`,
        scikit-learn's ``BernoulliRBM``) or the weight matrix itself.
    n_filters : int, default 64
        How many hidden units to show (the first ones).
    shape : tuple of int, default None
        Shape of one image; None for square images (e.g. 28 x 28 for 784 features).
    ncols : int, default 8
        Filters per row.
    title : str, default None
        Figure title (by default it says how many units are shown).
    ax : matplotlib Axes, default None
        Draw the grid as one mosaic on this Axes.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each filter is scaled by its largest absolute weight, so that every unit's pattern is
    visible: dark pixels excite the unit, light ones inhibit it.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_rbm_filters
    >>> W = np.random.default_rng(0).normal(size=(10, 64))
    >>> fig = plot_rbm_filters(W, n_filters=6, ncols=3)
    >>> len(fig.axes)
    6
    """
    check_ax(ax)
    weights = getattr(rbm, "components_", rbm)
    weights = np.asarray(weights)
    if weights.dtype == object or not np.issubdtype(weights.dtype, np.number):
        raise TypeError(f"rbm must be a fitted RBM or a numeric weight matrix; got {rbm!r}.")
    if weights.ndim != 2 or weights.size == 0:
        raise ValueError(
            f"rbm's weights must be a non-empty 2-D array (n_components, n_features); got shape "
            f"{weights.shape}."
        )
    if isinstance(n_filters, bool) or not isinstance(n_filters, int | np.integer) or n_filters < 1:
        raise ValueError(f"n_filters must be an int >= 1; got {n_filters!r}.")
    shown = weights[: int(n_filters)].astype(np.float64)
    scale = np.abs(shown).max(axis=1, keepdims=True)
    shown = shown / np.where(scale > 0, scale, 1.0)
    if title is None:
        title = f"Filters of {len(shown)} of {len(weights)} hidden units"
    return plot_image_grid(shown, ncols=ncols, shape=shape, cmap="gray_r", title=title, ax=ax)


@styled
def plot_log_likelihoods(scores, errors=None, *, anchors=None, title=None, ax=None):
    """Test log-likelihoods of several models as bars, with error bars and published anchors.

    Parameters
    ----------
    scores : dict
        ``{model name: mean log-likelihood in nats}``.
    errors : dict, default None
        ``{model name: standard error}`` (e.g. of the AIS estimate of ``log Z``).
    anchors : dict, default None
        ``{label: value}`` drawn as dashed vertical lines (e.g. published numbers).
    title : str, default None
        Axes title.
    ax : matplotlib Axes, default None
        Draw on this Axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_log_likelihoods
    >>> fig = plot_log_likelihoods(
    ...     {"CD-1": -120.0, "PCD": -100.0}, {"CD-1": 0.5, "PCD": 0.8},
    ...     anchors={"published CD-25": -86.3},
    ... )
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['CD-1', 'PCD']
    """
    check_ax(ax)
    if not isinstance(scores, dict) or not scores:
        raise TypeError(f"scores must be a non-empty dict {{name: value}}; got {scores!r}.")
    errors = {} if errors is None else errors
    anchors = {} if anchors is None else anchors
    for name, mapping in (("errors", errors), ("anchors", anchors)):
        if not isinstance(mapping, dict):
            raise TypeError(f"{name} must be a dict or None; got {type(mapping).__name__}.")
    names = list(scores)
    values = np.array([float(scores[n]) for n in names])
    if not np.all(np.isfinite(values)):
        raise ValueError(f"scores must be finite numbers; got {scores!r}.")
    err = np.array([float(errors.get(n, 0.0)) for n in names])
    if ax is None:
        fig, ax = new_figure(figsize=(6.4, 0.6 * len(names) + 1.8))
    else:
        fig = figure_of(ax)
    y = np.arange(len(names))
    ax.barh(y, values, xerr=err, color=PALETTE[0], alpha=0.85, capsize=4)
    for yi, v in zip(y, values):
        ax.text(v, yi, f" {v:.1f} ", va="center", ha="left", color="white", fontsize=9)
    for i, (label, value) in enumerate(anchors.items()):
        color = PALETTE[(i + 1) % len(PALETTE)]
        ax.axvline(float(value), ls="--", color=color, label=f"{label}: {float(value):.1f}")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("test log-likelihood (nats per image)")
    if anchors:
        ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title or "Test log-likelihood (log Z by AIS; higher is better)")
    return fig
