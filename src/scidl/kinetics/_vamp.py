"""VAMP: the variational approach for Markov processes, its scores and cross-validation.

A shared base (:class:`_LaggedDecomposition`) also serves :class:`scidl.kinetics.TICA`.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from scidl.base import PersistenceMixin
from scidl.kinetics._covariance import _TORCH_DEVICE, Covariance
from scidl.kinetics._data import as_trajectories, trajectories_and_kind
from scidl.numerics import inv_sqrt
from scidl.utils import InstanceOf, Interval, check_fitted, make_seed, validate_params

__all__ = ["VAMP", "vamp_cross_validate"]


def _schatten(M, r):
    s = np.linalg.svd(M, compute_uv=False)
    return float(np.sum(s**r))


class _LaggedDecomposition(PersistenceMixin, TransformerMixin, BaseEstimator):
    """Common fit/partial_fit/transform/score of TICA and VAMP."""

    _reversible = False

    def _covariance_estimator(self):
        return Covariance(
            lagtime=self.lagtime,
            compute_c0t=True,
            compute_ctt=not self._reversible,
            remove_mean=getattr(self, "remove_mean", True),
            reversible=self._reversible,
            bessel=False,
            device=self.device,
            chunksize=self.chunksize,
        )

    def fit(self, X, y=None, *, weights=None):
        """Fit on one trajectory ``(T, d)`` or a list of them."""
        self._validate()
        self._cov = self._covariance_estimator().fit(X, weights=weights)
        self._decompose()
        return self

    def partial_fit(self, X, y=None, *, weights=None):
        """Add data (a trajectory or a list) and update the decomposition."""
        self._validate()
        if not hasattr(self, "_cov"):
            self._cov = self._covariance_estimator()
        self._cov.partial_fit(X, weights=weights)
        self._decompose()
        return self

    def _validate(self):
        validate_params(self)

    def _store_covariances(self):
        c = self._cov
        self.mean_ = c.mean_0_
        self.mean_t_ = c.mean_t_
        self.cov_00_, self.cov_0t_, self.cov_tt_ = c.cov_00_, c.cov_0t_, c.cov_tt_
        self.n_features_in_ = c.n_features_in_

    def _n_components(self, values):
        return len(values) if self.dim is None else min(self.dim, len(values))

    def transform(self, X):
        """Project onto the first ``dim`` slow components (a list in gives a list out)."""
        check_fitted(self, "components_")
        trajs, kind = trajectories_and_kind(
            X, n_features=self.n_features_in_, owner=type(self).__name__
        )
        out = [self._project(t) for t in trajs]
        return out if kind == "list" else (out[0] if kind == "2d" else np.stack(out))

    def _project(self, t):
        comps = self.components_.astype(t.dtype, copy=False)
        return (t - self.mean_.astype(t.dtype)) @ comps * self._scaling_factors().astype(t.dtype)

    def _scaling_factors(self):
        return np.ones(self.components_.shape[1])

    @property
    def timescales_(self):
        """Implied timescales ``-lagtime / log|value|`` of the kept components (in steps)."""
        check_fitted(self, "components_")
        v = np.clip(np.abs(self._values()), 1e-300, 1.0 - 1e-15)
        return -self.lagtime / np.log(v)

    def score(self, X, y=None, score_method="VAMP2"):
        """VAMP-1, VAMP-2 or VAMP-E score of the fitted model on (test) data ``X``.

        With ``remove_mean`` the constant function, removed with the mean, contributes 1
        (deeptime's convention), so a perfect model of ``k`` slow processes scores up to
        ``k + 1``.
        """
        check_fitted(self, "components_")
        method = score_method.upper().replace("-", "")
        if method not in ("VAMP1", "VAMP2", "VAMPE"):
            raise ValueError(
                f"score_method must be one of 'VAMP1', 'VAMP2', 'VAMPE'; got {score_method!r}."
            )
        test = self._covariance_estimator().fit(
            as_trajectories(X, n_features=self.n_features_in_, owner=type(self).__name__)
        )
        U, V = self._left_right()
        C00 = test.cov_00_
        C0t = test.cov_0t_
        Ctt = test.cov_tt_ if test.cov_tt_ is not None else test.cov_00_
        # test covariances are centred on the test means; the model's functions are
        # applied to the same mean-free features.
        A = U.T @ C00 @ U
        B = U.T @ C0t @ V
        C = V.T @ Ctt @ V
        const = 1.0 if getattr(self, "remove_mean", True) else 0.0
        if method == "VAMPE":
            S = np.diag(self._values()[: U.shape[1]])
            return float(const + np.trace(2.0 * S @ B - S @ A @ S @ C))
        La = inv_sqrt(A, self.epsilon, name="projected C00")
        Lc = inv_sqrt(C, self.epsilon, name="projected Ctt")
        return const + _schatten(La.T @ B @ Lc, 1 if method == "VAMP1" else 2)


class VAMP(_LaggedDecomposition):
    """Variational approach for Markov processes (Wu and Noe, 2020).

    Finds the singular functions of the Koopman operator in the span of the features:
    ``K = C00^(-1/2) C0t Ctt^(-1/2) = U S V^T``; the left singular functions
    ``C00^(-1/2) U`` are the slow collective variables.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    dim : int, optional
        Number of singular functions kept (default: all).
    epsilon : float
        Relative cut-off for the whitening: directions of ``C00`` (or ``Ctt``) with
        variance below ``epsilon`` times the largest are dropped.
    remove_mean : bool
        Centre the features (default). With ``False`` the second moments are used and,
        if the features span the constants (e.g. one-hot state indicators), the first
        singular value is the trivial 1; for one-hot features ``koopman_matrix_`` is
        then exactly the maximum-likelihood (row-normalised) transition matrix.
    device : None, str or torch.device
        Where the covariance products are computed (``None``: NumPy; see
        :class:`Covariance`).
    chunksize : int
        Frames per block when accumulating covariances.

    Attributes
    ----------
    singular_values_ : ndarray of shape (dim,)
    components_ : ndarray of shape (n_features, dim)
        Left singular functions' coefficients (instantaneous space).
    right_components_ : ndarray of shape (n_features, dim)
        Right singular functions' coefficients (time-lagged space).
    koopman_matrix_ : ndarray of shape (n_features, n_features)
        Least-squares propagator ``C00^+ C0t`` of the mean-free features:
        ``x_{t+tau} - mean_t ~ (x_t - mean) @ koopman_matrix_``.
    mean_, mean_t_, cov_00_, cov_0t_, cov_tt_ : ndarray

    Notes
    -----
    The VAMP-r score is ``sum_i s_i^r`` over the kept singular values (plus 1 for the
    constant); on held-out data it is evaluated with the training singular functions
    (:meth:`score`), so it can select features, lag times and dimensions by
    cross-validation (:func:`vamp_cross_validate`). Wu, H. and Noe, F. (2020),
    J. Nonlinear Sci. 30, 23-66.

    Examples
    --------
    >>> X = np.cumsum(np.random.default_rng(0).normal(size=(2000, 2)), axis=0)
    >>> VAMP(lagtime=5, dim=1).fit(X).transform(X).shape
    (2000, 1)
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "dim": [Interval(numbers.Integral, 1, None), None],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="left")],
        "remove_mean": [InstanceOf(bool)],
        "device": [InstanceOf(str), None, _TORCH_DEVICE],
        "chunksize": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self, lagtime=1, dim=None, *, epsilon=1e-6, remove_mean=True, device=None, chunksize=100_000
    ):
        self.lagtime = lagtime
        self.dim = dim
        self.epsilon = epsilon
        self.remove_mean = remove_mean
        self.device = device
        self.chunksize = chunksize

    def _decompose(self):
        self._store_covariances()
        L0 = inv_sqrt(self.cov_00_, self.epsilon, name="C00")
        Lt = inv_sqrt(self.cov_tt_, self.epsilon, name="Ctt")
        U, s, Vt = np.linalg.svd(L0.T @ self.cov_0t_ @ Lt, full_matrices=False)
        k = self._n_components(s)
        self.singular_values_ = s[:k]
        self.components_ = L0 @ U[:, :k]
        self.right_components_ = Lt @ Vt[:k].T
        self.koopman_matrix_ = (L0 @ L0.T) @ self.cov_0t_

    def _values(self):
        return self.singular_values_

    def _left_right(self):
        return self.components_, self.right_components_

    def transform_lagged(self, X):
        """Project onto the right singular functions (for data at time ``t + tau``)."""
        check_fitted(self, "components_")
        trajs, kind = trajectories_and_kind(
            X, n_features=self.n_features_in_, owner=type(self).__name__
        )
        out = [
            (t - self.mean_t_.astype(t.dtype)) @ self.right_components_.astype(t.dtype)
            for t in trajs
        ]
        return out if kind == "list" else (out[0] if kind == "2d" else np.stack(out))


