"""Model potentials for overdamped Langevin dynamics (chapter 7).

NumPy only; re-exported by :mod:`scidl.data`. Each potential gives its energy and
gradient on arrays of shape ``(..., dim)`` and the defaults to simulate it
(:func:`scidl.data.simulate_langevin`).

Potentials (by name for :func:`get_potential`):

``"double_well"``            ``V = h (x^2 - 1)^2``
``"asymmetric_double_well"`` ``V = h (x^2 - 1)^2 + a x``
``"triple_well_1d"``         ``V = h x^2 (x^2 - 1)^2``
``"triple_well_2d"``         the three-well potential of Metzner, Schuette and Vanden-Eijnden
``"muller_brown"``           the Mueller-Brown potential (three minima)
``"torsion"``                a periodic two-angle landscape with beta, alpha-R and alpha-L basins
``"double_well_2d"``         ``V = x^4 - 6 x^2 + x + y^2 / 2``, the Boltzmann-generator double well
"""

from __future__ import annotations

import numpy as np

__all__ = ["POTENTIALS", "Potential", "get_potential"]


class Potential:
    """A model potential: energy, gradient and the defaults to simulate it.

    The base class of the potentials in :data:`POTENTIALS`. A subclass sets the class
    attributes below and implements :meth:`energy` and :meth:`gradient` on arrays of
    shape ``(..., dim)``; an instance can then be passed wherever a potential name is
    accepted (:func:`scidl.data.simulate_langevin`,
    :func:`scidl.kinetics.langevin_reference`).

    Attributes
    ----------
    name : str
        The potential's name (its key in :data:`POTENTIALS`).
    dim : int
        Number of coordinates.
    domain : ndarray of shape (dim, 2)
        Lower and upper bound of each coordinate: the box of reference grids and plots,
        and the period of a periodic potential.
    periodic : bool
        Whether positions wrap around the domain.
    kT : float
        Default thermal energy.
    dt : float
        Default integration time step.
    x0 : ndarray of shape (dim,)
        Default start point.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import Potential, simulate_langevin
    >>> class Harmonic(Potential):
    ...     name = "harmonic"
    ...     domain = np.array([[-3.0, 3.0]])
    ...     def energy(self, x):
    ...         return 0.5 * x[..., 0] ** 2
    ...     def gradient(self, x):
    ...         return x
    >>> Harmonic().energy(np.array([[2.0]]))
    array([2.])
    >>> simulate_langevin(Harmonic(), 50, random_state=0).shape
    (50, 1)
    """

    name = "potential"
    dim = 1
    domain = np.array([[-1.0, 1.0]])
    periodic = False
    kT = 1.0
    dt = 1e-3
    x0 = np.zeros(1)

    def energy(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def gradient(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class DoubleWell(Potential):
    """``V(x) = h (x^2 - 1)^2``: minima at +-1, barrier ``h`` at 0."""

    name = "double_well"
    domain = np.array([[-2.0, 2.0]])
    x0 = np.array([-1.0])

    def __init__(self, h=3.0):
        self.h = float(h)

    def energy(self, x):
        x = x[..., 0]
        return self.h * (x**2 - 1.0) ** 2

    def gradient(self, x):
        return 4.0 * self.h * x * (x**2 - 1.0)


class AsymmetricDoubleWell(DoubleWell):
    """``V(x) = h (x^2 - 1)^2 + a x``: the right well is higher by about ``2a``."""

    name = "asymmetric_double_well"

    def __init__(self, h=3.0, a=0.5):
        super().__init__(h)
        self.a = float(a)

    def energy(self, x):
        return super().energy(x) + self.a * x[..., 0]

    def gradient(self, x):
        return super().gradient(x) + self.a


class TripleWell1D(Potential):
    """``V(x) = h x^2 (x^2 - 1)^2``: minima at -1, 0, 1; barriers ``4h/27`` at ``+-1/sqrt(3)``."""

    name = "triple_well_1d"
    domain = np.array([[-1.8, 1.8]])
    x0 = np.array([-1.0])

    def __init__(self, h=20.0):
        self.h = float(h)

    def energy(self, x):
        x = x[..., 0]
        return self.h * x**2 * (x**2 - 1.0) ** 2

    def gradient(self, x):
        # d/dx [x^2 (x^2-1)^2] = 2x (x^2-1)^2 + 4x^3 (x^2-1) = 2x (x^2-1)(3x^2-1)
        return self.h * 2.0 * x * (x**2 - 1.0) * (3.0 * x**2 - 1.0)


def _gaussian_terms(x, centers, widths, heights):
    """Sum of ``heights * exp(-|(x - c) / w|^2)`` and its gradient, over the last axis."""
    diff = (x[..., None, :] - centers) / widths  # (..., K, dim)
    g = heights * np.exp(-np.sum(diff**2, axis=-1))  # (..., K)
    grad = np.sum(g[..., None] * (-2.0 * diff / widths), axis=-2)
    return g.sum(axis=-1), grad


class TripleWell2D(Potential):
    """Three-well potential of Metzner, Schuette and Vanden-Eijnden (2006).

    ``V = 3 G(x, y - 1/3) - 3 G(x, y - 5/3) - 5 G(x - 1, y) - 5 G(x + 1, y)
    + 0.2 x^4 + 0.2 (y - 1/3)^4`` with ``G(u, v) = exp(-u^2 - v^2)``. Two deep wells at
    ``(+-1, 0)`` and a shallow one near ``(0, 1.5)``.
    """

    name = "triple_well_2d"
    dim = 2
    domain = np.array([[-2.0, 2.0], [-1.5, 2.5]])
    kT = 1.0
    dt = 1e-3
    x0 = np.array([-1.0, 0.0])
    _centers = np.array([[0.0, 1 / 3], [0.0, 5 / 3], [1.0, 0.0], [-1.0, 0.0]])
    _heights = np.array([3.0, -3.0, -5.0, -5.0])

    def energy(self, x):
        g, _ = _gaussian_terms(x, self._centers, 1.0, self._heights)
        return g + 0.2 * x[..., 0] ** 4 + 0.2 * (x[..., 1] - 1 / 3) ** 4

    def gradient(self, x):
        _, grad = _gaussian_terms(x, self._centers, 1.0, self._heights)
        quartic = np.stack([0.8 * x[..., 0] ** 3, 0.8 * (x[..., 1] - 1 / 3) ** 3], axis=-1)
        return grad + quartic


class MullerBrown(Potential):
    """The Mueller-Brown potential (Mueller and Brown, 1979), scaled by ``scale``.

    ``V = scale * sum_k A_k exp(a_k (x-x_k)^2 + b_k (x-x_k)(y-y_k) + c_k (y-y_k)^2)``
    with the published constants. Minima near ``(-0.56, 1.44)``, ``(0.62, 0.03)`` and
    ``(-0.05, 0.47)``.
    """

    name = "muller_brown"
    dim = 2
    domain = np.array([[-1.5, 1.2], [-0.4, 2.0]])
    kT = 1.5
    dt = 1e-4
    x0 = np.array([-0.56, 1.44])
    A = np.array([-200.0, -100.0, -170.0, 15.0])
    a = np.array([-1.0, -1.0, -6.5, 0.7])
    b = np.array([0.0, 0.0, 11.0, 0.6])
    c = np.array([-10.0, -10.0, -6.5, 0.7])
    xk = np.array([1.0, 0.0, -0.5, -1.0])
    yk = np.array([0.0, 0.5, 1.5, 1.0])

    def __init__(self, scale=0.1):
        self.scale = float(scale)

    def _terms(self, x):
        dx = x[..., 0:1] - self.xk
        dy = x[..., 1:2] - self.yk
        e = self.A * np.exp(self.a * dx**2 + self.b * dx * dy + self.c * dy**2)
        return e, dx, dy

    def energy(self, x):
        e, _, _ = self._terms(x)
        return self.scale * e.sum(axis=-1)

    def gradient(self, x):
        e, dx, dy = self._terms(x)
        gx = np.sum(e * (2 * self.a * dx + self.b * dy), axis=-1)
        gy = np.sum(e * (self.b * dx + 2 * self.c * dy), axis=-1)
        return self.scale * np.stack([gx, gy], axis=-1)


class Torsion(Potential):
    """A periodic landscape in two torsion angles ``(phi, psi)`` in ``[-pi, pi)^2``.

    ``V = -depth * log(sum_k w_k exp(kappa_k (cos(phi - phi_k) + cos(psi - psi_k) - 2)))``:
    a smooth mixture of von Mises wells at the beta ``(-2.5, 2.7)``, alpha-R
    ``(-1.4, -0.6)`` and alpha-L ``(1.1, 0.6)`` positions of an alanine-dipeptide
    Ramachandran plot, with alpha-L the least populated.
    """

    name = "torsion"
    dim = 2
    domain = np.array([[-np.pi, np.pi], [-np.pi, np.pi]])
    periodic = True
    kT = 1.0
    dt = 1e-3
    x0 = np.array([-2.5, 2.7])
    centers = np.array([[-2.5, 2.7], [-1.4, -0.6], [1.1, 0.6]])
    weights = np.array([1.0, 0.7, 0.15])
    kappas = np.array([3.0, 3.5, 4.0])

    def __init__(self, depth=1.5):
        self.depth = float(depth)

    def _mixture(self, x):
        d = x[..., None, :] - self.centers  # (..., K, 2)
        terms = self.weights * np.exp(self.kappas * (np.cos(d).sum(axis=-1) - 2.0))
        return terms, d

    def energy(self, x):
        terms, _ = self._mixture(x)
        return -self.depth * np.log(terms.sum(axis=-1))

    def gradient(self, x):
        terms, d = self._mixture(x)
        s = terms.sum(axis=-1)
        ds = np.sum(terms[..., None] * self.kappas[:, None] * (-np.sin(d)), axis=-2)
        return -self.depth * ds / s[..., None]


class DoubleWell2D(Potential):
    """``V(x, y) = a x^4 - b x^2 + c x + k y^2 / 2``: the double well of Noe et al. (2019).

    With the defaults ``a=1, b=6, c=1, k=1`` (the Boltzmann-generator example of Noe,
    Olsson, Koehler and Wu, Science 2019): minima near ``x = -1.77`` (``V = -10.75``) and
    ``x = 1.69`` (``V = -7.29``), the saddle at ``x = 0.084`` (``V = 0.04``). At ``kT = 1``
    the free energy of the right well (``x > 0``) exceeds the left's by 3.38 kT.
    """

    name = "double_well_2d"
    dim = 2
    domain = np.array([[-3.0, 3.0], [-4.0, 4.0]])
    kT = 1.0
    dt = 1e-3
    x0 = np.array([-1.77, 0.0])

    def __init__(self, a=1.0, b=6.0, c=1.0, k=1.0):
        self.a, self.b, self.c, self.k = float(a), float(b), float(c), float(k)

    def energy(self, x):
        u, v = x[..., 0], x[..., 1]
        return self.a * u**4 - self.b * u**2 + self.c * u + 0.5 * self.k * v**2

    def gradient(self, x):
        u, v = x[..., 0], x[..., 1]
        gu = 4.0 * self.a * u**3 - 2.0 * self.b * u + self.c
        return np.stack([gu, self.k * v], axis=-1)


POTENTIALS = {
    cls.name: cls
    for cls in (
        DoubleWell,
        AsymmetricDoubleWell,
        TripleWell1D,
        TripleWell2D,
        MullerBrown,
        Torsion,
        DoubleWell2D,
    )
}


def get_potential(potential="double_well", **kwargs) -> Potential:
    """Return a :class:`Potential` by name (keyword arguments go to its constructor).

    Parameters
    ----------
    potential : str or Potential
        A name from :data:`POTENTIALS`; a :class:`Potential` instance is returned
        unchanged.
    **kwargs
        Parameters of the potential's constructor (e.g. the barrier height ``h`` of
        ``"double_well"``); only with a name.

    Returns
    -------
    Potential

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import get_potential
    >>> get_potential("double_well").energy(np.array([[0.0]]))
    array([3.])
    >>> get_potential("double_well", h=5.0).energy(np.array([[0.0], [1.0]]))
    array([5., 0.])
    """
    if isinstance(potential, Potential):
        if kwargs:
            raise ValueError("keyword arguments are only accepted with a potential name.")
        return potential
    if not isinstance(potential, str) or potential not in POTENTIALS:
        raise ValueError(
            f"potential must be a Potential or one of {', '.join(map(repr, sorted(POTENTIALS)))}; "
            f"got {potential!r}."
        )
    return POTENTIALS[potential](**kwargs)
