"""Two-dimensional Gaussian mixtures for measuring a GAN's mode coverage.

The two mixtures of the mode-collapse benchmark of VEEGAN (Srivastava et al.
2017) and PacGAN (Lin et al. 2018, arXiv:1712.04086):

- the *ring*: 8 Gaussians with means ``(cos 2 pi i / 8, sin 2 pi i / 8)``,
  ``i = 0 .. 7``, standard deviation 0.01;
- the *grid*: 25 Gaussians with means ``(-4 + 2 i, -4 + 2 j)``, ``i, j = 0 .. 4``,
  standard deviation 0.05.

The mixtures are uniform over their modes. Every generator returns ``X``
(float64, ``(n_samples, 2)``) and ``y`` (int64, the mode of each sample); the
modes are sampled independently (a multinomial draw, as the papers do), and
:func:`ring_modes` / :func:`grid_modes` give the means.
"""

from __future__ import annotations

import numpy as np

from ._rng import check_random_state
from ._validation import check_float, check_int

__all__ = ["grid_modes", "make_grid_mixture", "make_ring_mixture", "ring_modes"]


def ring_modes(n_modes=8, *, radius=1.0):
    """The means of a ring of Gaussians: ``radius * (cos 2 pi i / n, sin 2 pi i / n)``.

    Parameters
    ----------
    n_modes : int, default 8
        Number of modes on the ring (>= 1).
    radius : float, default 1.0
        Radius of the ring (> 0).

    Returns
    -------
    ndarray of shape (n_modes, 2), float64

    Examples
    --------
    >>> from scidl.data import ring_modes
    >>> ring_modes(4).round(3).tolist()
    [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]
    """
    n_modes = check_int(n_modes, "n_modes", min_value=1)
    radius = check_float(radius, "radius", min_value=0.0, min_inclusive=False)
    angle = 2.0 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def grid_modes(n_per_side=5, *, spacing=2.0):
    """The means of a square grid of Gaussians, centred on the origin.

    With the defaults the means are ``(-4 + 2 i, -4 + 2 j)``, ``i, j = 0 .. 4``
    (the 25-Gaussian grid of VEEGAN and PacGAN); mode ``5 i + j`` sits at ``(x_i, y_j)``.

    Parameters
    ----------
    n_per_side : int, default 5
        Modes along each axis (>= 1).
    spacing : float, default 2.0
        Distance between neighbouring modes (> 0).

    Returns
    -------
    ndarray of shape (n_per_side ** 2, 2), float64

    Examples
    --------
    >>> from scidl.data import grid_modes
    >>> grid_modes(2).tolist()
    [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]
    """
    n_per_side = check_int(n_per_side, "n_per_side", min_value=1)
    spacing = check_float(spacing, "spacing", min_value=0.0, min_inclusive=False)
    axis = spacing * (np.arange(n_per_side) - (n_per_side - 1) / 2.0)
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def _sample(modes, n_samples, sigma, random_state):
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    sigma = check_float(sigma, "sigma", min_value=0.0)
    rng = check_random_state(random_state)
    y = rng.integers(0, len(modes), size=n_samples).astype(np.int64)
    X = modes[y] + sigma * rng.standard_normal((n_samples, 2))
    return np.ascontiguousarray(X, dtype=np.float64), y


def make_ring_mixture(n_samples=2500, *, n_modes=8, radius=1.0, sigma=0.01, random_state=None):
    """Samples of a uniform mixture of Gaussians on a ring (the "2D-ring" of PacGAN).

    Parameters
    ----------
    n_samples : int, default 2500
        Number of points (>= 1).
    n_modes : int, default 8
        Number of modes, at the angles ``2 pi i / n_modes``.
    radius : float, default 1.0
        Radius of the ring.
    sigma : float, default 0.01
        Standard deviation of each (isotropic) Gaussian.
    random_state : None, int, Generator or RandomState, default None
        Seeds the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), int64
        The mode each point was drawn from (rows of ``ring_modes(n_modes, radius=radius)``).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_ring_mixture, ring_modes
    >>> X, y = make_ring_mixture(1000, random_state=0)
    >>> X.shape, sorted(set(y.tolist())) == list(range(8))
    ((1000, 2), True)
    >>> bool(np.abs(X - ring_modes()[y]).max() < 0.06)  # within 6 sigma of its mode
    True
    """
    return _sample(ring_modes(n_modes, radius=radius), n_samples, sigma, random_state)


def make_grid_mixture(n_samples=2500, *, n_per_side=5, spacing=2.0, sigma=0.05, random_state=None):
    """Samples of a uniform mixture of Gaussians on a square grid (the "2D-grid" of PacGAN).

    Parameters
    ----------
    n_samples : int, default 2500
        Number of points (>= 1).
    n_per_side : int, default 5
        Modes along each axis (25 in all by default).
    spacing : float, default 2.0
        Distance between neighbouring modes.
    sigma : float, default 0.05
        Standard deviation of each (isotropic) Gaussian.
    random_state : None, int, Generator or RandomState, default None
        Seeds the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), int64
        The mode of each point (rows of ``grid_modes(n_per_side, spacing=spacing)``).

    Examples
    --------
    >>> from scidl.data import make_grid_mixture
    >>> X, y = make_grid_mixture(500, random_state=0)
    >>> X.shape, int(y.max()) + 1, bool(abs(X).max() < 4.5)
    ((500, 2), 25, True)
    """
    return _sample(grid_modes(n_per_side, spacing=spacing), n_samples, sigma, random_state)
