"""TICA: time-lagged independent component analysis."""

from __future__ import annotations

import numbers

import numpy as np
import torch

from scidl.kinetics._vamp import _LaggedDecomposition
from scidl.numerics import inv_sqrt
from scidl.utils import InstanceOf, Interval, Options, check_fitted

__all__ = ["TICA"]


class TICA(_LaggedDecomposition):
    """Time-lagged independent component analysis (TICA).

    Molgedey and Schuster (1994); Perez-Hernandez et al. (2013). Solves the generalised
    eigenproblem ``C0t r = lambda C00 r`` with the reversibly symmetrised covariances:
    the components are the linear combinations of features with maximal
    autocorrelation at ``lagtime``, i.e. the best linear approximations of the slowest
    eigenfunctions of the transfer operator.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    n_components : int, optional
        Number of components kept. Give at most one of ``n_components`` and
        ``var_cutoff``; with neither, all components are kept.
    var_cutoff : float in (0, 1], optional
        Keep the fewest components whose kinetic variance ``sum(lambda_i^2)`` reaches
        this fraction of the total.
    scaling : None, "kinetic_map" or "commute_map"
        ``"kinetic_map"`` scales component ``i`` by ``lambda_i``, so Euclidean distances
        approximate kinetic distances (Noe and Clementi, 2015); ``"commute_map"`` by
        ``sqrt(t_i / 2)`` with the implied timescale ``t_i`` (Noe, Banisch and Clementi,
        2016), so distances approximate commute times.
    epsilon : float
        Relative cut-off of the whitening: directions of ``C00`` with variance below
        ``epsilon`` times the largest are dropped. This is the documented regularisation
        of collinear or constant features; if every feature is constant, ``fit`` raises
        ``ValueError``.
    device : "auto", "cpu", "cuda" or torch.device
        Where the covariances are accumulated (see :class:`Covariance`); ``"auto"``
        takes a GPU when there is one.
    chunk_size : int
        Frames per block when accumulating covariances.

    Attributes
    ----------
    eigenvalues_ : ndarray of shape (n_components,)
        Autocorrelations of the components at ``lagtime``, largest magnitude first.
    components_ : ndarray of shape (n_features, n_components)
        Coefficients of the components; ``components_.T @ cov_00_ @ components_ = I``.
    timescales_ : ndarray of shape (n_components,)
        Implied timescales ``-lagtime / log|lambda_i|`` in steps.
    koopman_matrix_ : ndarray of shape (n_features, n_features)
        Least-squares propagator ``C00^+ C0t`` of the mean-free features (symmetrised
        covariances).
    mean_, mean_t_ : ndarray of shape (n_features,)
        The symmetrised mean (both equal: the reversible estimate pools ``x_t`` and
        ``x_{t+tau}``).
    cov_00_, cov_0t_ : ndarray of shape (n_features, n_features)
        The symmetrised instantaneous and time-lagged covariances.
    cov_tt_ : None
        Not computed (the symmetrised ``Ctt`` is ``cov_00_``).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    With whitening ``L = C00^(-1/2)`` the problem becomes the symmetric eigenproblem of
    ``L^T C0t L``; the components are ``L W``. For a reversible process the eigenvalues
    decay as ``lambda_i(tau) = exp(-tau / t_i)``, which gives the implied timescales.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import TICA
    >>> rng = np.random.default_rng(0)
    >>> X = np.zeros((5000, 2))
    >>> for t in range(1, 5000):
    ...     X[t] = [0.99, 0.5] * X[t - 1] + rng.normal(size=2)
    >>> tica = TICA(lagtime=1, n_components=1).fit(X)
    >>> round(float(tica.eigenvalues_[0]), 2)
    0.99
    >>> tica.transform(X).shape
    (5000, 1)
    """

    _reversible = True
    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "n_components": [Interval(numbers.Integral, 1, None), None],
        "var_cutoff": [Interval(numbers.Real, 0, 1, closed="right"), None],
        "scaling": [Options("kinetic_map", "commute_map"), None],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="left")],
        "device": [InstanceOf(str, torch.device)],
        "chunk_size": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self,
        lagtime=1,
        n_components=None,
        *,
        var_cutoff=None,
        scaling=None,
        epsilon=1e-6,
        device="auto",
        chunk_size=100_000,
    ):
        self.lagtime = lagtime
        self.n_components = n_components
        self.var_cutoff = var_cutoff
        self.scaling = scaling
        self.epsilon = epsilon
        self.device = device
        self.chunk_size = chunk_size

    def _validate(self):
        super()._validate()
        if self.n_components is not None and self.var_cutoff is not None:
            raise ValueError(
                "Give at most one of n_components and var_cutoff; got "
                f"n_components={self.n_components!r} and var_cutoff={self.var_cutoff!r}."
            )

    def _decompose(self):
        self._store_covariances()
        L = inv_sqrt(self.cov_00_, self.epsilon, name="C00")
        M = L.T @ self.cov_0t_ @ L
        lam, W = np.linalg.eigh(0.5 * (M + M.T))
        order = np.argsort(-np.abs(lam), kind="stable")
        lam, W = lam[order], W[:, order]
        if self.var_cutoff is not None:
            kin = np.cumsum(lam**2)
            total = kin[-1]
            k = (
                len(lam)
                if total <= 0
                else int(np.searchsorted(kin / total, self.var_cutoff - 1e-12) + 1)
            )
            k = min(k, len(lam))
        else:
            k = self._n_components(lam)
        V = L @ W[:, :k]
        # fix the sign: the largest-magnitude coefficient of each component is positive
        V *= np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(k)])
        self.eigenvalues_ = lam[:k]
        self.components_ = V
        self.koopman_matrix_ = (L @ L.T) @ self.cov_0t_

    def _values(self):
        return self.eigenvalues_

    def _left_right(self):
        return self.components_, self.components_

    def _scaling_factors(self):
        check_fitted(self, "components_")
        if self.scaling == "kinetic_map":
            return self.eigenvalues_.copy()
        if self.scaling == "commute_map":
            return np.sqrt(0.5 * self.timescales_)
        return np.ones(self.components_.shape[1])
