"""PCCA+: fuzzy metastable sets from the dominant eigenvectors of a transition matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize

from scidl.data import check_transition_matrix
from scidl.kinetics._data import check_int

__all__ = ["PCCA", "pcca"]


@dataclass
class PCCA:
    """Result of :func:`pcca`.

    Attributes
    ----------
    memberships : ndarray of shape (n_states, n_metastable)
        Fuzzy membership ``chi[i, I]`` of state ``i`` in metastable set ``I`` (rows sum to 1).
    assignments : ndarray of shape (n_states,)
        Crisp assignment ``argmax_I chi[i, I]``.
    sets : list of ndarray
        States assigned to each metastable set.
    coarse_transition_matrix : ndarray of shape (n_metastable, n_metastable)
        Transition matrix between the metastable sets,
        ``(chi^T Pi chi)^-1 chi^T Pi T chi``.
    coarse_stationary_distribution : ndarray of shape (n_metastable,)
        Stationary weight of each set, ``chi^T pi``.
    crispness : float
        ``trace(D^-1 chi^T Pi chi)`` in ``(0, n_metastable]``; ``n_metastable`` means
        crisp sets.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import pcca
    >>> P = np.array([[0.9, 0.1, 0.0], [0.1, 0.8, 0.1], [0.0, 0.1, 0.9]])
    >>> result = pcca(P, np.full(3, 1 / 3), 2)
    >>> result.memberships.round(2)  # the middle state is shared
    array([[1. , 0. ],
           [0.5, 0.5],
           [0. , 1. ]])
    >>> result.coarse_stationary_distribution.round(2)
    array([0.5, 0.5])
    """

    memberships: np.ndarray
    assignments: np.ndarray
    sets: list
    coarse_transition_matrix: np.ndarray
    coarse_stationary_distribution: np.ndarray
    crispness: float


def _dominant_basis(T, pi, m, reversible):
    """``m`` dominant (Schur or eigen) vectors, pi-orthonormal, the first one constant."""
    if reversible:
        s = np.sqrt(pi)
        S = s[:, None] * T / s[None, :]
        w, U = np.linalg.eigh(0.5 * (S + S.T))
        order = np.argsort(-w)[:m]
        X = U[:, order] / s[:, None]
    else:
        w = np.linalg.eigvals(T)
        mags = np.sort(np.abs(w))[::-1]
        cut = 0.5 * (mags[m - 1] + mags[m]) if m < len(mags) else -1.0
        _, Z, sdim = scipy.linalg.schur(
            T, output="real", sort=lambda re, im: np.hypot(re, im) > cut
        )
        X = Z[:, : max(sdim, m)][:, :m]
    # pi-weighted Gram-Schmidt with the constant vector first
    basis = [np.ones(T.shape[0])]
    for k in range(X.shape[1]):
        v = X[:, k].copy()
        for b in basis:
            v -= (v * pi) @ b * b
        norm = np.sqrt((v * v * pi).sum())
        if norm > 1e-12 and len(basis) < m:
            basis.append(v / norm)
    if len(basis) < m:
        raise ValueError(
            f"cannot find {m} independent dominant vectors; use fewer metastable sets."
        )
    return np.column_stack(basis)


def _inner_simplex(X):
    """Indices of the ``m`` rows of ``X`` spanning the largest simplex (Weber and Galliat, 2002)."""
    n, m = X.shape
    idx = np.empty(m, dtype=np.int64)
    Y = X[:, 1:].copy()
    idx[0] = np.argmax(np.sum(Y**2, axis=1))
    Y -= Y[idx[0]]
    for k in range(1, m):
        d = np.sum(Y**2, axis=1)
        idx[k] = np.argmax(d)
        v = Y[idx[k]] / np.sqrt(d[idx[k]])
        Y -= np.outer(Y @ v, v)
    return idx


def _feasible(A, X):
    """Make ``chi = X A`` non-negative with rows summing to one (Roeblitz and Weber, 2013)."""
    A = A.copy()
    A[1:, 0] = -A[1:, 1:].sum(axis=1)
    A[0] = -np.min(X[:, 1:] @ A[1:], axis=0)
    return A / A[0].sum()


def _crispness(A):
    # with X^T Pi X = I and X[:, 0] = 1: chi^T Pi chi = A^T A and pi^T chi = A[0]
    return float(np.sum(np.sum(A**2, axis=0) / A[0]))


def pcca(
    transition_matrix, stationary_distribution, n_metastable, *, reversible=True, optimize=True
):
    """Robust Perron cluster analysis (PCCA+, Roeblitz and Weber, 2013).

    Finds fuzzy memberships ``chi = X A`` in the span of the ``n_metastable``
    dominant eigenvectors ``X`` (Schur vectors for non-reversible chains): the
    inner-simplex algorithm picks the initial ``A``, then Nelder-Mead maximises the
    crispness ``sum_J (A^T A)_JJ / A_0J`` over the free block of ``A`` while feasibility
    (``chi >= 0``, rows summing to one) is restored after each step.

    Parameters
    ----------
    transition_matrix : array-like of shape (n_states, n_states)
        Row-stochastic transition matrix (of the active set of an MSM).
    stationary_distribution : array-like of shape (n_states,)
        Its stationary distribution ``pi``.
    n_metastable : int
        Number of metastable sets, in ``[1, n_states]``.
    reversible : bool
        Use the ``pi``-symmetrised eigenvectors (detailed balance); otherwise Schur
        vectors.
    optimize : bool
        Improve the inner-simplex solution by Nelder-Mead on the crispness.

    Returns
    -------
    PCCA
        Memberships, crisp assignments and sets, the coarse-grained chain.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import SWISSROLL_TRANSITION_MATRIX
    >>> from scidl.kinetics import pcca, stationary_distribution
    >>> P = SWISSROLL_TRANSITION_MATRIX  # two pairs of states, 0-1 and 2-3
    >>> result = pcca(P, stationary_distribution(P), 2)
    >>> result.assignments
    array([0, 0, 1, 1])
    >>> result.coarse_transition_matrix.round(3)
    array([[0.985, 0.015],
           [0.015, 0.985]])
    """
    T = check_transition_matrix(transition_matrix)
    n = T.shape[0]
    pi = np.asarray(stationary_distribution, dtype=np.float64)
    if pi.shape != (n,) or not np.isfinite(pi).all() or (pi < 0).any():
        raise ValueError(
            f"stationary_distribution must be {n} finite non-negative numbers; got shape "
            f"{pi.shape}."
        )
    m = check_int(n_metastable, "n_metastable", 1)
    if m > n:
        raise ValueError(f"n_metastable must be an int in [1, {n}]; got {n_metastable!r}.")
    if m == 1:
        chi = np.ones((n, 1))
    else:
        X = _dominant_basis(T, pi, m, reversible)
        A = _feasible(np.linalg.inv(X[_inner_simplex(X)]), X)
        if optimize and m > 1:

            def loss(a):
                B = A.copy()
                B[1:, 1:] = a.reshape(m - 1, m - 1)
                return -_crispness(_feasible(B, X))

            res = scipy.optimize.minimize(
                loss,
                A[1:, 1:].ravel(),
                method="Nelder-Mead",
                options={"maxiter": 2000 * m, "xatol": 1e-8, "fatol": 1e-10},
            )
            B = A.copy()
            B[1:, 1:] = res.x.reshape(m - 1, m - 1)
            B = _feasible(B, X)
            if _crispness(B) >= _crispness(A):
                A = B
        chi = X @ A
        chi = np.clip(chi, 0.0, None)
        chi /= chi.sum(axis=1, keepdims=True)
    assignments = np.argmax(chi, axis=1)
    W = chi.T * pi  # (m, n)
    M = W @ chi
    coarse_T = np.linalg.solve(M, W @ T @ chi)
    coarse_pi = chi.T @ pi
    crisp = float(np.sum(np.diag(M) / coarse_pi))
    return PCCA(
        memberships=chi,
        assignments=assignments,
        sets=[np.flatnonzero(assignments == k) for k in range(m)],
        coarse_transition_matrix=coarse_T,
        coarse_stationary_distribution=coarse_pi,
        crispness=crisp,
    )
