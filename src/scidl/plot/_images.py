"""Grids of images, e.g. misclassified digits with their true and predicted labels."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["plot_image_grid"]


def _as_images(images, shape):
    """Images as an array (n, h, w) or (n, h, w, channels)."""
    arr = np.asarray(images)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"images must be numeric; got dtype {arr.dtype}.")
    if shape is not None:
        shape = tuple(int(s) for s in np.atleast_1d(shape))
        size = math.prod(shape)
        if size == 0 or arr.size % size:
            raise ValueError(
                f"images of {arr.size} values in total cannot be reshaped into images of shape "
                f"{shape}."
            )
        return arr.reshape((-1, *shape))
    if arr.ndim == 2:  # flattened square images
        side = math.isqrt(arr.shape[1])
        if side * side != arr.shape[1]:
            raise ValueError(
                f"images of shape {arr.shape} look flattened but {arr.shape[1]} is not a square "
                "number; pass shape=(height, width)."
            )
        return arr.reshape(len(arr), side, side)
    if arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] in (3, 4)):
        return arr
    raise ValueError(
        "images must have shape (n, height, width), (n, height, width, 3|4) or (n, pixels) "
        f"with shape=(height, width); got shape {arr.shape}."
    )


def _titles(n, labels, predictions):
    """Per-image titles and whether each prediction is wrong."""
    labels = None if labels is None else np.asarray(labels).reshape(-1)
    predictions = None if predictions is None else np.asarray(predictions).reshape(-1)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}); got {len(values)}.")
    titles, wrong = [], []
    for i in range(n):
        if labels is not None and predictions is not None:
            titles.append(f"{labels[i]}→{predictions[i]}")
            wrong.append(bool(labels[i] != predictions[i]))
        elif labels is not None:
            titles.append(str(labels[i]))
            wrong.append(False)
        elif predictions is not None:
            titles.append(f"pred {predictions[i]}")
            wrong.append(False)
        else:
            titles.append(None)
            wrong.append(False)
    return titles, wrong


@styled
def plot_image_grid(
    images,
    labels=None,
    predictions=None,
    *,
    ncols=10,
    shape=None,
    cmap="gray_r",
    title=None,
    ax=None,
):
    """Show images in a grid, titled by label, prediction or "true→pred".

    Parameters
    ----------
    images : array-like of shape (n, h, w), (n, h, w, 3|4) or (n, h*w)
        The images; flattened rows are reshaped with ``shape``, or into
        squares when ``shape`` is None and the row length is a square number.
        An empty ``images`` (say, no misclassified digits) draws a panel that
        reads "no images".
    labels, predictions : array-like of shape (n,), default None
        Titles: ``"3"`` with labels, ``"pred 3"`` with predictions, and
        ``"3→5"`` (true→predicted) with both; wrong predictions are titled in
        vermillion.
    ncols : int, default 10
        Images per row.
    shape : tuple of int, default None
        Shape of one image, for flattened input.
    cmap : str, default "gray_r"
        Colormap of single-channel images (ink dark on white for digits).
    title : str, default None
        Figure (or Axes) title.
    ax : matplotlib Axes, default None
        If given, the grid is drawn as one mosaic image on this Axes with the
        titles written under each tile.

    Returns
    -------
    matplotlib.figure.Figure
        With ``ax=None``: one Axes per image (an empty grid shows a message).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_image_grid
    >>> fig = plot_image_grid(np.zeros((3, 64)), labels=[1, 2, 3], predictions=[1, 7, 3])
    >>> len(fig.axes), fig.axes[1].get_title()
    (3, '2→7')
    """
    check_ax(ax)
    imgs = _as_images(images, shape)
    n = len(imgs)
    titles, wrong = _titles(n, labels, predictions)
    ncols = int(ncols)
    if ncols < 1:
        raise ValueError(f"ncols must be an int >= 1; got {ncols}.")
    ncols = min(ncols, max(n, 1))
    nrows = max(1, math.ceil(n / ncols))
    gray = imgs.ndim == 3
    if gray and n:
        vmin, vmax = float(np.min(imgs)), float(np.max(imgs))
    else:
        vmin = vmax = None

    if ax is not None:
        return _mosaic(ax, imgs, titles, wrong, ncols, nrows, cmap, title)

    if n == 0:
        fig, empty = new_figure(figsize=(4, 1.2))
        empty.axis("off")
        empty.text(0.5, 0.5, "no images", ha="center", va="center")
        if title:
            fig.suptitle(title)
        return fig
    # A fixed grid in inches: constrained layout is slow for dozens of axes.
    tile_w, tile_h, title_h, pad = 1.0, 1.2, (0.45 if title else 0.0), 0.1
    width, height = ncols * tile_w + 2 * pad, nrows * tile_h + title_h + 2 * pad
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(
        nrows,
        ncols,
        squeeze=False,
        gridspec_kw={
            "left": pad / width,
            "right": 1 - pad / width,
            "bottom": pad / height,
            "top": 1 - (pad + title_h) / height,
            "wspace": 0.08,
            "hspace": 0.3,
        },
    )
    for i, image_ax in enumerate(axes.ravel()):
        if i >= n:
            fig.delaxes(image_ax)
            continue
        image_ax.imshow(
            imgs[i], cmap=cmap if gray else None, vmin=vmin, vmax=vmax, interpolation="nearest"
        )
        image_ax.set_axis_off()
        if titles[i] is not None:
            image_ax.set_title(
                titles[i], fontsize=9, color=PALETTE[3] if wrong[i] else "black", pad=2
            )
    if title:
        fig.suptitle(title, y=1 - pad / height, va="top")
    return fig


def _mosaic(ax, imgs, titles, wrong, ncols, nrows, cmap, title):
    """Tile the images into one array and show it on ``ax``."""
    fig = figure_of(ax)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if len(imgs) == 0:
        ax.text(0.5, 0.5, "no images", ha="center", va="center", transform=ax.transAxes)
        return fig
    h, w = imgs.shape[1:3]
    gap = max(1, h // 8)
    tile_h = h + 3 * gap  # room for a label under each image
    canvas_shape = (nrows * tile_h, ncols * (w + gap), *imgs.shape[3:])
    canvas = np.full(canvas_shape, np.nan if imgs.ndim == 3 else 1.0, dtype=float)
    for i, image in enumerate(imgs):
        r, c = divmod(i, ncols)
        canvas[r * tile_h : r * tile_h + h, c * (w + gap) : c * (w + gap) + w] = image
    ax.imshow(canvas, cmap=cmap if imgs.ndim == 3 else None, interpolation="nearest")
    for i, text in enumerate(titles):
        if text is None:
            continue
        r, c = divmod(i, ncols)
        ax.text(
            c * (w + gap) + w / 2,
            r * tile_h + h + 1.2 * gap,
            text,
            ha="center",
            va="center",
            fontsize=8,
            color=PALETTE[3] if wrong[i] else "black",
        )
    return fig
