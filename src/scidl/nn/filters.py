"""Convolution filters as image processing: the classic kernels, applied with ``conv2d``.

A convolution layer of a ConvNet learns its kernels; image processing chose
them by hand long before. This module holds the hand-made ones, so that the
lecture can show what a kernel does before a network learns its own:

box_kernel          local average (blur)
gaussian_kernel     Gaussian blur
sharpen_kernel      identity plus a Laplacian edge boost
sobel_kernel        smoothed derivative along x or y (edge detector)
prewitt_kernel      unsmoothed derivative along x or y
laplacian_kernel    second derivative, responds to edges and blobs
line_kernel         detector of thin lines (horizontal, vertical, diagonal)
gabor_kernel        oriented sine wave under a Gaussian (V1-like, like learned filters)
gabor_bank          Gabor kernels at several orientations
KERNELS             the fixed kernels by name
apply_filter        filter one image or a batch with one kernel or a bank, via torch

Like every deep-learning library, :func:`apply_filter` computes the
*cross-correlation* ``out[i, j] = sum_{k,l} w[k, l] x[i + k - r, j + l - r]``
(``torch.nn.functional.conv2d``), which is a convolution with the flipped
kernel; for the symmetric kernels the two are the same.

Examples
--------
>>> import numpy as np
>>> from scidl.nn.filters import apply_filter, sobel_kernel
>>> image = np.zeros((5, 6)); image[:, 3:] = 1.0     # a vertical step edge
>>> apply_filter(image, sobel_kernel("x"))[2].tolist()
[0.0, 0.0, 4.0, 4.0, 0.0, -4.0]
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.nn import functional as F

__all__ = [
    "KERNELS",
    "apply_filter",
    "box_kernel",
    "gabor_bank",
    "gabor_kernel",
    "gaussian_kernel",
    "laplacian_kernel",
    "line_kernel",
    "prewitt_kernel",
    "sharpen_kernel",
    "sobel_kernel",
]


def _check_size(size, name="size"):
    if (
        not isinstance(size, int | np.integer)
        or isinstance(size, bool)
        or size < 1
        or size % 2 == 0
    ):
        raise ValueError(f"{name} must be an odd positive int; got {size!r}.")
    return int(size)


def box_kernel(size=3):
    """The ``size x size`` average: every weight ``1 / size**2``.

    Parameters
    ----------
    size : int, default 3
        Odd side length.

    Returns
    -------
    ndarray of shape (size, size)
        The kernel (weights sum to 1).

    Examples
    --------
    >>> from scidl.nn.filters import box_kernel
    >>> box_kernel(3).tolist()[0], float(box_kernel(5).sum())
    ([0.1111111111111111, 0.1111111111111111, 0.1111111111111111], 1.0)
    """
    size = _check_size(size)
    return np.full((size, size), 1.0 / size**2)


def gaussian_kernel(sigma=1.0, size=None):
    """Normalised Gaussian ``exp(-(x^2 + y^2) / (2 sigma^2))``.

    Parameters
    ----------
    sigma : float, default 1.0
        Standard deviation in pixels.
    size : int, optional
        Odd side length; defaults to ``2 * ceil(3 sigma) + 1``.

    Returns
    -------
    ndarray of shape (size, size)
        The kernel (weights sum to 1).

    Examples
    --------
    >>> from scidl.nn.filters import gaussian_kernel
    >>> k = gaussian_kernel(1.0)
    >>> k.shape, round(float(k.sum()), 12), bool(k[3, 3] == k.max())
    ((7, 7), 1.0, True)
    """
    if not sigma > 0:
        raise ValueError(f"sigma must be positive; got {sigma!r}.")
    size = 2 * math.ceil(3 * sigma) + 1 if size is None else _check_size(size)
    r = np.arange(size) - size // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma**2))
    return g / g.sum()


def sharpen_kernel(strength=1.0):
    """``identity - strength * laplacian``: boosts edges, keeps flat regions (weights sum to 1).

    Parameters
    ----------
    strength : float, default 1.0
        Weight of the Laplacian.

    Returns
    -------
    ndarray of shape (3, 3)
        The kernel.

    Examples
    --------
    >>> from scidl.nn.filters import sharpen_kernel
    >>> sharpen_kernel().tolist()
    [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]
    """
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    return identity - strength * laplacian_kernel()


def _derivative(smoothing, axis):
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y'; got {axis!r}.")
    kx = np.outer(smoothing, [-1.0, 0.0, 1.0])  # d/dx: columns increase to the right
    return kx if axis == "x" else kx.T.copy()


def sobel_kernel(axis="x"):
    """Sobel derivative along ``axis``, smoothed across it (weights 1, 2, 1).

    Parameters
    ----------
    axis : {"x", "y"}, default "x"
        "x": left to right, "y": top to bottom.

    Returns
    -------
    ndarray of shape (3, 3)
        The kernel (weights sum to 0).

    Examples
    --------
    >>> from scidl.nn.filters import sobel_kernel
    >>> sobel_kernel("x").tolist()
    [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
    """
    return _derivative(np.array([1.0, 2.0, 1.0]), axis)


def prewitt_kernel(axis="x"):
    """Prewitt derivative along ``axis`` (the Sobel kernel without the centre weighting).

    Parameters
    ----------
    axis : {"x", "y"}, default "x"
        "x": left to right, "y": top to bottom.

    Returns
    -------
    ndarray of shape (3, 3)
        The kernel (weights sum to 0).

    Examples
    --------
    >>> from scidl.nn.filters import prewitt_kernel
    >>> prewitt_kernel("y").tolist()
    [[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """
    return _derivative(np.array([1.0, 1.0, 1.0]), axis)


def laplacian_kernel(diagonals=False):
    """Discrete Laplacian ``d2/dx2 + d2/dy2`` (5-point stencil, or 9-point with ``diagonals``).

    Parameters
    ----------
    diagonals : bool, default False
        Include the diagonal neighbours.

    Returns
    -------
    ndarray of shape (3, 3)
        The kernel (weights sum to 0).

    Examples
    --------
    >>> from scidl.nn.filters import laplacian_kernel
    >>> laplacian_kernel().tolist()
    [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]
    >>> float(laplacian_kernel(diagonals=True)[1, 1])
    -8.0
    """
    if diagonals:
        k = np.ones((3, 3))
        k[1, 1] = -8.0
        return k
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def line_kernel(direction="horizontal"):
    """Detector of one-pixel lines: +2 on the line, -1 beside it (weights sum to 0).

    Parameters
    ----------
    direction : str, default "horizontal"
        "horizontal", "vertical", "diagonal" (top left to bottom right) or
        "antidiagonal".

    Returns
    -------
    ndarray of shape (3, 3)
        The kernel.

    Examples
    --------
    >>> from scidl.nn.filters import line_kernel
    >>> line_kernel("vertical").tolist()
    [[-1.0, 2.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, 2.0, -1.0]]
    """
    k = -np.ones((3, 3))
    if direction == "horizontal":
        k[1, :] = 2.0
    elif direction == "vertical":
        k[:, 1] = 2.0
    elif direction == "diagonal":
        k[np.diag_indices(3)] = 2.0
    elif direction == "antidiagonal":
        k[np.arange(3), 2 - np.arange(3)] = 2.0
    else:
        raise ValueError(
            "direction must be 'horizontal', 'vertical', 'diagonal' or 'antidiagonal'; "
            f"got {direction!r}."
        )
    return k


def gabor_kernel(theta=0.0, *, sigma=2.0, wavelength=4.0, gamma=0.5, phase=0.0, size=None):
    """Real Gabor kernel: a cosine wave along direction ``theta`` under a Gaussian envelope.

    ``g(x, y) = exp(-(x'^2 + gamma^2 y'^2) / (2 sigma^2)) cos(2 pi x' / wavelength + phase)``
    with ``x' = x cos(theta) + y sin(theta)``, ``y' = -x sin(theta) + y cos(theta)``;
    the mean is removed so that flat regions give no response. Gabor filters
    model simple cells of the visual cortex (Daugman, 1985, JOSA A 2, 1160)
    and resemble the first-layer filters that ConvNets learn.

    Parameters
    ----------
    theta : float, default 0.0
        Direction of the wave, in radians (0: the wave runs along x).
    sigma : float, default 2.0
        Width of the Gaussian envelope in pixels.
    wavelength : float, default 4.0
        Wavelength of the cosine in pixels.
    gamma : float, default 0.5
        Aspect ratio of the envelope (across / along the wave).
    phase : float, default 0.0
        Phase of the cosine.
    size : int, optional
        Odd side length; defaults to ``2 * ceil(3 sigma) + 1``.

    Returns
    -------
    ndarray of shape (size, size)
        The kernel (weights sum to 0).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn.filters import gabor_kernel
    >>> k = gabor_kernel(0.0)
    >>> k.shape, bool(abs(k.sum()) < 1e-12), bool(np.allclose(gabor_kernel(np.pi / 2), k.T))
    ((13, 13), True, True)
    """
    size = 2 * math.ceil(3 * sigma) + 1 if size is None else _check_size(size)
    r = np.arange(size) - size // 2
    y, x = np.meshgrid(r, r, indexing="ij")
    xr = x * np.cos(theta) + y * np.sin(theta)
    yr = -x * np.sin(theta) + y * np.cos(theta)
    g = np.exp(-(xr**2 + gamma**2 * yr**2) / (2 * sigma**2)) * np.cos(
        2 * np.pi * xr / wavelength + phase
    )
    return g - g.mean()


def gabor_bank(n_orientations=4, **kwargs):
    """Gabor kernels at ``n_orientations`` evenly spaced angles in ``[0, pi)``.

    Parameters
    ----------
    n_orientations : int, default 4
        Number of kernels.
    **kwargs
        Passed to :func:`gabor_kernel` (``sigma``, ``wavelength``, ...).

    Returns
    -------
    ndarray of shape (n_orientations, size, size)
        One kernel per angle ``i pi / n_orientations``.

    Examples
    --------
    >>> from scidl.nn.filters import gabor_bank
    >>> gabor_bank(4, sigma=1.0).shape
    (4, 7, 7)
    """
    thetas = np.arange(n_orientations) * np.pi / n_orientations
    return np.stack([gabor_kernel(t, **kwargs) for t in thetas])


KERNELS = {
    "box": box_kernel(3),
    "gaussian": gaussian_kernel(1.0),
    "sharpen": sharpen_kernel(),
    "sobel_x": sobel_kernel("x"),
    "sobel_y": sobel_kernel("y"),
    "laplacian": laplacian_kernel(),
    "line_horizontal": line_kernel("horizontal"),
    "line_vertical": line_kernel("vertical"),
    "gabor_0": gabor_kernel(0.0),
    "gabor_45": gabor_kernel(np.pi / 4),
}


def apply_filter(images, kernels, *, padding="same"):
    """Cross-correlate images with kernel(s) using ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    images : array-like or tensor of shape (H, W), (n, H, W) or (n, C, H, W)
        One image or a batch; with ``C`` channels each kernel is applied to
        every channel separately.
    kernels : array-like or tensor of shape (kh, kw) or (k, kh, kw)
        One kernel or a bank of ``k`` kernels (odd sizes for ``padding="same"``).
    padding : {"same", "valid"}
        "same" pads with zeros so the output has the input's size (as
        ``scipy.ndimage.correlate(..., mode="constant")``); "valid" keeps only
        positions where the kernel fits inside the image.

    Returns
    -------
    ndarray or tensor
        Same type as ``images`` (float64 for NumPy input unless it was float32).
        One kernel keeps the input's shape (up to "valid" cropping); a bank adds
        an axis of length ``k`` after the batch axis: ``(k, H, W)`` for one
        image, ``(n, k, H, W)`` or ``(n, C, k, H, W)`` for batches.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn.filters import apply_filter, box_kernel, gabor_bank
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> apply_filter(image, box_kernel(3), padding="valid").round(12).tolist()  # local means
    [[5.0, 6.0], [9.0, 10.0]]
    >>> apply_filter(np.ones((2, 16, 16)), gabor_bank(3)).shape  # a batch and a bank
    (2, 3, 16, 16)
    """
    if padding not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid'; got {padding!r}.")
    is_tensor = isinstance(images, torch.Tensor)
    if not is_tensor:
        images = np.asarray(images)
        if not (np.issubdtype(images.dtype, np.number) or images.dtype == np.bool_):
            raise TypeError(f"images must hold numbers; got dtype {images.dtype}.")
    x = images if is_tensor else torch.as_tensor(images)
    if not (x.is_floating_point()):
        x = x.to(torch.float64)
    if x.dim() not in (2, 3, 4):
        raise ValueError(
            f"images must have shape (H, W), (n, H, W) or (n, C, H, W); got shape {tuple(x.shape)}."
        )
    w = (
        kernels
        if isinstance(kernels, torch.Tensor)
        else torch.as_tensor(np.asarray(kernels, dtype=np.float64))
    )
    if w.dim() not in (2, 3):
        raise ValueError(
            f"kernels must have shape (kh, kw) or (k, kh, kw); got shape {tuple(w.shape)}."
        )
    bank = w.dim() == 3
    w = (w if bank else w[None]).to(device=x.device, dtype=x.dtype)
    kh, kw = w.shape[-2:]
    if padding == "same" and (kh % 2 == 0 or kw % 2 == 0):
        raise ValueError(f"padding='same' needs odd kernel sizes; got {kh}x{kw}.")

    in_dim = x.dim()
    if in_dim == 2:
        batch = x[None, None]
    elif in_dim == 3:
        batch = x[:, None]
    else:
        batch = x.reshape(-1, 1, *x.shape[-2:])  # every channel filtered on its own
    pad = (kh // 2, kw // 2) if padding == "same" else 0
    out = F.conv2d(batch, w[:, None], padding=pad)  # (N, k, H', W')
    if not bank:
        out = out[:, 0]
    if in_dim == 2:
        out = out[0]
    elif in_dim == 4:
        out = out.reshape(*x.shape[:2], *out.shape[1:])
    return out if is_tensor else out.numpy()
