"""The decision-boundary perspective on learning: a 2D classifier's boundary during training."""

from __future__ import annotations

import numpy as np
import torch

from scidl.plot._style import class_colors, grid_2d, new_figure, styled, two_class_cmap
from scidl.utils import check_array

__all__ = ["boundary_recorder", "plot_boundary_snapshots", "save_boundary_animation"]


def boundary_recorder(X, *, every=1, on="batch", resolution=60, margin=0.1):
    """A :class:`~scidl.training.Recorder` storing P(class 1) on a grid around ``X`` in training.

    Pass it in ``callbacks=[...]`` of a 2D :class:`~scidl.nn.MLPClassifier`
    (two classes). It records once before the first step (the random initial
    weights) and then every ``every`` batches (``on="batch"``) or epochs.
    The grid is in ``recorder.grid = (xx, yy)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The training inputs; the grid covers their bounding box.
    every : int, default 1
        Record every ``every`` batches or epochs.
    on : {"batch", "epoch"}, default "batch"
        What ``every`` counts.
    resolution : int, default 60
        Grid points per axis.
    margin : float, default 0.1
        Padding of the grid around the data, as a fraction of its range.

    Returns
    -------
    scidl.training.Recorder
        Its ``records`` are ``(epoch, batch, P(class 1) on the grid)``.

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.nn import MLPClassifier
    >>> from scidl.plot import boundary_recorder
    >>> X, y = make_moons(64, random_state=0)
    >>> rec = boundary_recorder(X, every=2, resolution=20)
    >>> clf = MLPClassifier((8,), max_epochs=1, batch_size=16, callbacks=[rec], random_state=0)
    >>> _ = clf.fit(X, y)
    >>> len(rec.records), rec.records[0][2].shape      # initial + batches 2 and 4
    (3, (20, 20))
    """
    from scidl.training import Recorder

    X = check_array(X, name="X")
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2); got {X.shape}.")
    xx, yy, points = grid_2d(X, int(resolution), margin)

    def snapshot(state):
        param = next(state.module.parameters())
        out = state.module(torch.as_tensor(points, dtype=param.dtype, device=param.device))
        if out.shape[1] != 2:
            raise ValueError(
                f"boundary_recorder needs a two-class network; it has {out.shape[1]} outputs."
            )
        return torch.softmax(out.double(), dim=1)[:, 1].cpu().numpy().reshape(xx.shape)

    recorder = Recorder(snapshot, every=every, on=on)
    recorder.grid = (xx, yy)
    return recorder


def _draw(ax, xx, yy, p, X, y, title):
    colors = class_colors(2)
    ax.contourf(
        xx,
        yy,
        p,
        levels=np.linspace(0, 1, 11),
        cmap=two_class_cmap(colors[0], colors[1]),
        alpha=0.55,
    )
    if p.min() < 0.5 < p.max():
        ax.contour(xx, yy, p, levels=[0.5], colors="black", linewidths=1.2)
    for k, label in enumerate(np.unique(y)):
        m = y == label
        ax.scatter(X[m, 0], X[m, 1], s=8, color=colors[k], edgecolor="black", linewidth=0.3)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _check_points(X, y):
    """The training points drawn over the boundary: finite (n, 2) ``X`` and ``y`` of length n."""
    X = check_array(X, name="X", ndim=2).astype(float, copy=False)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2); got shape {X.shape}.")
    y = check_array(y, name="y", ndim=1, dtype=None)
    if len(y) != len(X):
        raise ValueError(f"y must have shape ({len(X)},) to match X; got shape {y.shape}.")
    return X, y


def _select(records, n_panels):
    idx = np.unique(np.round(np.geomspace(1, len(records), n_panels)).astype(int) - 1)
    return [records[i] for i in idx]


