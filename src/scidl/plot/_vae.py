"""Figures of a variational autoencoder: latent space, decoded manifold, interpolations,
reconstructions and the two terms of the ELBO over training."""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.stats import norm

from scidl.plot._history import _as_history, _column
from scidl.plot._images import _as_images
from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = [
    "plot_elbo_terms",
    "plot_vae_interpolations",
    "plot_vae_latent",
    "plot_vae_manifold",
    "plot_vae_reconstructions",
]


def _check_fitted_vae(vae, name="vae"):
    for attr in ("transform", "inverse_transform", "n_components"):
        if not hasattr(vae, attr):
            raise TypeError(f"{name} must be a fitted VAE; {type(vae).__name__} has no {attr}.")
    if not hasattr(vae, "module_"):
        raise ValueError(f"{name} is not fitted: call fit first.")


def _tile(images, nrows, ncols):
    """One mosaic array from images (nrows * ncols, h, w), with a one-pixel white gap."""
    h, w = images.shape[1:3]
    out = np.zeros((nrows * (h + 1) - 1, ncols * (w + 1) - 1))
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        out[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = img
    return out


def _show(ax, mosaic, cmap):
    ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=max(1.0, float(np.max(mosaic))))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


@styled
def plot_vae_latent(codes, labels=None, *, ax=None, title="Latent codes (posterior means)"):
    """Scatter two-dimensional latent codes, coloured by class.

    Parameters
    ----------
    codes : array-like of shape (n, 2)
        Codes, e.g. ``vae.transform(X)`` of a VAE with ``n_components=2``
        (with more components the first two are shown).
    labels : array-like of shape (n,), default None
        Integer classes (e.g. digits) for the colours and the colour bar.
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
    >>> from scidl.plot import plot_vae_latent
    >>> fig = plot_vae_latent(np.random.default_rng(0).normal(size=(50, 2)), np.arange(50) % 10)
    >>> fig.axes[0].get_xlabel()
    'z1'
    """
    check_ax(ax)
    Z = np.asarray(codes, dtype=float)
    if Z.ndim != 2 or Z.shape[1] < 2:
        raise ValueError(f"codes must have shape (n, 2) or more columns; got {Z.shape}.")
    if ax is None:
        fig, ax = new_figure(figsize=(5.6, 4.6))
    else:
        fig = figure_of(ax)
    if labels is None:
        ax.scatter(Z[:, 0], Z[:, 1], s=4, alpha=0.6, color=PALETTE[0])
    else:
        y = np.asarray(labels).reshape(-1)
        if len(y) != len(Z):
            raise ValueError(f"labels must have one entry per code ({len(Z)}); got {len(y)}.")
        n_classes = int(y.max()) + 1 if len(y) else 1
        sc = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", vmin=-0.5, vmax=9.5, s=4, alpha=0.7)
        fig.colorbar(sc, ax=ax, ticks=range(min(n_classes, 10)), label="class")
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax.set_title(title)
    return fig


@styled
def plot_vae_manifold(vae, *, n=15, quantile=0.05, shape=None, ax=None, cmap="gray_r"):
    """The decoded manifold: ``E[x|z]`` on an ``n x n`` grid of a two-dimensional latent space.

    The grid is equally spaced in probability: the prior's quantiles from
    ``quantile`` to ``1 - quantile`` along each axis (as in Kingma & Welling's
    figure), so every tile stands for the same prior mass.

    Parameters
    ----------
    vae : fitted VAE with ``n_components=2``
        The model (its ``inverse_transform`` decodes codes).
    n : int, default 15
        Tiles per axis.
    quantile : float in (0, 0.5), default 0.05
        The grid spans the prior's quantiles ``[quantile, 1 - quantile]``.
    shape : tuple of int, default None
        Image shape; None reads square images.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    cmap : str, default "gray_r"
        Colormap.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import VAE
    >>> from scidl.plot import plot_vae_manifold
    >>> X = (np.random.default_rng(0).random((64, 16)) < 0.3).astype(float)
    >>> vae = VAE(2, hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X)
    >>> fig = plot_vae_manifold(vae, n=5)
    >>> fig.axes[0].images[0].get_array().shape  # 5 tiles of 4 pixels, 1-pixel gaps
    (24, 24)
    """
    check_ax(ax)
    _check_fitted_vae(vae)
    if vae.n_components != 2:
        raise ValueError(
            f"vae must have a two-dimensional latent space; got n_components={vae.n_components}."
        )
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an int >= 2; got {n!r}.")
    if not (isinstance(quantile, numbers.Real) and 0 < quantile < 0.5):
        raise ValueError(f"quantile must be in (0, 0.5); got {quantile!r}.")
    z = norm.ppf(np.linspace(quantile, 1 - quantile, n))
    # rows from top (large z2) to bottom, columns left (small z1) to right
    grid = np.array([[z1, z2] for z2 in z[::-1] for z1 in z])
    imgs = _as_images(vae.inverse_transform(grid), shape)
    if ax is None:
        fig, ax = new_figure(figsize=(6, 6))
    else:
        fig = figure_of(ax)
    _show(ax, _tile(imgs, n, n), cmap)
    ax.set_xlabel(f"z1 (prior quantiles {quantile:g} to {1 - quantile:g})")
    ax.set_ylabel("z2")
    ax.set_title("Decoded latent grid E[x | z]")
    return fig


