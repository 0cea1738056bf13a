"""Decision boundaries of 2D classifiers."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import (
    check_ax,
    class_cmap,
    class_colors,
    figure_of,
    grid_2d,
    new_figure,
    styled,
    two_class_cmap,
)
from scidl.utils import check_array

__all__ = ["plot_decision_boundary"]


@styled
def plot_decision_boundary(
    estimator, X, y, *, resolution=200, proba=True, margin=0.1, title=None, ax=None
):
    """Plot a fitted 2D classifier's regions and the data points by class.

    For two classes with ``proba=True`` the background is the filled contour
    of ``P(y = classes_[1] | x)`` running from the first class's colour through
    white (P = 1/2) to the second's, with the decision boundary drawn as a
    black line. Otherwise the background is the filled contour of the
    predicted class (the most probable class with ``proba=True``), in light
    versions of the class colours.

    Parameters
    ----------
    estimator : fitted classifier
        With ``predict`` (and ``predict_proba`` for ``proba=True``) on inputs
        of two features; ``classes_`` orders the classes if present. It is
        only evaluated, never trained.
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
        Labels of the points drawn.
    resolution : int, default 200
        Grid points along each axis.
    proba : bool, default True
        Colour by predicted probability (two classes) rather than by label;
        falls back to ``predict`` if the estimator has no ``predict_proba``.
    margin : float, default 0.1
        Extra space around the data, as a fraction of its range.
    title : str, default None
    ax : matplotlib Axes, default None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from scidl.plot import plot_decision_boundary
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> y = np.array([0, 1, 1, 0])
    >>> fig = plot_decision_boundary(LogisticRegression().fit(X, y), X, y, resolution=20)
    >>> len(fig.axes[0].collections) >= 3   # regions, boundary, two point sets
    True
    """
    check_ax(ax)
    X = check_array(X, name="X", ndim=2).astype(float, copy=False)
    y = np.asarray(y)
    if X.shape[1] != 2:
        raise ValueError(
            f"X must have shape (n_samples, 2) for a 2D decision boundary; got shape {X.shape}."
        )
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X; got shape {y.shape}.")
    if len(X) == 0:
        raise ValueError("X must contain at least one sample; got 0.")
    resolution = int(resolution)
    if resolution < 2:
        raise ValueError(f"resolution must be an int >= 2; got {resolution}.")

    classes = np.asarray(estimator.classes_) if hasattr(estimator, "classes_") else np.unique(y)
    n_classes = len(classes)
    colors = class_colors(max(n_classes, 2))
    xx, yy, points = grid_2d(X, resolution, margin)
    use_proba = proba and hasattr(estimator, "predict_proba")

    fig, ax = new_figure(figsize=(5.2, 4.2)) if ax is None else (figure_of(ax), ax)
    if use_proba:
        p = np.asarray(estimator.predict_proba(points), dtype=float)
        if p.ndim != 2 or p.shape[1] != n_classes:
            raise ValueError(
                f"predict_proba returned shape {p.shape}; expected ({len(points)}, {n_classes})."
            )
    if use_proba and n_classes == 2:
        p1 = p[:, 1].reshape(xx.shape)
        regions = ax.contourf(
            xx,
            yy,
            p1,
            levels=np.linspace(0, 1, 11),
            cmap=two_class_cmap(colors[0], colors[1]),
            alpha=0.55,
        )
        ax.contour(xx, yy, p1, levels=[0.5], colors="black", linewidths=1.2)
        cbar = fig.colorbar(regions, ax=ax, shrink=0.85)
        cbar.set_label(f"P(y = {classes[1]})")
    else:
        if use_proba:
            index = p.argmax(axis=1)
        else:
            pred = np.asarray(estimator.predict(points))
            index = np.searchsorted(classes, pred) if n_classes else np.zeros(len(pred), dtype=int)
            index = np.clip(index, 0, max(n_classes - 1, 0))
        index = index.reshape(xx.shape).astype(float)
        levels = np.arange(n_classes + 1) - 0.5
        ax.contourf(xx, yy, index, levels=levels, cmap=class_cmap(colors[:n_classes]))
        if n_classes > 1:
            ax.contour(xx, yy, index, levels=levels[1:-1], colors="black", linewidths=0.8)

    for k, label in enumerate(classes):
        mask = y == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=16,
            color=colors[k],
            edgecolor="black",
            linewidth=0.4,
            label=f"class {label}",
            zorder=3,
        )
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", frameon=True, framealpha=0.8)
    return fig
