"""Figures of the kinetics chapter, as matplotlib ``Figure`` objects (never shown implicitly).

These take fitted results and arrays only; they never fit anything.
"""

from __future__ import annotations

import numpy as np

from scidl.plot._style import styled
from scidl.utils import check_array

__all__ = [
    "plot_ck_test",
    "plot_hidden_state_separation",
    "plot_implied_timescales",
    "plot_metastable_sets",
    "plot_tica_projection",
]


def _figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


@styled
def plot_tica_projection(Y, *, color=None, bins=60, kT=1.0, title="TICA projection"):
    """Free energy ``-kT log p`` of the first two components (or a scatter coloured by ``color``).

    Parameters
    ----------
    Y : array of shape (n_frames, n_components) or list of them
        A TICA (or any) projection; one component gives a free-energy profile.
    color : array of shape (n_frames,) or list of them, optional
        Colour the points by this value (integers: categorical colours)
        instead of drawing the free energy.
    bins : int, default 60
        Histogram bins per axis.
    kT : float, default 1.0
        The thermal energy that scales ``-log p``.
    title : str, default "TICA projection"
        The axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_tica_projection
    >>> Y = np.random.default_rng(0).normal(size=(500, 2))
    >>> fig = plot_tica_projection(Y)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('IC 1', 'IC 2')
    """
    Y = check_array(np.concatenate(Y) if isinstance(Y, list) else Y, name="Y")
    fig = _figure((5.0, 4.0))
    ax = fig.add_subplot()
    if Y.shape[1] == 1:
        h, e = np.histogram(Y[:, 0], bins=bins, density=True)
        with np.errstate(divide="ignore"):
            ax.plot(0.5 * (e[1:] + e[:-1]), -kT * np.log(h))
        ax.set_xlabel("IC 1")
        ax.set_ylabel("free energy / kT")
    elif color is None:
        h, ex, ey = np.histogram2d(Y[:, 0], Y[:, 1], bins=bins, density=True)
        with np.errstate(divide="ignore"):
            F = -kT * np.log(h.T)
        F -= np.nanmin(F[np.isfinite(F)])
        im = ax.pcolormesh(ex, ey, np.ma.masked_invalid(F), cmap="viridis")
        fig.colorbar(im, ax=ax, label="free energy / kT")
        ax.set_xlabel("IC 1")
        ax.set_ylabel("IC 2")
    else:
        c = np.concatenate(color) if isinstance(color, list) else np.asarray(color)
        sc = ax.scatter(
            Y[:, 0], Y[:, 1], c=c, s=2, cmap="tab10" if c.dtype.kind in "iu" else "viridis"
        )
        fig.colorbar(sc, ax=ax)
        ax.set_xlabel("IC 1")
        ax.set_ylabel("IC 2")
    ax.set_title(title)
    return fig


