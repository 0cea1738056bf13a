"""Figures for clustering with a Gaussian-mixture VAE: latent space, samples, scores."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from scidl.plot._style import PALETTE, check_ax, class_colors, figure_of, new_figure, styled
from scidl.utils import check_array

__all__ = [
    "plot_accuracy_vs_size",
    "plot_clustering_scores",
    "plot_component_samples",
    "plot_latent_clusters",
]


def _labels(values, n, name):
    values = np.asarray(values).reshape(-1)
    if len(values) != n:
        raise ValueError(f"{name} must have one entry per point ({n}); got {len(values)}.")
    return values


def _scatter(ax, Z, values, title, legend_title):
    names = np.unique(values)
    # tab10 keeps ten digits apart; beyond ten, the palette then tab20
    colors = mpl.colormaps["tab10"].colors if len(names) <= 10 else class_colors(len(names))
    for color, v in zip(colors, names):
        mask = values == v
        ax.scatter(Z[mask, 0], Z[mask, 1], s=4, alpha=0.7, color=color, label=str(v))
    ax.set_title(title)
    ax.set_xlabel("latent 1")
    ax.set_ylabel("latent 2")
    ax.legend(title=legend_title, markerscale=3, fontsize=7, loc="best", ncols=2)


@styled
def plot_latent_clusters(Z, clusters, labels=None, *, means=None):
    """The codes in two dimensions, coloured by cluster (and by known class, side by side).

    Parameters
    ----------
    Z : array-like of shape (n_samples, 2)
        Two-dimensional codes, e.g. ``GMVAE.transform`` with ``n_components=2`` or
        a PCA projection of longer codes.
    clusters : array-like of shape (n_samples,)
        The cluster of each point (e.g. ``GMVAE.predict``).
    labels : array-like of shape (n_samples,), default None
        Known classes; when given, a second panel is coloured by them.
    means : array-like of shape (n_clusters, 2), default None
        Component means in the same coordinates, marked with crosses.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, or two with ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_latent_clusters
    >>> Z = np.random.default_rng(0).normal(size=(40, 2))
    >>> fig = plot_latent_clusters(Z, Z[:, 0] > 0, labels=Z[:, 1] > 0)
    >>> [ax.get_title() for ax in fig.axes]
    ['coloured by cluster', 'coloured by class']
    """
    Z = check_array(Z, name="Z")
    if Z.shape[1] != 2:
        raise ValueError(f"Z must have 2 columns (2D codes); got {Z.shape[1]}.")
    clusters = _labels(clusters, len(Z), "clusters")
    panels = [("coloured by cluster", clusters, "cluster")]
    if labels is not None:
        panels.append(("coloured by class", _labels(labels, len(Z), "labels"), "class"))
    fig, axes = new_figure(ncols=len(panels), figsize=(5.2 * len(panels), 4.4), squeeze=False)
    for ax, (title, values, legend_title) in zip(axes[0], panels):
        _scatter(ax, Z, values, title, legend_title)
        if means is not None:
            m = check_array(means, name="means")
            if m.shape[1] != 2:
                raise ValueError(f"means must have 2 columns; got {m.shape[1]}.")
            ax.scatter(m[:, 0], m[:, 1], marker="x", s=60, color="black", label=None)
    return fig


@styled
def plot_component_samples(X, components=None, *, shape=None, max_per_component=10, title=None):
    """Samples of each mixture component as images, one row per component.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Flattened images, e.g. from ``GMVAE.sample(n, component=k)`` for every ``k``.
    components : array-like of shape (n_samples,), default None
        The component of each image (rows are ordered by component); None puts
        every image in one row labelled 0.
    shape : tuple of int, default None
        ``(height, width)`` of one image; None takes the square root of ``n_features``
        (rows of a non-square length are drawn as ``1 x n_features`` strips).
    max_per_component : int, default 10
        Images shown per row.
    title : str, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_component_samples
    >>> fig = plot_component_samples(np.random.default_rng(0).random((6, 16)), [0, 0, 0, 1, 1, 1])
    >>> fig.axes[0].get_ylabel()
    'comp. 0'
    """
    X = check_array(X, name="X")
    if components is None:
        components = np.zeros(len(X), dtype=np.int64)
    components = _labels(components, len(X), "components")
    if shape is None:  # square images, or else strips of 1 x n_features
        side = math.isqrt(X.shape[1])
        shape = (side, side) if side * side == X.shape[1] else (1, X.shape[1])
    shape = tuple(int(s) for s in shape)
    if math.prod(shape) != X.shape[1]:
        raise ValueError(f"shape {shape} does not hold {X.shape[1]} features.")
    if int(max_per_component) < 1:
        raise ValueError(f"max_per_component must be >= 1; got {max_per_component}.")
    names = np.unique(components)
    ncols = int(min(max_per_component, max(np.sum(components == c) for c in names)))
    fig = Figure(figsize=(0.8 * ncols + 0.8, 0.8 * len(names) + (0.5 if title else 0.1)))
    axes = fig.subplots(len(names), ncols, squeeze=False, gridspec_kw={"wspace": 0.05})
    vmin, vmax = float(X.min()), float(X.max())
    for r, c in enumerate(names):
        rows = X[components == c][:ncols]
        for j, ax in enumerate(axes[r]):
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
            if j < len(rows):
                ax.imshow(rows[j].reshape(shape), cmap="gray_r", vmin=vmin, vmax=vmax)
        axes[r, 0].set_ylabel(f"comp. {c}", rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


@styled
def plot_clustering_scores(scores, *, references=None, ax=None):
    """Clustering accuracy and NMI per method as bars with error bars (mean ± sd over seeds).

    Parameters
    ----------
    scores : dict
        ``{method: {"accuracy": (mean, sd), "nmi": (mean, sd)}}``; a plain number
        stands for a mean without error bar.
    references : dict, default None
        ``{label: accuracy}`` drawn as dashed horizontal lines (published figures).
    ax : matplotlib Axes, default None
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_clustering_scores
    >>> fig = plot_clustering_scores(
    ...     {"k-means": {"accuracy": (0.5, 0.02), "nmi": (0.45, 0.01)}},
    ...     references={"VaDE (full MNIST)": 0.945},
    ... )
    >>> fig.axes[0].get_ylabel()
    'score on held-out digits'
    """
    check_ax(ax)
    if not isinstance(scores, dict) or not scores:
        raise TypeError("scores must be a non-empty dict {method: {'accuracy': ..., 'nmi': ...}}.")
    if ax is None:
        fig, ax = new_figure(figsize=(1.6 * len(scores) + 3, 4))
    else:
        fig = figure_of(ax)
    x = np.arange(len(scores))
    for i, (metric, name) in enumerate((("accuracy", "accuracy (Hungarian)"), ("nmi", "NMI"))):
        mean, sd = [], []
        for method, row in scores.items():
            if metric not in row:
                raise ValueError(f"scores[{method!r}] has no {metric!r} entry.")
            m, s = (row[metric], 0.0) if np.isscalar(row[metric]) else row[metric]
            mean.append(m)
            sd.append(s)
        yerr = sd if any(sd) else None  # no error bars for a single seed
        ax.bar(x + (i - 0.5) * 0.38, mean, 0.38, yerr=yerr, capsize=3, label=name, color=PALETTE[i])
    for j, (label, value) in enumerate((references or {}).items()):
        ax.axhline(value, ls="--", lw=1, color=PALETTE[3 + j % 4], label=label)
    ax.set_xticks(x, list(scores), fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score on held-out digits")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


@styled
def plot_accuracy_vs_size(
    sizes, accuracies, *, errors=None, target=None, label="GMVAE, held-out digits", ax=None
):
    """Clustering accuracy against the number of training samples.

    Parameters
    ----------
    sizes : array-like of shape (n,)
        Training-set sizes.
    accuracies : array-like of shape (n,)
        Held-out clustering accuracy at each size (the mean over seeds).
    errors : array-like of shape (n,), default None
        Standard deviations over seeds, drawn as error bars.
    target : float, default None
        A goal drawn as a dashed line.
    label : str, default "GMVAE, held-out digits"
        Legend entry of the curve (name the model that made it).
    ax : matplotlib Axes, default None
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_accuracy_vs_size
    >>> fig = plot_accuracy_vs_size([500, 1000, 2000], [0.4, 0.5, 0.55], target=0.85)
    >>> fig.axes[0].get_xscale()
    'log'
    """
    check_ax(ax)
    sizes = check_array(sizes, name="sizes", ndim=1)
    accuracies = check_array(accuracies, name="accuracies", ndim=1)
    if len(sizes) != len(accuracies):
        raise ValueError(
            f"sizes and accuracies must have the same length; got {len(sizes)} and "
            f"{len(accuracies)}."
        )
    if ax is None:
        fig, ax = new_figure(figsize=(5, 3.6))
    else:
        fig = figure_of(ax)
    if errors is not None:
        errors = check_array(errors, name="errors", ndim=1)
        if len(errors) != len(sizes):
            raise ValueError(
                f"errors must have one value per size ({len(sizes)}); got {len(errors)}."
            )
    order = np.argsort(sizes)
    ax.errorbar(
        sizes[order],
        accuracies[order],
        yerr=None if errors is None else errors[order],
        fmt="o-",
        capsize=3,
        label=str(label),
    )
    if target is not None:
        ax.axhline(float(target), ls="--", lw=1, color=PALETTE[3], label=f"target {target:.0%}")
    ax.set_xscale("log")
    ax.set_xlabel("training digits")
    ax.set_ylabel("clustering accuracy")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    return fig
