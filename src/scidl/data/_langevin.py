"""Overdamped Langevin (Brownian) dynamics in model potentials, with exact references.

NumPy/SciPy only; re-exported by :mod:`scidl.data`.

The dynamics is ``dx = -grad V(x) dt + sqrt(2 kT) dW`` (friction and mass set to one,
so the diffusion constant is ``D = kT``), integrated by Euler-Maruyama for many
independent walkers at once.

Potentials (by name for :func:`get_potential` / :func:`simulate_langevin`):

``"double_well"``            ``V = h (x^2 - 1)^2``
``"asymmetric_double_well"`` ``V = h (x^2 - 1)^2 + a x``
``"triple_well_1d"``         ``V = h x^2 (x^2 - 1)^2``
``"triple_well_2d"``         the three-well potential of Metzner, Schuette and Vanden-Eijnden
``"muller_brown"``           the Mueller-Brown potential (three minima)
``"torsion"``                a periodic two-angle landscape with beta, alpha-R and alpha-L basins

:func:`langevin_reference` discretises the generator of the dynamics on a fine grid
(square-root approximation, a reversible finite-volume scheme) and returns its
stationary distribution, eigenvalues and exact implied timescales, and the transfer
operator ``exp(lagtime * Q)`` on the grid. The simulators need NumPy only; the reference
imports SciPy (sparse eigensolvers) when it is called.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._markov_chains import _check_count, _rng

__all__ = [
    "LangevinReference",
    "Potential",
    "get_potential",
    "langevin_reference",
    "simulate_langevin",
    "POTENTIALS",
]


class Potential:
    """A model potential: energy, gradient and the defaults to simulate it.

    Subclasses set ``name``, ``dim``, ``domain`` (``(dim, 2)`` box used for reference
    grids and plots), ``periodic``, ``kT``, ``dt`` and ``x0`` (default start point), and
    implement :meth:`energy` and :meth:`gradient` on arrays of shape ``(..., dim)``.
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


POTENTIALS = {
    cls.name: cls
    for cls in (DoubleWell, AsymmetricDoubleWell, TripleWell1D, TripleWell2D, MullerBrown, Torsion)
}


