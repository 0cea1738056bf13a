"""Active learning in figures: score versus labels per strategy, and where the queries went."""

from __future__ import annotations

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled
from scidl.utils import check_array

__all__ = ["plot_active_learning_curves", "plot_queried_samples"]


def _curve_arrays(label, curve):
    n_labels = getattr(curve, "n_labels", None)
    scores = getattr(curve, "scores", None)
    if n_labels is None or scores is None:
        raise TypeError(
            f"curves[{label!r}] must be a LearningCurve (n_labels, scores); "
            f"got {type(curve).__name__}."
        )
    n = np.asarray(n_labels, dtype=float).reshape(-1)
    s = np.asarray(scores, dtype=float)
    if s.ndim == 1:
        s = s[None]
    if s.ndim != 2 or s.shape[1] != len(n) or len(n) == 0:
        raise ValueError(
            f"curves[{label!r}].scores must have shape (n_seeds, {len(n)}); got {np.shape(scores)}."
        )
    if not np.isfinite(n).all() or np.isinf(s).any():
        raise ValueError(f"curves[{label!r}] must hold finite label counts and scores.")
    return n, s


@styled
def plot_active_learning_curves(curves, *, reference=None, ylabel=None, title=None, ax=None):
    """Score against the number of labels for each strategy: seed mean with a band of one sd.

    Scorers named ``"neg_..."`` (scikit-learn's negated errors) are drawn as the positive
    error on a logarithmic axis; every other score as it is. A seed that stopped at its
    target score leaves the band where it stopped.

    Parameters
    ----------
    curves : dict of str to LearningCurve, or list of LearningCurve
        The curves from :func:`scidl.active.run_active_learning`; a list is labelled by
        each curve's ``strategy``.
    reference : dict or None, default=None
        Points to mark, ``{label: (n_labels, score)}`` (e.g. a published anchor), in the
        units drawn.
    ylabel, title : str or None, default=None
        Axis label and title; None derives them from the scoring.
    ax : matplotlib Axes, optional
        Draw on this Axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import LearningCurve
    >>> from scidl.plot import plot_active_learning_curves
    >>> n = np.array([5, 10, 15])
    >>> curves = {
    ...     "random": LearningCurve(n, np.array([[0.5, 0.6, 0.7], [0.4, 0.6, 0.8]]), "random",
    ...                             "accuracy"),
    ...     "margin": LearningCurve(n, np.array([[0.5, 0.8, 0.9], [0.4, 0.7, 0.9]]), "margin",
    ...                             "accuracy"),
    ... }
    >>> fig = plot_active_learning_curves(curves)
    >>> len(fig.axes[0].lines)
    2
    """
    check_ax(ax)
    if isinstance(curves, dict):
        items = list(curves.items())
    elif isinstance(curves, (list, tuple)):
        items = [(getattr(c, "strategy", str(i)), c) for i, c in enumerate(curves)]
    else:
        raise TypeError(
            f"curves must be a dict or a list of LearningCurve; got {type(curves).__name__}."
        )
    if not items:
        raise ValueError("curves must hold at least one LearningCurve; got none.")
    scoring = str(getattr(items[0][1], "scoring", "score"))
    negated = scoring.startswith("neg_")
    if ax is None:
        fig, ax = new_figure(figsize=(5.5, 4))
    else:
        fig = figure_of(ax)
    markers = "osD^v<>p"
    for i, (label, curve) in enumerate(items):
        n, s = _curve_arrays(label, curve)
        if negated:
            s = -s
        with np.errstate(all="ignore"):
            alive = (~np.isnan(s)).sum(axis=0)
            total = np.where(alive > 0, np.nansum(s, axis=0), np.nan)
            mean = total / np.where(alive > 0, alive, 1)
            sd = np.sqrt(np.nansum((s - mean) ** 2, axis=0) / np.where(alive > 0, alive, 1))
        color = PALETTE[i % len(PALETTE)]
        ax.plot(
            n,
            mean,
            marker=markers[i % len(markers)],
            markersize=3,
            color=color,
            label=f"{label} ({s.shape[0]} seeds)",
        )
        ax.fill_between(n, mean - sd, mean + sd, color=color, alpha=0.18, linewidth=0)
    for (label, (n_ref, score)), color in zip((reference or {}).items(), PALETTE[len(items) :]):
        ax.scatter([n_ref], [score], marker="*", s=110, color=color, zorder=5, label=label)
    if negated:
        ax.set_yscale("log")
    ax.set_xlabel("labels")
    ax.set_ylabel(ylabel or (scoring[4:].replace("_", " ") if negated else scoring))
    ax.set_title(title or "Active learning: score versus labels (mean ± sd over seeds)")
    ax.legend()
    return fig


@styled
def plot_queried_samples(X, labeled, *, values=None, n_initial=0, title=None, ax=None):
    """Where a strategy's queries fell in a 2D pool, in the order they were asked for.

    The pool is drawn in grey (or coloured by ``values``, e.g. the energy), the
    initial labels as black crosses and the queried samples as dots coloured from
    early (dark) to late (light).

    Parameters
    ----------
    X : array-like of shape (n_pool, 2)
        The pool.
    labeled : array-like of int
        Pool indices labelled, in order (``LearningCurve.labeled[seed]``).
    values : array-like of shape (n_pool,), default=None
        A value per pool sample to colour the background by.
    n_initial : int, default=0
        How many of ``labeled`` are the initial random set.
    title : str or None, default=None
        The title.
    ax : matplotlib Axes, optional
        Draw on this Axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_queried_samples
    >>> X = np.random.default_rng(0).uniform(size=(50, 2))
    >>> fig = plot_queried_samples(X, [0, 1, 7, 9], n_initial=2)
    >>> len(fig.axes[0].collections) >= 3
    True
    """
    check_ax(ax)
    x = check_array(X, name="X")
    if x.shape[1] != 2:
        raise ValueError(f"X must have 2 features (a 2D pool); got {x.shape[1]}.")
    idx = np.asarray(labeled)
    if (
        idx.ndim != 1
        or idx.dtype.kind not in "iu"
        or (len(idx) and (idx.min() < 0 or idx.max() >= len(x)))
    ):
        raise ValueError(
            f"labeled must be a 1D array of indices into X (0 to {len(x) - 1}); got {labeled!r}."
        )
    if (
        isinstance(n_initial, bool)
        or not isinstance(n_initial, (int, np.integer))
        or not (0 <= n_initial <= len(idx))
    ):
        raise ValueError(f"n_initial must be an int in [0, len(labeled)]; got {n_initial!r}.")
    if ax is None:
        fig, ax = new_figure(figsize=(5, 4.2))
    else:
        fig = figure_of(ax)
    if values is None:
        ax.scatter(x[:, 0], x[:, 1], s=4, color="0.8", label="pool")
    else:
        v = check_array(values, name="values", ndim=1)
        if len(v) != len(x):
            raise ValueError(f"values must have one entry per row of X ({len(x)}); got {len(v)}.")
        ax.scatter(x[:, 0], x[:, 1], s=4, c=v, cmap="Greys", alpha=0.5, label="pool")
    init, queried = idx[:n_initial], idx[n_initial:]
    ax.scatter(x[init, 0], x[init, 1], marker="x", s=30, color="black", label="initial")
    if len(queried):
        sc = ax.scatter(
            x[queried, 0],
            x[queried, 1],
            s=16,
            c=np.arange(len(queried)),
            cmap="plasma",
            label="queried",
        )
        fig.colorbar(sc, ax=ax, label="query order")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title or f"{len(queried)} queried samples")
    ax.legend(loc="upper right")
    return fig
