"""Contour plots of optimization test functions with optimizer trajectories."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, figure_of, new_figure, styled

__all__ = ["plot_trajectories"]


@styled
def plot_trajectories(function, paths, *, resolution=200, ax=None, title=None):
    """Contours of a 2D test function with one trajectory per optimizer.

    Parameters
    ----------
    function : str or TestFunction
        A name in :data:`scidl.optim.TEST_FUNCTIONS` or a
        :class:`scidl.optim.TestFunction`.
    paths : dict of {str: ndarray (n, 2)}
        E.g. ``{"adam": trace("adam", function)}`` (:func:`scidl.optim.trace`).
    resolution : int
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.optim import trace
    >>> from scidl.plot import plot_trajectories
    >>> fig = plot_trajectories("quadratic", {"sgd": trace("sgd", "quadratic", steps=20)})
    >>> fig.axes[0].get_title()
    'quadratic'
    """
    from scidl.optim import get_test_function

    function = get_test_function(function)
    fig, ax = new_figure(figsize=(5.4, 4.4)) if ax is None else (figure_of(ax), ax)
    xs = np.linspace(*function.xlim, resolution)
    ys = np.linspace(*function.ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = function.f(np.stack([xx, yy]))
    shifted = zz - function.f_min + 1e-3  # log-spaced levels show valleys and plateaus alike
    levels = np.geomspace(shifted.min(), shifted.max(), 25)
    ax.contour(xx, yy, shifted, levels=levels, cmap="Greys", linewidths=0.6, alpha=0.8)
    for k, (name, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        color = PALETTE[k % len(PALETTE)]
        ax.plot(
            path[:, 0],
            path[:, 1],
            "-",
            color=color,
            lw=1.4,
            label=f"{name} ({len(path) - 1} steps)",
        )
        ax.plot(path[-1, 0], path[-1, 1], "o", color=color, ms=4)
    ax.plot(*function.x0, "ks", ms=5, label="start")
    ax.plot(
        function.minima[:, 0],
        function.minima[:, 1],
        "*",
        color="gold",
        mec="black",
        ms=12,
        label="minimum",
    )
    if len(function.saddles):
        ax.plot(
            function.saddles[:, 0], function.saddles[:, 1], "x", color="black", ms=8, label="saddle"
        )
    ax.set_xlim(function.xlim)
    ax.set_ylim(function.ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title or function.name)
    ax.legend(fontsize=7, loc="best")
    return fig
