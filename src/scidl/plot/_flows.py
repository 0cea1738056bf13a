"""Figures of chapter 9: a flow's density and latent space, free-energy profiles, and the
convergence of divergence estimators with the sample size."""

from __future__ import annotations

import numbers

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled
from scidl.utils import check_array

__all__ = [
    "plot_divergence_convergence",
    "plot_flow_density",
    "plot_flow_latent",
    "plot_free_energy_profile",
]


def _check_flow(flow):
    for attr in ("score_samples", "transform", "sample"):
        if not hasattr(flow, attr):
            raise TypeError(f"flow must be a fitted RealNVP; {type(flow).__name__} has no {attr}.")
    if not hasattr(flow, "module_"):
        raise ValueError("flow is not fitted: call fit first.")
    if getattr(flow, "n_features_in_", 2) != 2:
        raise ValueError(f"flow must model 2-D data; it has {flow.n_features_in_} features.")


def _check_2d_points(X, name="X"):
    X = check_array(X, name=name)
    if X.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2); got {X.shape}.")
    return X


@styled
def plot_flow_density(flow, X=None, *, resolution=120, ax=None, title="Flow density"):
    """A fitted 2-D flow's density ``p(x)`` as a heat map, with the data on top.

    Parameters
    ----------
    flow : fitted RealNVP (or BoltzmannGenerator) on 2-D data
        The model; its ``score_samples`` gives ``log p(x)``.
    X : array-like of shape (n, 2) or None
        Data to scatter (and to set the plotting box); None uses 2,000 model samples
        for the box only.
    resolution : int, default 120
        Grid points per axis.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.generative import RealNVP
    >>> from scidl.plot import plot_flow_density
    >>> X, _ = make_moons(200, noise=0.05, random_state=0)
    >>> flow = RealNVP(n_layers=2, hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X)
    >>> fig = plot_flow_density(flow, X, resolution=20)
    >>> fig.axes[0].get_title()
    'Flow density'
    """
    check_ax(ax)
    _check_flow(flow)
    if not isinstance(resolution, numbers.Integral) or isinstance(resolution, bool):
        raise TypeError(f"resolution must be an int; got {type(resolution).__name__}.")
    if resolution < 2:
        raise ValueError(f"resolution must be >= 2; got {resolution}.")
    pts = flow.sample(2000, random_state=0) if X is None else _check_2d_points(X)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 1e-6)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    XX, YY = np.meshgrid(gx, gy)
    dens = np.exp(flow.score_samples(np.c_[XX.ravel(), YY.ravel()])).reshape(XX.shape)
    if ax is None:
        fig, ax = new_figure(figsize=(5.6, 4.6))
    else:
        fig = figure_of(ax)
    mesh = ax.pcolormesh(gx, gy, dens, shading="auto", cmap="magma")
    fig.colorbar(mesh, ax=ax, label="p(x)")
    if X is not None:
        ax.scatter(pts[:, 0], pts[:, 1], s=2, color="white", alpha=0.35, linewidths=0)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title)
    return fig


@styled
def plot_flow_latent(flow, X, labels=None, *, n_samples=1000, random_state=0):
    """Data and their latent codes ``z = f^-1(x)``, and model samples ``x = f(z)``.

    Three panels: the data (coloured by ``labels``), their codes in the latent space with
    the unit circle of the prior, and samples of the flow.

    Parameters
    ----------
    flow : fitted RealNVP on 2-D data
        The model.
    X : array-like of shape (n, 2)
        Data.
    labels : array-like of shape (n,) or None
        Integer classes for the colours (e.g. the moon of each point).
    n_samples : int, default 1000
        Model samples in the third panel.
    random_state : int, default 0
        Seeds the samples.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.generative import RealNVP
    >>> from scidl.plot import plot_flow_latent
    >>> X, y = make_moons(200, noise=0.05, random_state=0)
    >>> flow = RealNVP(n_layers=2, hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X)
    >>> [ax.get_title() for ax in plot_flow_latent(flow, X, y, n_samples=50).axes]
    ['Data x', 'Latent codes z = f^-1(x)', 'Samples x = f(z), z ~ N(0, I)']
    """
    _check_flow(flow)
    X = _check_2d_points(X)
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(X):
            raise ValueError(
                f"labels must have one entry per row of X ({len(X)}); got {len(labels)}."
            )
    Z = flow.transform(X)
    S = flow.sample(n_samples, random_state=random_state)
    fig, axes = new_figure(ncols=3, figsize=(13.5, 4.3))
    colors = PALETTE[0] if labels is None else [PALETTE[int(c) % len(PALETTE)] for c in labels]
    axes[0].scatter(X[:, 0], X[:, 1], s=4, c=colors, alpha=0.7)
    axes[0].set_title("Data x")
    axes[1].scatter(Z[:, 0], Z[:, 1], s=4, c=colors, alpha=0.7)
    t = np.linspace(0, 2 * np.pi, 200)
    for r in (1.0, 2.0):
        axes[1].plot(r * np.cos(t), r * np.sin(t), color="0.4", lw=0.8, ls="--")
    axes[1].set_aspect("equal", adjustable="datalim")
    axes[1].set_title("Latent codes z = f^-1(x)")
    axes[2].scatter(S[:, 0], S[:, 1], s=4, color=PALETTE[2], alpha=0.6)
    axes[2].set_title("Samples x = f(z), z ~ N(0, I)")
    for ax, (a, b) in zip(axes, [("x1", "x2"), ("z1", "z2"), ("x1", "x2")], strict=True):
        ax.set_xlabel(a)
        ax.set_ylabel(b)
    return fig