@styled
def plot_boundary_snapshots(
    recorder, X, y, *, n_panels=6, reference=None, reference_title="RBF SVM"
):
    """Panels of the recorded decision boundary, from the initial weights to the end of training.

    Parameters
    ----------
    recorder : Recorder from :func:`boundary_recorder`, after ``fit``
        The recorded snapshots.
    X, y : array-like
        The 2D training data.
    n_panels : int, default 6
        Snapshots shown, spaced geometrically in training steps (early steps
        move the boundary most).
    reference : fitted classifier, optional
        Drawn in a last panel for comparison (e.g. ``sklearn.svm.SVC(kernel="rbf",
        probability=True)``); its ``predict_proba`` (or ``decision_function``) is
        evaluated on the same grid.
    reference_title : str, default "RBF SVM"
        The title of the reference panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.nn import MLPClassifier
    >>> from scidl.plot import boundary_recorder, plot_boundary_snapshots
    >>> X, y = make_moons(64, random_state=0)
    >>> rec = boundary_recorder(X, every=2, resolution=20)
    >>> clf = MLPClassifier((8,), max_epochs=1, batch_size=16, callbacks=[rec], random_state=0)
    >>> _ = clf.fit(X, y)
    >>> fig = plot_boundary_snapshots(rec, X, y, n_panels=3)
    >>> [ax.get_title() for ax in fig.axes]
    ['initial weights', 'epoch 1, batch 2', 'epoch 1, batch 4']
    """
    if not recorder.records:
        raise ValueError(
            "the recorder holds no snapshots; pass it in callbacks=[...] and fit first."
        )
    X, y = _check_points(X, y)
    xx, yy = recorder.grid
    chosen = _select(recorder.records, n_panels)
    n = len(chosen) + (reference is not None)
    fig, axes = new_figure(ncols=n, figsize=(2.4 * n, 2.6), squeeze=False)
    for ax, (epoch, batch, p) in zip(axes[0], chosen):
        label = "initial weights" if (epoch, batch) == (0, 0) else f"epoch {epoch}, batch {batch}"
        _draw(ax, xx, yy, p, X, y, label)
    if reference is not None:
        points = np.column_stack([xx.ravel(), yy.ravel()])
        if hasattr(reference, "predict_proba"):
            p = reference.predict_proba(points)[:, 1]
        else:
            p = 1 / (1 + np.exp(-reference.decision_function(points)))
        _draw(axes[0, -1], xx, yy, p.reshape(xx.shape), X, y, reference_title)
    fig.suptitle("Decision boundary during training")
    return fig


def save_boundary_animation(recorder, X, y, path, *, fps=8, max_frames=60):
    """Write the recorded snapshots as an animated GIF (matplotlib's PillowWriter).

    Parameters
    ----------
    recorder : Recorder from :func:`boundary_recorder`, after ``fit``
        The snapshots to animate.
    X, y : array-like
        The 2D training data drawn on every frame.
    path : str or pathlib.Path
        Where to write the GIF.
    fps : int, default 8
        Frames per second.
    max_frames : int, default 60
        At most this many frames, evenly spaced over the snapshots.

    Returns
    -------
    pathlib.Path or None
        The path written, or ``None`` when Pillow is not installed (nothing
        is written then).

    Examples
    --------
    >>> from scidl.data import make_moons
    >>> from scidl.nn import MLPClassifier
    >>> from scidl.plot import boundary_recorder, save_boundary_animation
    >>> X, y = make_moons(64, random_state=0)
    >>> rec = boundary_recorder(X, every=2, resolution=20)
    >>> clf = MLPClassifier((8,), max_epochs=1, batch_size=16, callbacks=[rec], random_state=0)
    >>> _ = clf.fit(X, y)
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:     # Pillow comes with matplotlib
    ...     path = save_boundary_animation(rec, X, y, Path(tmp) / "boundary.gif", fps=4)
    ...     path.name, path.read_bytes()[:6]
    ('boundary.gif', b'GIF89a')
    """
    try:
        import PIL  # noqa: F401
    except ImportError:
        return None
    from matplotlib.animation import FuncAnimation, PillowWriter

    from scidl.plot._style import style

    X, y = _check_points(X, y)
    xx, yy = recorder.grid
    records = recorder.records
    frames = (
        records
        if len(records) <= max_frames
        else [records[i] for i in np.linspace(0, len(records) - 1, max_frames).astype(int)]
    )
    with style():
        fig, ax = new_figure(figsize=(3.6, 3.2))

        def update(i):
            ax.clear()
            epoch, batch, p = frames[i]
            _draw(ax, xx, yy, p, X, y, f"epoch {epoch}, batch {batch}")

        anim = FuncAnimation(fig, update, frames=len(frames))
        anim.save(str(path), writer=PillowWriter(fps=fps))
    return path
