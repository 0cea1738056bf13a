"""The one figure style of scidl: a colour-blind-safe palette and rcParams.

Every public plot function runs inside :func:`style` and draws on a
:class:`matplotlib.figure.Figure` that it creates itself (never through
``pyplot``), so nothing is shown implicitly, no global figure state leaks and
the functions work on headless machines with any backend.
"""

from __future__ import annotations

import contextlib
import functools

import matplotlib as mpl
import numpy as np
from matplotlib import cycler
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.figure import Figure

__all__ = ["PALETTE", "SEQUENTIAL_CMAP", "STYLE", "style", "subplots"]

# Okabe & Ito (2008), "Color Universal Design": eight colours that stay
# distinguishable under the common forms of colour blindness. Reordered so that
# the first two (blue, orange) are the most distinct pair, since most plots
# compare two things (train vs valid, class 0 vs class 1).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

# Perceptually uniform and colour-blind safe, for matrices and images.
SEQUENTIAL_CMAP = "viridis"

STYLE = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "font.size": 10,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
}


@contextlib.contextmanager
def style():
    """Context manager applying scidl's rcParams (:data:`STYLE`).

    Returns
    -------
    contextlib.AbstractContextManager
        Inside the ``with`` block, new figures take the scidl style.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from scidl.plot import style
    >>> with style():
    ...     fig = Figure()
    ...     ax = fig.add_subplot()
    """
    with mpl.rc_context(STYLE):
        yield


def styled(func):
    """Decorator: run a plot function inside :func:`style`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style():
            return func(*args, **kwargs)

    return wrapper


def new_figure(*, nrows=1, ncols=1, figsize=None, squeeze=True):
    """A fresh pyplot-free Figure with a grid of axes."""
    if figsize is None:
        figsize = (4.8 * ncols, 3.6 * nrows)
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=squeeze)
    return fig, axes


def figure_of(ax) -> Figure:
    """The top-level Figure holding ``ax`` (also when ``ax`` is in a SubFigure)."""
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10 has no ``root``
        fig = ax.get_figure()
        while not isinstance(fig, Figure):
            fig = fig.get_figure()
        return fig


def check_ax(ax, name="ax"):
    """Raise a clear TypeError unless ``ax`` is None or a matplotlib Axes."""
    if ax is not None and not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None; got {type(ax).__name__}.")


def class_colors(n):
    """``n`` distinct colours: the palette, then tab20 beyond eight classes."""
    if n <= len(PALETTE):
        return [to_rgb(c) for c in PALETTE[:n]]
    extra = mpl.colormaps["tab20"](np.linspace(0, 1, 20))[:, :3]
    colors = [to_rgb(c) for c in PALETTE] + [tuple(c) for c in extra]
    return [colors[i % len(colors)] for i in range(n)]


def grid_2d(X, resolution, margin):
    """A ``resolution`` x ``resolution`` grid over the box of 2D points ``X``, padded by ``margin``.

    Returns the meshgrid ``xx, yy`` and the grid points as rows ``(resolution**2, 2)``,
    ready for a classifier's ``predict_proba`` (decision boundaries and their snapshots).
    """
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.where(hi > lo, hi - lo, 1.0)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def lighten(color, amount=0.55):
    """Blend ``color`` with white: 0 keeps it, 1 gives white."""
    rgb = np.asarray(to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)


def two_class_cmap(c0, c1):
    """Diverging colormap from class colour ``c0`` through white to ``c1``."""
    return LinearSegmentedColormap.from_list(
        "scidl_two_class", [to_rgb(c0), (1.0, 1.0, 1.0), to_rgb(c1)]
    )


def class_cmap(colors, amount=0.55):
    """Discrete colormap of lightened class colours (for filled region plots)."""
    return ListedColormap([lighten(c, amount) for c in colors])


def subplots(nrows=1, ncols=1, *, figsize=None, squeeze=True):
    """A new Figure with a grid of Axes in the scidl style, without pyplot.

    Like ``plt.subplots`` but nothing is registered with pyplot, so nothing
    is shown implicitly or leaks; pass the Axes as ``ax=`` to the plot
    functions to compose multi-panel figures.

    Parameters
    ----------
    nrows, ncols : int, default 1
        The grid of Axes.
    figsize : tuple of float, optional
        Width and height in inches.
    squeeze : bool, default True
        As in matplotlib: drop length-1 dimensions of the returned Axes array.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes

    Examples
    --------
    >>> from scidl.plot import subplots
    >>> fig, axes = subplots(1, 3)
    >>> len(fig.axes)
    3
    """
    with style():
        return new_figure(nrows=nrows, ncols=ncols, figsize=figsize, squeeze=squeeze)