@styled
def plot_implied_timescales(its, *, dt=1.0, units="steps", exact=None, title="Implied timescales"):
    """Implied timescales versus lag time with bootstrap bands (95 %) and optional exact values.

    ``dt`` converts steps into ``units``. The grey region below ``t = lagtime`` holds
    processes faster than the lag time, which the model cannot resolve.

    Parameters
    ----------
    its : ImpliedTimescales
        The result of :func:`scidl.kinetics.implied_timescales`.
    dt : float, default 1.0
        Time per step, in ``units``.
    units : str, default "steps"
        The time unit in the axis labels.
    exact : array-like, optional
        Exact timescales, drawn as dashed lines.
    title : str, default "Implied timescales"
        The axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import sample_markov_chain
    >>> from scidl.kinetics import implied_timescales
    >>> from scidl.plot import plot_implied_timescales
    >>> P = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> dtraj = sample_markov_chain(P, 2000, random_state=0)
    >>> its = implied_timescales(dtraj, [1, 2, 4], n_timescales=1)
    >>> fig = plot_implied_timescales(its, exact=[-1 / np.log(0.7)])
    >>> fig.axes[0].get_ylabel()
    'implied timescale (steps)'
    """
    fig = _figure((5.0, 4.0))
    ax = fig.add_subplot()
    lags = its.lagtimes * dt
    colors = [f"C{i}" for i in range(its.timescales.shape[1])]
    for i, c in enumerate(colors):
        ax.plot(lags, its.timescales[:, i] * dt, "o-", color=c, label=f"process {i + 1}")
        if its.samples is not None:
            lo, hi = its.quantiles((0.025, 0.975))
            ax.fill_between(lags, lo[:, i] * dt, hi[:, i] * dt, color=c, alpha=0.25, linewidth=0)
    if exact is not None:
        for i, t in enumerate(np.atleast_1d(exact)[: len(colors)]):
            ax.axhline(t, color=colors[i], linestyle="--", linewidth=1)
    ax.fill_between(lags, lags * 0 + 1e-12, lags, color="0.8")
    ax.plot(lags, lags, color="0.4", linewidth=1)
    ax.set_yscale("log")
    ax.set_xlabel(f"lag time ({units})")
    ax.set_ylabel(f"implied timescale ({units})")
    finite = its.timescales[np.isfinite(its.timescales)] * dt
    if finite.size:
        ax.set_ylim(min(lags.min(), finite.min()) * 0.5, finite.max() * 3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title + (" (dashed: exact)" if exact is not None else ""))
    return fig


@styled
def plot_ck_test(ck, *, dt=1.0, units="steps", title="Chapman-Kolmogorov test"):
    """Grid of ``P(I -> J)`` over lag time: model prediction (line) and re-estimates (dashed).

    Parameters
    ----------
    ck : CKTest
        The result of :func:`scidl.kinetics.ck_test`.
    dt : float, default 1.0
        Time per step, in ``units``.
    units : str, default "steps"
        The time unit in the axis labels.
    title : str, default "Chapman-Kolmogorov test"
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per pair of sets ``(I, J)``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import sample_markov_chain
    >>> from scidl.kinetics import MarkovStateModel, ck_test
    >>> from scidl.plot import plot_ck_test
    >>> P = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> dtraj = sample_markov_chain(P, 2000, random_state=0)
    >>> msm = MarkovStateModel(lagtime=1).fit(dtraj)
    >>> fig = plot_ck_test(ck_test(msm, dtraj, mlags=3))
    >>> len(fig.axes)
    4
    """
    m = ck.predictions.shape[1]
    fig = _figure((2.2 * m + 0.5, 2.0 * m + 0.5))
    axes = fig.subplots(m, m, sharex=True, sharey=True, squeeze=False)
    lags = np.r_[0, ck.lagtimes] * dt
    for i in range(m):
        for j in range(m):
            ax = axes[i, j]
            start = float(i == j)
            ax.plot(lags, np.r_[start, ck.predictions[:, i, j]], "-", color="C0", label="predict")
            ax.plot(
                lags,
                np.r_[start, ck.estimates[:, i, j]],
                "--o",
                color="C1",
                markersize=3,
                label="estimate",
            )
            ax.set_ylim(-0.05, 1.05)
            ax.set_title(f"{i} -> {j}", fontsize=8)
            if i == m - 1:
                ax.set_xlabel(f"lag ({units})")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title)
    return fig


