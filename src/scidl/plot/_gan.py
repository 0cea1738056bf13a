"""Figures of a GAN: samples over training on top of the modes, the losses, class shares."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

from scidl.plot._history import _as_history, _column
from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["plot_class_shares", "plot_gan_losses", "plot_mode_coverage"]


def _points(value, name):
    a = np.asarray(value, dtype=float)
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2); got {a.shape}.")
    return a


@styled
def plot_mode_coverage(snapshots, modes, sigma, *, titles=None, n_sigma=3.0, ncols=None):
    """Generated samples over training, drawn on top of the modes of the mixture.

    One panel per snapshot: the samples (dots), the modes (crosses) and the
    high-quality radius ``n_sigma * sigma`` around each mode (circles), as in
    the mode-coverage protocol of Lin et al. (2018).

    Parameters
    ----------
    snapshots : sequence of array-like of shape (n, 2)
        Samples, e.g. ``gan.sample(2500)`` at several epochs.
    modes : array-like of shape (n_modes, 2)
        The means of the mixture (:func:`scidl.data.ring_modes`, :func:`scidl.data.grid_modes`).
    sigma : float
        The standard deviation of each mixture component.
    titles : sequence of str, default None
        One title per panel (e.g. ``"epoch 10: 8/8 modes"``).
    n_sigma : float, default 3.0
        The high-quality radius in units of ``sigma``.
    ncols : int, default None
        Panels per row (all in one row by default, at most 5).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_ring_mixture, ring_modes
    >>> from scidl.plot import plot_mode_coverage
    >>> X, _ = make_ring_mixture(200, random_state=0)
    >>> fig = plot_mode_coverage([X * 0.5, X], ring_modes(), 0.01, titles=["early", "late"])
    >>> len(fig.axes), fig.axes[1].get_title()
    (2, 'late')
    """
    snaps = [_points(s, f"snapshots[{i}]") for i, s in enumerate(snapshots)]
    if not snaps:
        raise ValueError("snapshots must hold at least one array of samples.")
    centres = _points(modes, "modes")
    if titles is not None and len(titles) != len(snaps):
        raise ValueError(
            f"titles must have one entry per snapshot ({len(snaps)}); got {len(titles)}."
        )
    ncols = min(len(snaps), 5) if ncols is None else int(ncols)
    nrows = -(-len(snaps) // ncols)
    fig, axes = new_figure(
        nrows=nrows, ncols=ncols, figsize=(2.9 * ncols, 2.9 * nrows), squeeze=False
    )
    span = np.ptp(centres, axis=0).max() if len(centres) > 1 else 1.0
    pad = 0.25 * span + 5 * sigma
    lo, hi = centres.min(0) - pad, centres.max(0) + pad
    radius = n_sigma * sigma
    for i, ax in enumerate(axes.ravel()):
        if i >= len(snaps):
            ax.set_visible(False)
            continue
        s = snaps[i]
        ax.scatter(centres[:, 0], centres[:, 1], marker="x", s=18, color=PALETTE[3], zorder=1)
        ax.scatter(s[:, 0], s[:, 1], s=2, alpha=0.35, color=PALETTE[0], rasterized=True, zorder=2)
        for c in centres:
            ax.add_patch(Circle(c, radius, fill=False, lw=0.6, color=PALETTE[3]))
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    return fig


@styled
def plot_gan_losses(history, *, ax=None, title="GAN losses per epoch"):
    """The discriminator's and the generator's losses per epoch.

    For the cross-entropy GANs a dashed line marks ``log 4``, the
    discriminator's loss at the equilibrium ``p_g = p_data`` (and ``log 2`` for
    the non-saturating generator there).

    Parameters
    ----------
    history : History or fitted GAN
        With ``train_loss`` (discriminator) and ``train_g_loss`` columns.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import GAN
    >>> from scidl.plot import plot_gan_losses
    >>> X = np.random.default_rng(0).normal(size=(256, 2))
    >>> gan = GAN(2, hidden_sizes=(8,), max_epochs=3, random_state=0).fit(X)
    >>> fig = plot_gan_losses(gan)
    >>> [line.get_label() for line in fig.axes[0].lines][:2]
    ['discriminator', 'generator']
    """
    check_ax(ax)
    hist = _as_history(history)
    epochs = _column(hist, "epoch")
    if ax is None:
        fig, ax = new_figure(figsize=(5.6, 3.6))
    else:
        fig = figure_of(ax)
    ax.plot(epochs, _column(hist, "train_loss"), color=PALETTE[0], label="discriminator")
    ax.plot(epochs, _column(hist, "train_g_loss"), color=PALETTE[1], label="generator")
    if np.all(_column(hist, "train_d_real") <= 1.0):
        ax.axhline(np.log(4), color="0.4", ls="--", lw=0.8, label="log 4 (equilibrium)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return fig


@styled
def plot_class_shares(shares, *, labels=None, ax=None, title="Share of generated digits per class"):
    """Bars of the share of generated samples per class, one group per model.

    Parameters
    ----------
    shares : dict of str to array-like of shape (n_classes,)
        Per model, the fraction of its samples a classifier assigns to each class
        (mode collapse shows as missing or over-represented classes).
    labels : sequence of str, default None
        Class names (``0 .. n_classes - 1`` by default).
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_class_shares
    >>> fig = plot_class_shares({"a": [0.5, 0.5], "b": [0.9, 0.1]})
    >>> len(fig.axes[0].patches)
    4
    """
    check_ax(ax)
    if not isinstance(shares, dict) or not shares:
        raise TypeError("shares must be a non-empty dict {model name: shares per class}.")
    rows = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in shares.items()}
    n = len(next(iter(rows.values())))
    if any(len(v) != n for v in rows.values()):
        raise ValueError("every entry of shares must have the same number of classes.")
    if ax is None:
        fig, ax = new_figure(figsize=(6.4, 3.6))
    else:
        fig = figure_of(ax)
    width = 0.8 / len(rows)
    x = np.arange(n)
    for i, (name, v) in enumerate(rows.items()):
        ax.bar(
            x + (i - (len(rows) - 1) / 2) * width,
            v,
            width,
            label=name,
            color=PALETTE[i % len(PALETTE)],
        )
    ax.axhline(1.0 / n, color="0.4", ls="--", lw=0.8, label="uniform")
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in (labels if labels is not None else range(n))])
    ax.set_xlabel("class")
    ax.set_ylabel("share of samples")
    ax.set_title(title)
    ax.legend()
    return fig
