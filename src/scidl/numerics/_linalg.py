"""Regularised inverse square roots of covariance matrices, for NumPy and torch."""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["inv_sqrt"]


def inv_sqrt(C, epsilon=1e-6, *, name="C00"):
    """Regularised ``C^(-1/2)`` as a ``(d, r)`` matrix ``L`` with ``L^T C L = I_r``.

    ``C`` is symmetrised, diagonalised, ``C = V diag(s) V^T``, and ``L = V_r
    diag(s_r)^(-1/2)`` keeps the ``r`` eigen-directions whose variance exceeds
    ``epsilon * max(s)``. Dropping the others is the regularisation that TICA,
    VAMP and VAMPnets need for rank-deficient or collinear features (Wu & Noé,
    J. Nonlinear Sci. 30, 23 (2020), section on numerics).

    Parameters
    ----------
    C : ndarray or torch.Tensor of shape (d, d)
        A symmetric positive semi-definite matrix (a covariance). A torch
        tensor stays a tensor (on its device, differentiable); an array gives
        an array.
    epsilon : float, default 1e-6
        Relative eigenvalue cut-off.
    name : str, default "C00"
        How the matrix is named in the error message (NumPy input only).

    Returns
    -------
    L : ndarray or torch.Tensor of shape (d, r)
        With ``L.T @ C @ L`` the ``r x r`` identity.

    Raises
    ------
    ValueError
        For an array with no variance at all (every eigenvalue <= 0 or not
        finite). A tensor is not checked, so that training never waits for the
        device; its ``L`` then has no columns.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.numerics import inv_sqrt
    >>> C = np.array([[4.0, 0.0], [0.0, 1.0]])
    >>> inv_sqrt(C)
    array([[0. , 0.5],
           [1. , 0. ]])
    >>> L = inv_sqrt(np.array([[1.0, 1.0], [1.0, 1.0]]))   # rank one: one direction kept
    >>> L.shape, np.allclose(L.T @ np.ones((2, 2)) @ L, 1.0)
    ((2, 1), True)
    """
    if isinstance(C, torch.Tensor):
        s, V = torch.linalg.eigh(0.5 * (C + C.T))
        keep = s > epsilon * s.max().clamp(min=torch.finfo(s.dtype).tiny)
        return V[:, keep] * s[keep].rsqrt()
    C = np.asarray(C)
    s, V = np.linalg.eigh(0.5 * (C + C.T))
    smax = s.max() if s.size else 0.0
    if not np.isfinite(smax) or smax <= 0:
        raise ValueError(
            f"{name} has no variance: every feature is constant along the trajectory; "
            "TICA/VAMP need features that change in time."
        )
    keep = s > epsilon * smax
    return V[:, keep] / np.sqrt(s[keep])
