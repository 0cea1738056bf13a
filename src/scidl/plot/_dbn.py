"""The 2006 breakthrough in one figure: accuracy versus labels, pretrained versus random start."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["plot_pretraining_curves"]


def _accuracies(values, name, n_sizes):
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n_sizes:
        raise ValueError(
            f"{name} must have one row per labelled-set size ({n_sizes}), one column per seed; "
            f"got shape {np.shape(values)}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite accuracies; got non-finite values.")
    return arr


@styled
def plot_pretraining_curves(n_labels, pretrained, random, *, reference=None, ax=None):
    """Test accuracy against the number of labels, from pretrained and from random weights.

    Each curve is the mean over seeds with a band of one standard deviation;
    the single runs are drawn as dots. The numbers come from
    :func:`scidl.generative.compare_pretraining`.

    Parameters
    ----------
    n_labels : sequence of int
        The sizes of the labelled training sets (the x axis, logarithmic).
    pretrained, random : array-like of shape (len(n_labels), n_seeds)
        Test accuracies (in [0, 1]) of the classifiers initialised from the deep
        belief network and at random.
    reference : dict or None
        Published points to mark, ``{label: (n_labels, accuracy)}``, e.g.
        ``{"pretrained, full MNIST": (1000, 0.937)}``.
    ax : matplotlib Axes, optional
        Draw on this Axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_pretraining_curves
    >>> fig = plot_pretraining_curves(
    ...     [100, 1000], [[0.78, 0.80], [0.92, 0.93]], [[0.72, 0.74], [0.89, 0.90]]
    ... )
    >>> len(fig.axes[0].lines) >= 2
    True
    """
    check_ax(ax)
    sizes = np.asarray(n_labels, dtype=float).reshape(-1)
    if sizes.size == 0 or not np.all(np.isfinite(sizes)) or np.any(sizes <= 0):
        raise ValueError(f"n_labels must be positive label counts; got {n_labels!r}.")
    curves = {
        "pretrained (DBN)": _accuracies(pretrained, "pretrained", len(sizes)),
        "random initialisation": _accuracies(random, "random", len(sizes)),
    }
    if ax is None:
        fig, ax = new_figure(figsize=(5.5, 4))
    else:
        fig = figure_of(ax)
    for (label, acc), color, marker in zip(curves.items(), PALETTE, "os"):
        mean, sd = acc.mean(axis=1), acc.std(axis=1)
        ax.plot(sizes, 100 * mean, marker=marker, color=color, label=f"{label}, mean")
        ax.fill_between(sizes, 100 * (mean - sd), 100 * (mean + sd), color=color, alpha=0.2)
        xs = np.repeat(sizes, acc.shape[1])
        ax.scatter(xs, 100 * acc.ravel(), s=9, color=color, alpha=0.6)
    for (label, (n, a)), color in zip((reference or {}).items(), PALETTE[2:]):
        ax.scatter([n], [100 * a], marker="*", s=90, color=color, label=f"{label} (published)")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(int(s)) for s in sizes])
    ax.set_xlabel("labelled training images")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Greedy layer-wise pretraining versus random initialisation")
    ax.legend()
    return fig
