"""Figures for convolutional networks: classic filters and their effect, learned filters, maps."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from scidl.plot._style import styled

__all__ = ["plot_feature_maps", "plot_filter_effects", "plot_learned_filters"]


def _grid(nrows, ncols, *, tile=1.3, title=None):
    title_h = 0.45 if title else 0.0
    fig = Figure(figsize=(ncols * tile + 0.2, nrows * (tile + 0.25) + title_h + 0.2))
    axes = fig.subplots(
        nrows,
        ncols,
        squeeze=False,
        gridspec_kw={
            "wspace": 0.1,
            "hspace": 0.35,
            "top": 1 - (title_h + 0.1) / fig.get_figheight(),
        },
    )
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    return fig, axes


def _symmetric(ax, array, cmap="RdBu_r"):
    limit = float(np.max(np.abs(array))) or 1.0
    ax.imshow(array, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")


@styled
def plot_filter_effects(kernels, images, *, title="Filters and their effect"):
    """Each kernel (top row) next to its effect on each image (one row per image).

    Parameters
    ----------
    kernels : dict of str to array (kh, kw)
        The filters by name, e.g. :data:`scidl.nn.filters.KERNELS`.
    images : sequence of 2D arrays
        Grey-scale images; the first column shows them unfiltered.
    title : str, default "Filters and their effect"
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure
        ``len(images) + 1`` rows, ``len(kernels) + 1`` columns.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn.filters import KERNELS
    >>> from scidl.plot import plot_filter_effects
    >>> image = np.zeros((16, 16))
    >>> image[4:12, 4:12] = 1.0
    >>> kernels = {name: KERNELS[name] for name in ("box", "sobel_x")}
    >>> fig = plot_filter_effects(kernels, [image])
    >>> len(fig.axes)
    6
    """
    from scidl.nn.filters import apply_filter

    if not kernels:
        raise ValueError("kernels must not be empty.")
    images = [np.asarray(im) for im in images]
    for im in images:  # numbers only (NaN pixels are drawn blank)
        if not (np.issubdtype(im.dtype, np.number) or im.dtype == np.bool_):
            raise TypeError(f"images must hold numbers; got an image of dtype {im.dtype}.")
    images = [im.astype(np.float64, copy=False) for im in images]
    if not images or any(im.ndim != 2 for im in images):
        raise ValueError("images must be a non-empty sequence of 2D arrays.")
    names = list(kernels)
    fig, axes = _grid(len(images) + 1, len(names) + 1, title=title)
    axes[0, 0].axis("off")
    axes[0, 0].text(
        0.5, 0.5, "kernel →\nimage ↓", ha="center", va="center", transform=axes[0, 0].transAxes
    )
    for j, name in enumerate(names, start=1):
        _symmetric(axes[0, j], np.asarray(kernels[name]))
        axes[0, j].set_title(name, fontsize=8)
    for i, image in enumerate(images, start=1):
        axes[i, 0].imshow(image, cmap="gray")
        axes[i, 0].set_title("original", fontsize=8)
        for j, name in enumerate(names, start=1):
            out = apply_filter(image, kernels[name])
            axes[i, j].imshow(out, cmap="gray")
    return fig


@styled
def plot_learned_filters(model, *, layer=0, max_filters=64, ncols=8, title=None):
    """The learned kernels of one convolution layer as images (red positive, blue negative).

    For layers with several input channels, each filter is shown summed over them.

    Parameters
    ----------
    model : fitted ConvNetClassifier or ConvNetRegressor, or scidl.nn.ConvNet
        The network; its kernels come from :func:`scidl.nn.learned_filters`.
    layer : int, default 0
        The convolution layer (0 is the first).
    max_filters : int, default 64
        Show at most this many filters.
    ncols : int, default 8
        Filters per row.
    title : str, optional
        The figure title; by default it names the layer and kernel size.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import ConvNetClassifier
    >>> from scidl.plot import plot_learned_filters
    >>> X = np.random.default_rng(0).random((20, 8, 8)).astype(np.float32)
    >>> clf = ConvNetClassifier((4,), hidden_sizes=(8,), max_epochs=1, random_state=0)
    >>> clf = clf.fit(X, np.arange(20) % 2)
    >>> fig = plot_learned_filters(clf)
    >>> len([ax for ax in fig.axes if ax.images])
    4
    """
    from scidl.nn import learned_filters

    weights = learned_filters(model, layer)
    shown = weights[:max_filters].sum(axis=1)
    ncols = max(1, min(ncols, len(shown)))
    nrows = math.ceil(len(shown) / ncols)
    title = title or (
        f"Learned filters of conv layer {layer + 1} "
        f"({weights.shape[2]}x{weights.shape[3]}, {weights.shape[0]} channels)"
    )
    fig, axes = _grid(nrows, ncols, tile=0.9, title=title)
    for k, ax in enumerate(axes.ravel()):
        if k < len(shown):
            _symmetric(ax, shown[k])
        else:
            ax.axis("off")
    return fig


@styled
def plot_feature_maps(
    model, image, *, max_maps=8, title="Feature maps of one image through the network"
):
    """One row per stage: the input, then the first ``max_maps`` channels after each conv block.

    Parameters
    ----------
    model : fitted ConvNetClassifier or ConvNetRegressor, or scidl.nn.ConvNet
        The network; the maps come from :func:`scidl.nn.feature_maps`.
    image : array of shape (H, W), (C, H, W) or (C*H*W,)
        One input image.
    max_maps : int, default 8
        Channels shown per stage.
    title : str, default "Feature maps of one image through the network"
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import ConvNetClassifier
    >>> from scidl.plot import plot_feature_maps
    >>> X = np.random.default_rng(0).random((20, 8, 8)).astype(np.float32)
    >>> clf = ConvNetClassifier((4,), hidden_sizes=(8,), max_epochs=1, random_state=0)
    >>> clf = clf.fit(X, np.arange(20) % 2)
    >>> fig = plot_feature_maps(clf, X[0])
    >>> [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    ['input', 'block 1: 4x4x4']
    """
    from scidl.nn import feature_maps

    maps = feature_maps(model, image)
    ncols = max(min(max_maps, m.shape[0]) for m in maps)
    fig, axes = _grid(len(maps), ncols, tile=1.0, title=title)
    for i, stage in enumerate(maps):
        for j in range(ncols):
            ax = axes[i, j]
            if j < min(max_maps, stage.shape[0]):
                ax.imshow(stage[j], cmap="gray" if i == 0 else "viridis", interpolation="nearest")
            else:
                ax.axis("off")
        label = (
            "input" if i == 0 else f"block {i}: {stage.shape[0]}x{stage.shape[1]}x{stage.shape[2]}"
        )
        axes[i, 0].set_ylabel(label, fontsize=8)
    return fig