@styled
def plot_free_energy_profile(
    centers, profiles, exact=None, *, ax=None, title="Free energy along x", ylabel="F(x) / kT"
):
    """Free-energy profiles ``F(x) = -kT log p(x)`` from estimates, with the exact curve.

    Parameters
    ----------
    centers : array-like of shape (n_bins,)
        Bin centres along the coordinate.
    profiles : dict of str to array-like of shape (n_bins,) or (array, array)
        Estimated profiles by label (NaN for empty bins), optionally with their standard
        errors as a pair ``(F, error)``.
    exact : array-like of shape (n_bins,) or None
        The exact profile (e.g. by quadrature), drawn as a black line.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title, ylabel : str
        Axes title and y label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_free_energy_profile
    >>> x = np.linspace(-2, 2, 21)
    >>> fig = plot_free_energy_profile(x, {"estimate": x**2 + 0.1}, exact=x**2)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['exact', 'estimate']
    """
    check_ax(ax)
    c = check_array(centers, name="centers", ndim=1)
    if not isinstance(profiles, dict) or not profiles:
        raise TypeError("profiles must be a non-empty dict of label -> profile.")
    if ax is None:
        fig, ax = new_figure(figsize=(6.4, 4.4))
    else:
        fig = figure_of(ax)
    if exact is not None:
        e = check_array(exact, name="exact", ndim=1)
        if e.shape != c.shape:
            raise ValueError(f"exact must have shape {c.shape} like centers; got {e.shape}.")
        ax.plot(c, e, color="black", lw=1.8, label="exact")
    for i, (label, prof) in enumerate(profiles.items()):
        err = None
        if isinstance(prof, tuple):
            prof, err = prof
        f = check_array(prof, name=f"profiles[{label!r}]", ndim=1, allow_nan=True)
        if f.shape != c.shape:
            raise ValueError(
                f"profiles[{label!r}] must have shape {c.shape} like centers; got {f.shape}."
            )
        color = PALETTE[(i + 1) % len(PALETTE)]
        if err is None:
            ax.plot(c, f, "o", ms=3.5, color=color, label=label)
        else:
            err = check_array(err, name=f"error of profiles[{label!r}]", ndim=1, allow_nan=True)
            ax.errorbar(c, f, yerr=err, fmt="o", ms=3.5, color=color, capsize=2, label=label)
    ax.set_xlabel("x")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return fig


@styled
def plot_divergence_convergence(n_samples, estimates, exact, *, ax=None, title=None):
    """Estimates of divergences (mean +- sd over repeats) against the sample size.

    Parameters
    ----------
    n_samples : array-like of shape (n_sizes,)
        Sample sizes (log-scaled axis).
    estimates : dict of str to (mean, sd)
        For each estimator, arrays of shape (n_sizes,).
    exact : dict of str to float
        The exact value of each estimator's target (dashed line), same keys or a subset.
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
    >>> from scidl.plot import plot_divergence_convergence
    >>> n = np.array([100, 1000])
    >>> fig = plot_divergence_convergence(n, {"KL": (np.array([0.6, 0.52]), np.array([0.1, 0.03]))},
    ...                                   {"KL": 0.5})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    check_ax(ax)
    n = check_array(n_samples, name="n_samples", ndim=1)
    if not isinstance(estimates, dict) or not estimates:
        raise TypeError("estimates must be a non-empty dict of label -> (mean, sd).")
    if not isinstance(exact, dict):
        raise TypeError(f"exact must be a dict of label -> value; got {type(exact).__name__}.")
    if ax is None:
        fig, ax = new_figure(figsize=(6.4, 4.4))
    else:
        fig = figure_of(ax)
    for i, (label, pair) in enumerate(estimates.items()):
        mean, sd = (check_array(a, name=f"estimates[{label!r}]", ndim=1) for a in pair)
        if mean.shape != n.shape or sd.shape != n.shape:
            raise ValueError(f"estimates[{label!r}] must hold two arrays of shape {n.shape}.")
        color = PALETTE[i % len(PALETTE)]
        ax.errorbar(n, mean, yerr=sd, fmt="o-", ms=4, color=color, capsize=2, label=label)
        if label in exact:
            ax.axhline(float(exact[label]), color=color, ls="--", lw=1.0)
    ax.set_xscale("log")
    ax.set_xlabel("sample size n")
    ax.set_ylabel("estimate (dashed: exact)")
    if title:
        ax.set_title(title)
    ax.legend()
    return fig