@styled
def plot_vae_interpolations(vae, start, end, *, n_steps=8, shape=None, cmap="gray_r"):
    """Decode straight lines between the codes of pairs of inputs.

    Row ``i`` shows ``start[i]``, the decoded points ``E[x | z]`` at
    ``z = (1 - t) z_start + t z_end`` for ``n_steps`` values of ``t`` from 0 to 1
    (posterior means of the two ends), and ``end[i]``.

    Parameters
    ----------
    vae : fitted VAE
        The model.
    start, end : array-like of shape (n_pairs, n_features)
        The two ends of each interpolation.
    n_steps : int, default 8
        Decoded points per row (both ends included).
    shape : tuple of int, default None
        Image shape; None reads square images.
    cmap : str, default "gray_r"
        Colormap.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import VAE
    >>> from scidl.plot import plot_vae_interpolations
    >>> X = (np.random.default_rng(0).random((64, 16)) < 0.3).astype(float)
    >>> vae = VAE(2, hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X)
    >>> fig = plot_vae_interpolations(vae, X[:2], X[2:4], n_steps=5)
    >>> fig.axes[0].images[0].get_array().shape  # 2 rows, 5 steps + the two ends
    (9, 34)
    """
    _check_fitted_vae(vae)
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    if start.ndim != 2 or start.shape != end.shape:
        raise ValueError(
            f"start and end must be 2-D arrays of equal shape; got {start.shape} and {end.shape}."
        )
    if not isinstance(n_steps, numbers.Integral) or isinstance(n_steps, bool) or n_steps < 2:
        raise ValueError(f"n_steps must be an int >= 2; got {n_steps!r}.")
    z0, z1 = vae.transform(start), vae.transform(end)
    t = np.linspace(0, 1, n_steps)[None, :, None]
    path = ((1 - t) * z0[:, None] + t * z1[:, None]).reshape(-1, z0.shape[1])
    decoded = vae.inverse_transform(path).reshape(len(start), n_steps, -1)
    rows = np.concatenate([start[:, None], decoded, end[:, None]], axis=1)
    imgs = _as_images(rows.reshape(-1, rows.shape[-1]), shape)
    fig, ax = new_figure(figsize=(0.75 * (n_steps + 2), 0.8 * len(start) + 0.6))
    _show(ax, _tile(imgs, len(start), n_steps + 2), cmap)
    ax.set_title("Interpolation in latent space (ends: the inputs)")
    return fig


@styled
def plot_vae_reconstructions(originals, reconstructions, *, shape=None, cmap="gray_r"):
    """Inputs (top row) over their reconstructions (bottom row).

    Parameters
    ----------
    originals, reconstructions : array-like of shape (n, n_features)
        Inputs and, e.g., ``vae.reconstruct(originals)``.
    shape : tuple of int, default None
        Image shape; None reads square images.
    cmap : str, default "gray_r"
        Colormap.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_vae_reconstructions
    >>> X = np.random.default_rng(0).random((4, 9))
    >>> fig = plot_vae_reconstructions(X, X)
    >>> fig.axes[0].images[0].get_array().shape
    (7, 15)
    """
    a = np.asarray(originals, dtype=float)
    b = np.asarray(reconstructions, dtype=float)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(
            "originals and reconstructions must be 2-D arrays of equal shape; "
            f"got {a.shape} and {b.shape}."
        )
    imgs = _as_images(np.concatenate([a, b]), shape)
    fig, ax = new_figure(figsize=(0.8 * len(a) + 0.8, 2.2))
    _show(ax, _tile(imgs, 2, len(a)), cmap)
    ax.set_yticks([imgs.shape[1] / 2, imgs.shape[1] * 1.5], ["input", "reconstruction"])
    ax.set_title("Inputs and reconstructions E[x | z = mean of q(z | x)]")
    return fig


@styled
def plot_elbo_terms(history_or_estimator):
    """The ELBO and its two terms per epoch: reconstruction, KL, and minus the ELBO.

    Parameters
    ----------
    history_or_estimator : History, list of dict or fitted VAE
        Per-epoch records with ``train_recon`` and ``train_kl`` (and, if a
        validation split was used, ``valid_recon``, ``valid_kl``).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: ``-ELBO = recon + KL``, ``-E_q log p(x|z)`` and ``KL(q || p)``,
        in nats per sample; training solid, validation dashed.

    Examples
    --------
    >>> from scidl.plot import plot_elbo_terms
    >>> rows = [{"epoch": e, "train_recon": 100 / e, "train_kl": 5.0 + e} for e in (1, 2, 3)]
    >>> fig = plot_elbo_terms(rows)
    >>> [ax.get_title() for ax in fig.axes]
    ['-ELBO (nats)', 'reconstruction -E log p(x|z)', 'KL(q(z|x) || p(z))']
    """
    rows = _as_history(history_or_estimator)
    if not rows or "train_recon" not in rows[0] or "train_kl" not in rows[0]:
        raise ValueError(
            "history_or_estimator must hold the per-epoch columns train_recon and train_kl "
            "(the history of a fitted scidl.generative.VAE)."
        )
    epochs = _column(rows, "epoch")
    fig, axes = new_figure(ncols=3, figsize=(12, 3.6))
    for prefix, color, style in (("train", PALETTE[0], "-"), ("valid", PALETTE[1], "--")):
        if f"{prefix}_recon" not in rows[0]:
            continue
        recon, kl = _column(rows, f"{prefix}_recon"), _column(rows, f"{prefix}_kl")
        for ax, values in zip(axes, (recon + kl, recon, kl)):
            ax.plot(epochs, values, style, color=color, label=prefix)
    titles = ("-ELBO (nats)", "reconstruction -E log p(x|z)", "KL(q(z|x) || p(z))")
    for ax, title in zip(axes, titles):
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.legend()
    if math.isfinite(float(np.nanmax(epochs))) and len(epochs) > 1:
        axes[0].set_xlim(epochs[0], epochs[-1])
    return fig
