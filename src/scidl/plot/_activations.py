"""The table of activation functions: each function and its derivative."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, new_figure, styled

__all__ = ["plot_activations"]

_TABLE = (
    "identity",
    "binary_step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "softsign",
    "silu",
    "gaussian",
)


@styled
def plot_activations(names=None, *, x_range=(-4.0, 4.0), ncols=5, resolution=401):
    """A grid of panels, one per activation: ``f(x)`` (solid) and ``f'(x)`` (dashed).

    Parameters
    ----------
    names : sequence of str, optional
        Activation names (default: the course's table, 14 functions).
    x_range : (float, float), default (-4.0, 4.0)
        The interval of x drawn.
    ncols : int, default 5
        Panels per row.
    resolution : int, default 401
        Points per curve.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_activations
    >>> fig = plot_activations(["relu", "tanh"], ncols=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['relu', 'tanh']
    """
    import torch

    from scidl.numerics import derivative, get_activation

    names = list(_TABLE if names is None else names)
    if not names:
        raise ValueError("names must hold at least one activation name.")
    lo, hi = map(float, x_range)
    if not hi > lo:
        raise ValueError(f"x_range must be (low, high) with low < high; got {x_range!r}.")
    ncols = max(1, min(int(ncols), len(names)))
    nrows = -(-len(names) // ncols)
    fig, axes = new_figure(
        nrows=nrows, ncols=ncols, figsize=(2.6 * ncols, 2.2 * nrows), squeeze=False
    )
    x = torch.linspace(lo, hi, int(resolution), dtype=torch.float64)
    for ax, name in zip(axes.ravel(), names):
        with torch.no_grad():
            f = get_activation(name).double()(x).numpy()
        df = derivative(name, x).numpy()
        ax.axhline(0, color="0.7", lw=0.6)
        ax.axvline(0, color="0.7", lw=0.6)
        ax.plot(x.numpy(), f, color=PALETTE[0], lw=1.8, label="f(x)")
        ax.plot(x.numpy(), df, color=PALETTE[1], lw=1.4, ls="--", label="f'(x)")
        ax.set_title(name)
        ax.set_ylim(min(-1.2, np.min(f) - 0.2), max(1.3, min(np.max(f), 4.0) + 0.2))
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    axes.ravel()[0].legend(loc="upper left", fontsize=8)
    return fig
