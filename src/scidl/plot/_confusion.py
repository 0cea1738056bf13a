"""Confusion matrices of classifiers."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import SEQUENTIAL_CMAP, check_ax, figure_of, new_figure, styled

__all__ = ["plot_confusion_matrix"]

_NORMALIZE = (None, "true", "pred", "all")


@styled
def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, title=None, ax=None):
    """Plot the confusion matrix: rows are true classes, columns predicted ones.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : array-like, default None
        Classes in display order; default: every label in either array, sorted.
    normalize : {None, "true", "pred", "all"}, default None
        Show counts (None) or fractions of each true class ("true", so the
        diagonal holds each class's recall), of each predicted class ("pred")
        or of all samples ("all"), as in :func:`sklearn.metrics.confusion_matrix`.
    title : str, default None
        Axes title; default "Confusion matrix" with the accuracy.
    ax : matplotlib Axes, default None

    Returns
    -------
    matplotlib.figure.Figure
        One image (the matrix) with every cell's value written in it.

    Examples
    --------
    >>> from scidl.plot import plot_confusion_matrix
    >>> fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    >>> len(fig.axes[0].images), len(fig.axes[0].texts)
    (1, 9)
    """
    from sklearn.metrics import confusion_matrix

    check_ax(ax)
    if normalize not in _NORMALIZE:
        raise ValueError(f"normalize must be one of {_NORMALIZE}; got {normalize!r}.")
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must have the same length; got {len(y_true)} and {len(y_pred)}."
        )
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred must contain at least one sample; got 0.")
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = np.asarray(labels)
    matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    accuracy = float(np.mean(y_true == y_pred))

    k = len(labels)
    size = min(9.0, 2.0 + 0.45 * k)
    fig, ax = new_figure(figsize=(size + 0.8, size)) if ax is None else (figure_of(ax), ax)
    image = ax.imshow(matrix, cmap=SEQUENTIAL_CMAP, interpolation="nearest")
    fig.colorbar(image, ax=ax, shrink=0.8, label="count" if normalize is None else "fraction")
    threshold = (matrix.max() + matrix.min()) / 2
    for i in range(k):
        for j in range(k):
            value = matrix[i, j]
            text = f"{value:d}" if normalize is None else f"{value:.2f}"
            # viridis is dark at low values: white text there, black on bright cells
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="black" if value > threshold else "white",
            )
    ax.set_xticks(range(k), [str(c) for c in labels])
    ax.set_yticks(range(k), [str(c) for c in labels])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.grid(False)
    ax.set_title(title if title is not None else f"Confusion matrix (accuracy {accuracy:.1%})")
    return fig
