"""What hidden units detect: first-layer weights, top-activating inputs, activation maximisation.

The computations (:func:`scidl.nn.first_layer_weights`,
:func:`scidl.nn.top_activating`, :func:`scidl.nn.activation_maximization`)
live in :mod:`scidl.nn`; these functions only draw their results.
"""

from __future__ import annotations

import numpy as np

from scidl.plot._style import new_figure, style

__all__ = ["plot_activation_maximization", "plot_first_layer_weights", "plot_top_activating"]


def _image_grid(images, shape, titles, title, ncols, cmap, symmetric):
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    with style():
        fig, axes = new_figure(
            nrows=nrows, ncols=ncols, figsize=(1.3 * ncols, 1.45 * nrows + 0.4), squeeze=False
        )
        for ax in axes.ravel():
            ax.set_axis_off()
        for ax, img, t in zip(axes.ravel(), images, titles):
            img = np.asarray(img, dtype=float).reshape(shape)
            if symmetric:
                v = float(np.abs(img).max()) or 1.0
                ax.imshow(img, cmap=cmap, vmin=-v, vmax=v)
            else:
                ax.imshow(img, cmap=cmap)
            ax.set_title(t, fontsize=7)
        if title:
            fig.suptitle(title)
    return fig


def plot_first_layer_weights(
    estimator_or_module, units=None, *, shape=(28, 28), ncols=8, title=None
):
    """Each first-layer unit's input weights as an image (red positive, blue negative).

    White pixels are ignored by the unit. The weights come from
    :func:`scidl.nn.first_layer_weights`.

    Parameters
    ----------
    estimator_or_module : fitted MLPClassifier or MLPRegressor, or scidl.nn.MLP
        The network whose first linear layer is shown.
    units : iterable of int, optional
        The units to show; default all.
    shape : tuple of int, default (28, 28)
        The image shape of one unit's input weights.
    ncols : int, default 8
        Images per row.
    title : str, optional
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.nn import MLP
    >>> from scidl.plot import plot_first_layer_weights
    >>> fig = plot_first_layer_weights(MLP(784, 10, (16,)), units=range(4))
    >>> len([ax for ax in fig.axes if ax.images])
    4
    """
    from scidl.nn import first_layer_weights

    W = first_layer_weights(estimator_or_module, None if units is None else list(units))
    ids = np.arange(len(W)) if units is None else list(units)
    return _image_grid(
        W,
        shape,
        [f"unit {j}" for j in ids],
        title or "First-layer weights (feature detectors)",
        ncols,
        "RdBu_r",
        True,
    )


def plot_top_activating(estimator_or_module, X, units, *, n_top=6, shape=(28, 28), title=None):
    """One row per unit: the ``n_top`` images of ``X`` that excite it most.

    The images are chosen by :func:`scidl.nn.top_activating`.

    Parameters
    ----------
    estimator_or_module : fitted MLPClassifier or MLPRegressor, or scidl.nn.MLP
        The network.
    X : array-like of shape (n_samples, n_features)
        Candidate inputs, e.g. test images flattened.
    units : iterable of int
        The first-layer units, one row each.
    n_top : int, default 6
        Images per unit.
    shape : tuple of int, default (28, 28)
        The image shape of one input.
    title : str, optional
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import MLP
    >>> from scidl.plot import plot_top_activating
    >>> X = np.random.default_rng(0).random((20, 16))
    >>> fig = plot_top_activating(MLP(16, 3, (5,)), X, [0, 1], n_top=3, shape=(4, 4))
    >>> len([ax for ax in fig.axes if ax.images])
    6
    """
    from scidl.nn import top_activating

    units = list(units)
    idx = top_activating(estimator_or_module, X, units, n_top=n_top)
    X = np.asarray(X)
    images = [X[i] for row in idx for i in row]
    titles = [f"unit {u}" if j == 0 else "" for u, row in zip(units, idx) for j in range(len(row))]
    return _image_grid(
        images,
        shape,
        titles,
        title or "Top-activating test images per unit",
        idx.shape[1],
        "gray_r",
        False,
    )


def plot_activation_maximization(
    estimator_or_module, units, *, layer=0, shape=(28, 28), ncols=8, title=None, **kwargs
):
    """The activation-maximising input of each unit, as images.

    The inputs come from :func:`scidl.nn.activation_maximization`, which gets
    ``layer`` and the other keyword arguments (``norm``, ``steps``, ``lr``,
    ``random_state``).

    Parameters
    ----------
    estimator_or_module : fitted MLPClassifier or MLPRegressor, or scidl.nn.MLP
        The network.
    units : iterable of int
        The units of ``layer`` to maximise.
    layer : int, default 0
        The hidden layer (0 is the first).
    shape : tuple of int, default (28, 28)
        The image shape of one input.
    ncols : int, default 8
        Images per row.
    title : str, optional
        The figure title.
    **kwargs
        Passed to :func:`scidl.nn.activation_maximization`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.nn import MLP
    >>> from scidl.plot import plot_activation_maximization
    >>> fig = plot_activation_maximization(MLP(16, 3, (5,)), [0, 1], shape=(4, 4), steps=5)
    >>> len([ax for ax in fig.axes if ax.images])
    2
    """
    from scidl.nn import activation_maximization

    units = list(units)
    X = activation_maximization(estimator_or_module, units, layer=layer, **kwargs)
    return _image_grid(
        X,
        shape,
        [f"unit {u}" for u in units],
        title or f"Activation maximisation (layer {layer + 1})",
        ncols,
        "RdBu_r",
        True,
    )
