"""Figures for clustering: the k-distance graph behind DBSCAN's ``eps``."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, figure_of, new_figure, styled

__all__ = ["plot_k_distance"]


@styled
def plot_k_distance(X, min_samples=5, *, ax=None):
    """Figure of the sorted k-distance graph with the suggested ``eps`` marked.

    The distances are :func:`scidl.unsupervised.k_distances`; the marked knee
    is :func:`scidl.unsupervised.suggest_eps`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data to be clustered.
    min_samples : int, default 5
        DBSCAN's ``min_samples``: the distance to this neighbour is drawn.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_k_distance
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> fig = plot_k_distance(X, min_samples=4)
    >>> fig.axes[0].get_title()
    'k-distance graph'
    """
    from scidl.unsupervised import k_distance_knee, k_distances

    d = k_distances(X, min_samples)
    knee = k_distance_knee(d)
    if ax is None:
        fig, ax = new_figure(figsize=(5, 3.5))
    else:
        fig = figure_of(ax)
    ax.plot(np.arange(len(d)), d, lw=1.5, color=PALETTE[0])
    ax.axhline(d[knee], color=PALETTE[3], ls="--", lw=1, label=f"suggested eps = {d[knee]:.3g}")
    ax.plot([knee], [d[knee]], "o", color=PALETTE[3])
    ax.set_xlabel("samples, sorted")
    ax.set_ylabel(f"distance to neighbour {min_samples}")
    ax.set_title("k-distance graph")
    ax.legend(loc="upper left")
    return fig
