"""Maximum-likelihood transition matrices from count matrices.

- :func:`transition_matrix_mle`: non-reversible (row-normalised counts), reversible
  (the self-consistent iteration of Bowman et al. 2009 / Prinz et al. 2011) and
  reversible with a fixed stationary distribution (Trendelkamp-Schroer et al. 2015).
"""

from __future__ import annotations

import warnings

import numpy as np

from scidl.data import check_transition_matrix
from scidl.kinetics._data import check_count_matrix

__all__ = ["transition_matrix_mle", "stationary_distribution"]


def check_counts(C):
    """Counts an MLE can be computed from: :func:`check_count_matrix`, no empty rows."""
    C = check_count_matrix(C)
    empty = np.flatnonzero(C.sum(axis=1) <= 0)
    if empty.size:
        raise ValueError(
            f"states {empty[:10].tolist()} have no outgoing transitions (never visited, or only at "
            "the end of a trajectory); restrict to a connected set (connectivity='largest')."
        )
    return C


def _pairs(C):
    """Upper-triangle (with diagonal) pattern of ``C + C^T`` as flat arrays."""
    S = C + C.T
    i, j = np.nonzero(np.triu(S))
    return i, j, S[i, j]


def _reversible_mle(C, tol, max_iter):
    n = C.shape[0]
    c = C.sum(axis=1)
    i, j, s = _pairs(C)
    off = i != j

    def sweep(x):
        # fixed point x_ij = (c_ij + c_ji) / (c_i / x_i + c_j / x_j); on the diagonal this
        # reads x_ii = c_ii x_i / c_i, the same formula with s_ii = 2 c_ii.
        xij = s / (c[i] / x[i] + c[j] / x[j])
        x_new = np.bincount(i, xij, minlength=n) + np.bincount(j[off], xij[off], minlength=n)
        return x_new / x_new.sum()

    # The plain sweep converges linearly and slowly for metastable chains; SQUAREM
    # (Varadhan and Roland, Scand. J. Stat. 35, 335, 2008) extrapolates along two
    # sweeps and falls back to the plain sweeps whenever the step leaves x > 0.
    x = c / c.sum()  # x_i = sum_j x_ij = pi_i, start at the empirical distribution
    delta, it = np.inf, 0
    while it < max_iter:
        x1 = sweep(x)
        it += 1
        delta = np.abs(x1 - x).max()
        if delta < tol:
            x = x1
            break
        x2 = sweep(x1)
        it += 1
        r = x1 - x
        v = x2 - x1 - r
        nv = np.sqrt(v @ v)
        alpha = -np.sqrt(r @ r) / nv if nv > 0 else -1.0
        alpha = min(alpha, -1.0)
        y = x - 2.0 * alpha * r + alpha**2 * v
        x = sweep(y) if (y > 0).all() else x2
        it += 1
    if delta >= tol:
        warnings.warn(
            f"reversible MLE did not converge in {max_iter} iterations (last change "
            f"{delta:.2e} > tol={tol:g}).",
            RuntimeWarning,
            stacklevel=3,
        )
    xij = s / (c[i] / x[i] + c[j] / x[j])
    return _from_pairs(n, i, j, off, xij), it


def _reversible_mle_fixed_pi(C, pi, tol, max_iter):
    n = C.shape[0]
    i, j, s = _pairs(C)
    off = i != j
    lam = C.sum(axis=1) / pi  # Lagrange multipliers of the row constraints sum_j x_ij = pi_i
    delta, it = np.inf, 0
    while delta >= tol and it < max_iter:
        it += 1
        # x_ij = (c_ij + c_ji) / (lam_i + lam_j); rescale lam_i by (row sum / pi_i)
        xij = s / (lam[i] + lam[j])
        rows = np.bincount(i, xij, minlength=n) + np.bincount(j[off], xij[off], minlength=n)
        lam_new = lam * rows / pi
        delta = np.abs(rows - pi).max()
        lam = lam_new
    if delta >= tol:
        warnings.warn(
            "reversible MLE with fixed stationary distribution did not converge in "
            f"{max_iter} iterations (last change {delta:.2e}).",
            RuntimeWarning,
            stacklevel=3,
        )
    xij = s / (lam[i] + lam[j])
    return _from_pairs(n, i, j, off, xij), it


def _from_pairs(n, i, j, off, xij):
    X = np.zeros((n, n))
    X[i, j] = xij
    X[j[off], i[off]] = xij[off]
    return X / X.sum(axis=1, keepdims=True)