def get_potential(potential="double_well", **kwargs) -> Potential:
    """Return a :class:`Potential` by name (keyword arguments go to its constructor).

    A :class:`Potential` instance is returned unchanged.

    Examples
    --------
    >>> get_potential("double_well").energy(np.array([[0.0]]))
    array([3.])
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


def _check_positive(value, name):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


def _wrap(x, domain):
    lo, hi = domain[:, 0], domain[:, 1]
    return lo + np.mod(x - lo, hi - lo)


def simulate_langevin(
    potential="double_well",
    n_steps=1000,
    *,
    n_walkers=None,
    dt=None,
    kT=None,
    stride=1,
    x0=None,
    random_state=None,
    return_reference=False,
):
    """Simulate overdamped Langevin dynamics ``dx = -grad V dt + sqrt(2 kT) dW``.

    Parameters
    ----------
    potential : str or Potential
        A name from :data:`POTENTIALS` or a :class:`Potential` instance.
    n_steps : int
        Number of saved frames per walker (the start included).
    n_walkers : int, optional
        Number of independent walkers, advanced together. ``None`` returns one
        trajectory of shape ``(n_steps, dim)``; an int returns ``(n_walkers, n_steps, dim)``.
    dt : float, optional
        Integration time step (default: the potential's ``dt``).
    kT : float, optional
        Thermal energy (default: the potential's ``kT``).
    stride : int
        Integration steps between saved frames; frames are ``stride * dt`` apart.
    x0 : array-like of shape (dim,) or (n_walkers, dim), optional
        Start point(s); default the potential's ``x0``.
    random_state : None, int or numpy.random.Generator
    return_reference : bool, default False
        Also return the exact reference quantities of the same dynamics (same
        potential and ``kT``): :func:`langevin_reference`'s fine-grid generator,
        its stationary distribution, eigenvalues and implied timescales.

    Returns
    -------
    numpy.ndarray (float64)
        The trajectories; with ``return_reference=True`` the pair
        ``(trajectories, LangevinReference)``.

    Notes
    -----
    Euler-Maruyama: ``x <- x - grad V(x) dt + sqrt(2 kT dt) xi`` with standard normal
    ``xi``; its weak error in timescales is of order ``dt``. Periodic potentials wrap the
    positions back into their domain.

    Examples
    --------
    >>> simulate_langevin("double_well", 100, n_walkers=4, random_state=0).shape
    (4, 100, 1)
    >>> X, ref = simulate_langevin("double_well", 100, random_state=0, return_reference=True)
    >>> X.shape, bool(ref.timescales[0] > ref.timescales[1])
    ((100, 1), True)
    """
    pot = get_potential(potential)
    n_steps = _check_count(n_steps, "n_steps")
    stride = _check_count(stride, "stride")
    single = n_walkers is None
    n = 1 if single else _check_count(n_walkers, "n_walkers")
    dt = pot.dt if dt is None else _check_positive(dt, "dt")
    kT = pot.kT if kT is None else _check_positive(kT, "kT")
    rng = _rng(random_state)
    start = pot.x0 if x0 is None else np.asarray(x0, dtype=np.float64)
    try:
        x = np.array(np.broadcast_to(start, (n, pot.dim)), dtype=np.float64)
    except ValueError as exc:
        raise ValueError(
            f"x0 must have shape ({pot.dim},) or ({n}, {pot.dim}); got {np.shape(start)}."
        ) from exc
    if not np.isfinite(x).all():
        raise ValueError("x0 contains NaN or infinity.")
    out = np.empty((n, n_steps, pot.dim))
    out[:, 0] = x
    sigma = np.sqrt(2.0 * kT * dt)
    chunk = max(1, min(n_steps - 1, 2**20 // max(1, n * pot.dim * stride)))
    t = 1
    while t < n_steps:
        m = min(chunk, n_steps - t)
        noise = rng.standard_normal((m, stride, n, pot.dim))
        noise *= sigma
        for i in range(m):
            for s in range(stride):
                x -= pot.gradient(x) * dt
                x += noise[i, s]
                if pot.periodic:
                    x = _wrap(x, pot.domain)
            out[:, t + i] = x
        t += m
    if not np.isfinite(out).all():
        raise FloatingPointError(f"the Langevin integration diverged; use a smaller dt than {dt}.")
    out = out[0] if single else out
    return (out, langevin_reference(pot, kT=kT)) if return_reference else out


@dataclass
class LangevinReference:
    """Exact quantities of a potential's dynamics on a fine grid.

    Attributes
    ----------
    grid : ndarray of shape (n_cells, dim)
        Cell centres (C order: the last coordinate runs fastest).
    shape : tuple of int
        Grid shape per dimension.
    stationary_distribution : ndarray of shape (n_cells,)
        ``exp(-V / kT)`` normalised over the cells.
    rates : ndarray of shape (k,)
        The generator's eigenvalues (0 first, then negative, decreasing).
    eigenvectors : ndarray of shape (n_cells, k)
        Right eigenvectors of the generator (functions on the cells), normalised so that
        ``sum(pi * psi_i * psi_j) = delta_ij``.
    timescales : ndarray of shape (k - 1,)
        Exact implied timescales ``-1 / rate`` (in time units, not steps).
    """

    potential: Potential
    kT: float
    grid: np.ndarray
    shape: tuple
    stationary_distribution: np.ndarray
    rates: np.ndarray
    eigenvectors: np.ndarray
    timescales: np.ndarray
    generator: object = field(repr=False)  # scipy.sparse.csr_matrix

    def eigenvalues(self, lagtime):
        """Eigenvalues ``exp(lagtime * rate)`` of the transfer operator at ``lagtime`` (time units)."""
        return np.exp(lagtime * self.rates)

    def transfer_operator(self, lagtime):
        """The dense transfer operator ``exp(lagtime * Q)`` on the grid (row-stochastic).

        Computed from the full eigendecomposition of the symmetrised generator
        ``S = Pi^(1/2) Q Pi^(-1/2) = U diag(w) U^T`` as
        ``Pi^(-1/2) U diag(exp(lagtime w)) U^T Pi^(1/2)``.
        """
        n = self.grid.shape[0]
        if n > 5000:
            raise ValueError(f"the dense transfer operator needs n_cells <= 5000; got {n}.")
        sq = np.sqrt(self.stationary_distribution)
        S = (sq[:, None] * self.generator.toarray()) / sq[None, :]
        w, U = np.linalg.eigh(0.5 * (S + S.T))
        w = np.minimum(w, 0.0)  # the generator's spectrum is <= 0; clip round-off
        T = ((U * np.exp(lagtime * w)) @ U.T) * (sq[None, :] / sq[:, None])
        T = np.clip(T, 0.0, None)
        return T / T.sum(axis=1, keepdims=True)

    def assign(self, X):
        """Index of the grid cell containing each point of ``X`` (shape ``(T, dim)``)."""
        X = np.asarray(X, dtype=np.float64).reshape(-1, self.potential.dim)
        lo, hi = self.potential.domain[:, 0], self.potential.domain[:, 1]
        h = (hi - lo) / np.asarray(self.shape)
        idx = np.floor((X - lo) / h).astype(np.int64)
        idx = np.clip(idx, 0, np.asarray(self.shape) - 1)
        return np.ravel_multi_index(tuple(idx.T), self.shape)


def langevin_reference(potential="double_well", *, kT=None, n_grid=None, n_timescales=5):
    """Exact implied timescales of Langevin dynamics from a fine-grid generator.

    Parameters
    ----------
    potential : str or Potential
    kT : float, optional
        Default: the potential's ``kT``.
    n_grid : int, optional
        Cells per dimension (default 800 in 1D, 120 in 2D).
    n_timescales : int
        Number of implied timescales to return.

    Returns
    -------
    LangevinReference

    Notes
    -----
    The square-root approximation (Lie, Fackeldey and Weber, 2013; Donati et al., 2018)
    gives the rate between neighbouring cells ``i`` and ``j`` of width ``h`` as
    ``Q_ij = (D / h^2) exp(-(V_j - V_i) / (2 kT))`` with ``D = kT``, and
    ``Q_ii = -sum_j Q_ij``. ``Q`` is in detailed balance with ``pi_i ~ exp(-V_i / kT)``
    and converges to the Smoluchowski generator ``L f = -grad V . grad f + kT lap f``
    with error ``O(h^2)``. Its symmetrisation ``Pi^(1/2) Q Pi^(-1/2)`` has constant
    off-diagonals ``D / h^2``, so the eigenproblem is symmetric (tridiagonal in 1D).
    The transfer operator at lag ``tau`` is ``exp(tau Q)`` with eigenvalues
    ``exp(tau * rate)``, so the implied timescales ``-1/rate`` are exact for the
    continuous dynamics (the simulation adds its own ``O(dt)`` bias).

    Examples
    --------
    >>> ref = langevin_reference("double_well", n_grid=400)
    >>> bool(ref.timescales[0] > ref.timescales[1])
    True
    """
    import scipy.linalg
    import scipy.sparse
    import scipy.sparse.linalg

    pot = get_potential(potential)
    kT = pot.kT if kT is None else _check_positive(kT, "kT")
    if n_grid is None:
        n_grid = 800 if pot.dim == 1 else 120
    n_grid = _check_count(n_grid, "n_grid", minimum=8)
    n_timescales = _check_count(n_timescales, "n_timescales")
    shape = (n_grid,) * pot.dim
    lo, hi = pot.domain[:, 0], pot.domain[:, 1]
    h = (hi - lo) / n_grid
    axes = [lo[k] + h[k] * (np.arange(n_grid) + 0.5) for k in range(pot.dim)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, pot.dim)
    V = pot.energy(grid)
    n = grid.shape[0]
    index = np.arange(n).reshape(shape)
    rows, cols, vals = [], [], []
    for k in range(pot.dim):
        src = index
        dst = np.roll(index, -1, axis=k)
        if not pot.periodic:  # reflecting walls: no link across the boundary
            sl = [slice(None)] * pot.dim
            sl[k] = slice(0, n_grid - 1)
            src, dst = src[tuple(sl)], dst[tuple(sl)]
        src, dst = src.ravel(), dst.ravel()
        rate = kT / h[k] ** 2
        dV = (V[dst] - V[src]) / (2.0 * kT)
        rows += [src, dst]
        cols += [dst, src]
        vals += [rate * np.exp(-dV), rate * np.exp(dV)]
    rows, cols, vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    offdiag = scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    Q = (offdiag - scipy.sparse.diags(np.asarray(offdiag.sum(axis=1)).ravel())).tocsr()
    logpi = -(V - V.min()) / kT
    pi = np.exp(logpi)
    pi /= pi.sum()
    sqpi = np.sqrt(pi)
    S = scipy.sparse.diags(sqpi) @ Q @ scipy.sparse.diags(1.0 / sqpi)
    S = 0.5 * (S + S.T)
    k = min(n_timescales + 1, n - 1)
    if pot.dim == 1:
        Sd = S.toarray()
        w, U = scipy.linalg.eigh_tridiagonal(
            np.diag(Sd), np.diag(Sd, 1), select="i", select_range=(n - k, n - 1)
        )
    else:
        shift = 1e-6 * kT / float(np.min(h)) ** 2  # tiny against the grid rate D / h^2
        w, U = scipy.sparse.linalg.eigsh((-S).tocsc(), k=k, sigma=-shift, which="LM")
        w = -w
    order = np.argsort(w)[::-1]
    w, U = w[order], U[:, order]
    w[0] = 0.0
    psi = U / sqpi[:, None]
    psi *= np.sign(psi[np.argmax(np.abs(psi), axis=0), np.arange(psi.shape[1])])
    return LangevinReference(
        potential=pot,
        kT=kT,
        grid=grid,
        shape=shape,
        stationary_distribution=pi,
        rates=w,
        eigenvectors=psi,
        timescales=-1.0 / w[1:],
        generator=Q,
    )