def _blocks(trajs, blocksize):
    out = []
    for t in trajs:
        for s in range(0, t.shape[0], blocksize):
            out.append(t[s : s + blocksize])
    return out


def vamp_cross_validate(
    estimator, X, *, n_splits=5, blocksize=None, score_method="VAMP2", random_state=None
):
    """Cross-validated VAMP score of a TICA or VAMP estimator.

    The trajectories are cut into contiguous blocks (default: 10 per trajectory, at
    least ``4 * lagtime`` frames), the blocks are shuffled into ``n_splits`` folds, and
    each fold is scored by a clone fitted on the other folds. Blocks keep lagged pairs
    intact, which row-wise K-fold splitting would not.

    Returns
    -------
    ndarray of shape (n_splits,)
    """
    from sklearn.base import clone

    if not isinstance(n_splits, numbers.Integral) or n_splits < 2:
        raise ValueError(f"n_splits must be an int >= 2; got {n_splits!r}.")
    trajs = as_trajectories(X)
    tau = estimator.lagtime
    if blocksize is None:
        blocksize = max(4 * tau, min(t.shape[0] for t in trajs) // 10)
    blocks = [b for b in _blocks(trajs, int(blocksize)) if b.shape[0] > tau]
    if len(blocks) < n_splits:
        raise ValueError(
            f"only {len(blocks)} blocks longer than lagtime={tau}; need >= n_splits={n_splits}."
        )
    rng = np.random.default_rng(make_seed(random_state))
    folds = np.array_split(rng.permutation(len(blocks)), n_splits)
    scores = []
    for k in range(n_splits):
        test = [blocks[i] for i in folds[k]]
        train = [blocks[i] for j in range(n_splits) if j != k for i in folds[j]]
        est = clone(estimator).fit(train)
        scores.append(est.score(test, score_method=score_method))
    return np.array(scores)