def transition_matrix_mle(
    count_matrix,
    *,
    reversible=False,
    stationary_distribution=None,
    tol=1e-12,
    max_iter=1_000_000,
    return_iterations=False,
):
    """Maximum-likelihood transition matrix of a count matrix.

    Parameters
    ----------
    count_matrix : array-like of shape (n, n)
        Non-negative counts; every row needs at least one count.
    reversible : bool
        Enforce detailed balance ``pi_i T_ij = pi_j T_ji``.
    stationary_distribution : array-like of shape (n,), optional
        Fixed ``pi`` for the reversible estimate (implies ``reversible``).
    tol : float
        Convergence tolerance of the reversible iteration: largest change of the
        stationary distribution (or of the relative Lagrange multipliers with fixed pi)
        between two sweeps.
    max_iter : int
        Maximum sweeps; a ``RuntimeWarning`` is issued if it is reached.
    return_iterations : bool
        Also return the number of sweeps.

    Returns
    -------
    ndarray of shape (n, n)
        The row-stochastic transition matrix; with ``return_iterations`` the pair
        ``(T, n_sweeps)``.

    Notes
    -----
    The log-likelihood is ``sum_ij C_ij log T_ij``. Without constraints it is maximised
    by ``T_ij = C_ij / sum_k C_ik``, which is also the least-squares propagator of
    one-hot state indicators. With detailed balance, write ``x_ij = pi_i T_ij``
    (symmetric); the stationarity conditions give the fixed point
    ``x_ij = (C_ij + C_ji) / (C_i / x_i + C_j / x_j)`` with ``C_i`` the row sums and
    ``x_i = sum_j x_ij`` (Bowman et al., J. Chem. Phys. 131, 124101, 2009; Prinz et al.,
    J. Chem. Phys. 134, 174105, 2011), iterated over the non-zero pattern of
    ``C + C^T`` only and accelerated by SQUAREM extrapolation. With a fixed ``pi`` the
    Lagrange multipliers ``lambda_i`` of the row constraints obey
    ``x_ij = (C_ij + C_ji) / (lambda_i/pi_i + lambda_j/pi_j)``
    (Trendelkamp-Schroer et al., J. Chem. Phys. 143, 174101, 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import transition_matrix_mle
    >>> C = np.array([[8, 2, 0], [1, 6, 3], [0, 1, 9]])
    >>> transition_matrix_mle(C)  # the row-normalised counts
    array([[0.8, 0.2, 0. ],
           [0.1, 0.6, 0.3],
           [0. , 0.1, 0.9]])
    >>> T = transition_matrix_mle(C, reversible=True)
    >>> pi = np.linalg.matrix_power(T, 1000)[0]
    >>> bool(np.allclose(pi[:, None] * T, (pi[:, None] * T).T))  # detailed balance
    True
    """
    C = check_counts(count_matrix)
    if stationary_distribution is not None:
        pi = np.asarray(stationary_distribution, dtype=np.float64).ravel()
        if pi.shape != (C.shape[0],) or not np.isfinite(pi).all() or (pi <= 0).any():
            raise ValueError(f"stationary_distribution must be {C.shape[0]} positive numbers.")
        T, it = _reversible_mle_fixed_pi(C, pi / pi.sum(), tol, max_iter)
    elif reversible:
        T, it = _reversible_mle(C, tol, max_iter)
    else:
        T, it = C / C.sum(axis=1, keepdims=True), 0
    return (T, it) if return_iterations else T


def stationary_distribution(T):
    """Stationary distribution of an irreducible transition matrix (left eigenvector for 1).

    Parameters
    ----------
    T : array-like of shape (n, n)
        Row-stochastic, irreducible transition matrix.

    Returns
    -------
    ndarray of shape (n,)
        ``pi`` with ``pi T = pi``, non-negative and summing to one.

    Examples
    --------
    >>> from scidl.kinetics import stationary_distribution
    >>> stationary_distribution([[0.9, 0.1], [0.05, 0.95]])  # pi_0 / pi_1 = 0.05 / 0.1
    array([0.33333333, 0.66666667])
    """
    T = check_transition_matrix(T, name="T")
    n = T.shape[0]
    if n == 1:
        return np.ones(1)
    # solve pi (T - I) = 0 with sum(pi) = 1 by replacing one equation
    A = (T - np.eye(n)).T.copy()
    A[-1] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    pi = np.linalg.solve(A, b)
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()