@styled
def plot_metastable_sets(
    potential, centers, assignments, *, kT=1.0, n_grid=120, title="PCCA+ metastable sets"
):
    """Metastable sets (colours) of cluster centres drawn on the potential's landscape.

    Parameters
    ----------
    potential : Potential
        A model potential, e.g. ``scidl.data.get_potential("triple_well_2d")``;
        one- or two-dimensional.
    centers : array of shape (n_centers, dim)
        Cluster centres in the potential's coordinates.
    assignments : array of int, shape (n_centers,)
        The metastable set of each centre (e.g. PCCA+ assignments).
    kT : float, default 1.0
        The thermal energy; the landscape is drawn as ``V / kT``.
    n_grid : int, default 120
        Grid points per axis of the 2D landscape.
    title : str, default "PCCA+ metastable sets"
        The axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import get_potential
    >>> from scidl.plot import plot_metastable_sets
    >>> centers = np.array([[-1.0], [-0.5], [0.5], [1.0]])
    >>> fig = plot_metastable_sets(get_potential("double_well"), centers, [0, 0, 1, 1])
    >>> fig.axes[0].get_ylabel()
    'V / kT'
    """
    centers = np.asarray(centers, dtype=np.float64)
    assignments = np.asarray(assignments)
    fig = _figure((5.0, 4.0))
    ax = fig.add_subplot()
    dom = potential.domain
    if potential.dim == 1:
        x = np.linspace(dom[0, 0], dom[0, 1], 400)
        V = potential.energy(x[:, None]) / kT
        ax.plot(x, V - V.min(), color="k")
        Vc = potential.energy(centers) / kT - V.min()
        ax.scatter(centers[:, 0], Vc, c=assignments, cmap="tab10", vmin=0, vmax=9, s=30, zorder=3)
        ax.set_xlabel("x")
        ax.set_ylabel("V / kT")
    else:
        gx = np.linspace(dom[0, 0], dom[0, 1], n_grid)
        gy = np.linspace(dom[1, 0], dom[1, 1], n_grid)
        G = np.stack(np.meshgrid(gx, gy, indexing="xy"), axis=-1)
        V = potential.energy(G) / kT
        V -= V.min()
        levels = np.linspace(0, np.quantile(V, 0.6), 20)
        cs = ax.contourf(gx, gy, V, levels=levels, cmap="Greys_r", extend="max")
        fig.colorbar(cs, ax=ax, label="V / kT")
        ax.scatter(
            centers[:, 0],
            centers[:, 1],
            c=assignments,
            cmap="tab10",
            vmin=0,
            vmax=9,
            s=18,
            edgecolors="k",
            linewidths=0.3,
        )
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    ax.set_title(title)
    return fig


@styled
def plot_hidden_state_separation(rows, *, bins=50, title="Slow coordinate by hidden state"):
    """Histograms of a one-dimensional slow coordinate, split by the hidden state.

    Each panel overlays one histogram per hidden state, so well-separated peaks
    mean that the coordinate resolves the hidden states.

    Parameters
    ----------
    rows : dict
        Maps a row label (e.g. the data set) to ``(states, {method: coordinate})``:
        the hidden state of each frame and, per method, its slow coordinate
        (the first column is used).
    bins : int, default 50
        Histogram bins.
    title : str, default "Slow coordinate by hidden state"
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One row of panels per entry of ``rows``, one column per method.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_hidden_state_separation
    >>> rng = np.random.default_rng(0)
    >>> states = rng.integers(0, 2, 300)
    >>> coords = {"good": states + 0.1 * rng.normal(size=300), "bad": rng.normal(size=300)}
    >>> fig = plot_hidden_state_separation({"toy": (states, coords)})
    >>> [ax.get_title() for ax in fig.axes]
    ['toy: good', 'toy: bad']
    """
    rows = list(rows.items())
    n_cols = max(len(r[1][1]) for r in rows)
    fig = _figure((3.0 * n_cols, 2.4 * len(rows)))
    axes = fig.subplots(len(rows), n_cols, squeeze=False)
    for i, (label, (states, coords)) in enumerate(rows):
        states = np.asarray(states)
        for j, (method, y) in enumerate(coords.items()):
            ax = axes[i, j]
            y = np.asarray(y).reshape(len(states), -1)[:, 0]
            edges = np.histogram_bin_edges(y, bins=bins)
            for s in np.unique(states):
                ax.hist(y[states == s], bins=edges, alpha=0.5, label=f"state {s}")
            ax.set_title(f"{label}: {method}", fontsize=9)
            ax.set_yticks([])
        axes[i, 0].legend(fontsize=7)
    fig.suptitle(title)
    return fig
