"""The exact reference of Langevin dynamics: a fine-grid generator and its spectrum.

:func:`langevin_reference` discretises the generator of overdamped Langevin dynamics
in a model potential (:func:`scidl.data.get_potential`) on a fine grid (square-root
approximation, a reversible finite-volume scheme) and returns its stationary
distribution, eigenvalues and exact implied timescales, and the transfer operator
``exp(lagtime * Q)`` on the grid: the known answers that MSMs, TICA and VAMP estimated
from :func:`scidl.data.simulate_langevin` trajectories are checked against.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from scidl.data import Potential, get_potential

__all__ = ["LangevinReference", "langevin_reference"]


def _check_positive(value, name):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


def _check_int(value, name, *, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


@dataclass
class LangevinReference:
    """Exact quantities of a potential's dynamics on a fine grid.

    What :func:`langevin_reference` returns.

    Attributes
    ----------
    potential : scidl.data.Potential
        The potential.
    kT : float
        The thermal energy of the dynamics.
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
    generator : scipy.sparse.csr_matrix of shape (n_cells, n_cells)
        The rate matrix ``Q`` of the grid (rows sum to zero).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import langevin_reference
    >>> ref = langevin_reference("double_well", n_grid=200, n_timescales=2)
    >>> ref.grid.shape, ref.rates.shape, ref.timescales.shape
    ((200, 1), (3,), (2,))
    >>> T = ref.transfer_operator(0.5)  # row-stochastic, with pi stationary
    >>> bool(np.allclose(T.sum(axis=1), 1.0))
    True
    >>> bool(np.allclose(ref.stationary_distribution @ T, ref.stationary_distribution))
    True
    >>> ref.assign([[-1.0], [1.0]])  # the grid cells of two points
    array([ 50, 150])
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
        """Eigenvalues ``exp(lagtime * rate)`` of the transfer operator at ``lagtime``.

        ``lagtime`` is in time units (not steps).
        """
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
    potential : str or scidl.data.Potential
        A name from :data:`scidl.data.POTENTIALS` or a potential instance.
    kT : float, optional
        Thermal energy; default: the potential's ``kT``.
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
    >>> from scidl.kinetics import langevin_reference
    >>> ref = langevin_reference("double_well", n_grid=400)
    >>> ref.timescales.round(2)  # in time units; the first is the barrier crossing
    array([4.13, 0.1 , 0.05, 0.04, 0.03])
    """
    pot = get_potential(potential)
    kT = pot.kT if kT is None else _check_positive(kT, "kT")
    if n_grid is None:
        n_grid = 800 if pot.dim == 1 else 120
    n_grid = _check_int(n_grid, "n_grid", minimum=8)
    n_timescales = _check_int(n_timescales, "n_timescales", minimum=1)
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
