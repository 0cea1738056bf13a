"""VAMP: the variational approach for Markov processes, its scores and cross-validation.

A shared base (:class:`_LaggedDecomposition`) also serves :class:`scidl.kinetics.TICA`.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, clone

from scidl.base import PersistenceMixin
from scidl.kinetics._covariance import Covariance
from scidl.kinetics._data import as_trajectories, trajectories_and_kind
from scidl.kinetics._linalg import schatten_sum
from scidl.numerics import inv_sqrt
from scidl.utils import (
    InstanceOf,
    Interval,
    check_fitted,
    make_seed,
    resolve_device,
    validate_params,
)

__all__ = ["VAMP", "vamp_cross_validate"]


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
            chunk_size=self.chunk_size,
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
        resolve_device(self.device)  # "cuda" without a GPU fails here, before any work

    def _store_covariances(self):
        c = self._cov
        self.mean_ = c.mean_0_
        self.mean_t_ = c.mean_t_
        self.cov_00_, self.cov_0t_, self.cov_tt_ = c.cov_00_, c.cov_0t_, c.cov_tt_
        self.n_features_in_ = c.n_features_in_

    def _n_components(self, values):
        n = self.n_components
        return len(values) if n is None else min(n, len(values))

    def transform(self, X):
        """Project onto the first ``n_components`` slow components (a list in gives a list out)."""
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
        return const + schatten_sum(La.T @ B @ Lc, 1 if method == "VAMP1" else 2)


class VAMP(_LaggedDecomposition):
    """Variational approach for Markov processes (Wu and Noe, 2020).

    Finds the singular functions of the Koopman operator in the span of the features:
    ``K = C00^(-1/2) C0t Ctt^(-1/2) = U S V^T``; the left singular functions
    ``C00^(-1/2) U`` are the slow collective variables.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    n_components : int, optional
        Number of singular functions kept (default: all).
    epsilon : float
        Relative cut-off for the whitening: directions of ``C00`` (or ``Ctt``) with
        variance below ``epsilon`` times the largest are dropped.
    remove_mean : bool
        Centre the features (default). With ``False`` the second moments are used and,
        if the features span the constants (e.g. one-hot state indicators), the first
        singular value is the trivial 1; for one-hot features ``koopman_matrix_`` is
        then exactly the maximum-likelihood (row-normalised) transition matrix.
    device : "auto", "cpu", "cuda" or torch.device
        Where the covariances are accumulated (see :class:`Covariance`); ``"auto"``
        takes a GPU when there is one.
    chunk_size : int
        Frames per block when accumulating covariances.

    Attributes
    ----------
    singular_values_ : ndarray of shape (n_components,)
        Singular values of the whitened Koopman matrix, largest first.
    components_ : ndarray of shape (n_features, n_components)
        Left singular functions' coefficients (instantaneous space).
    right_components_ : ndarray of shape (n_features, n_components)
        Right singular functions' coefficients (time-lagged space).
    timescales_ : ndarray of shape (n_components,)
        ``-lagtime / log(s_i)`` in steps.
    koopman_matrix_ : ndarray of shape (n_features, n_features)
        Least-squares propagator ``C00^+ C0t`` of the mean-free features:
        ``x_{t+tau} - mean_t ~ (x_t - mean) @ koopman_matrix_``.
    mean_, mean_t_ : ndarray of shape (n_features,)
        Means of the instantaneous and of the time-lagged frames.
    cov_00_, cov_0t_, cov_tt_ : ndarray of shape (n_features, n_features)
        Instantaneous, time-lagged and lagged-instantaneous covariances.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    The VAMP-r score is ``sum_i s_i^r`` over the kept singular values (plus 1 for the
    constant); on held-out data it is evaluated with the training singular functions
    (:meth:`score`), so it can select features, lag times and dimensions by
    cross-validation (:func:`vamp_cross_validate`). Wu, H. and Noe, F. (2020),
    J. Nonlinear Sci. 30, 23-66.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import VAMP
    >>> X = np.cumsum(np.random.default_rng(0).normal(size=(2000, 2)), axis=0)
    >>> vamp = VAMP(lagtime=5, n_components=1).fit(X)
    >>> vamp.transform(X).shape
    (2000, 1)
    >>> round(vamp.score(X), 2)  # 1 for the constant + s_1^2 of a slow random walk
    1.99
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "n_components": [Interval(numbers.Integral, 1, None), None],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="left")],
        "remove_mean": [InstanceOf(bool)],
        "device": [InstanceOf(str, torch.device)],
        "chunk_size": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self,
        lagtime=1,
        n_components=None,
        *,
        epsilon=1e-6,
        remove_mean=True,
        device="auto",
        chunk_size=100_000,
    ):
        self.lagtime = lagtime
        self.n_components = n_components
        self.epsilon = epsilon
        self.remove_mean = remove_mean
        self.device = device
        self.chunk_size = chunk_size

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


def _blocks(trajs, block_size):
    out = []
    for t in trajs:
        for s in range(0, t.shape[0], block_size):
            out.append(t[s : s + block_size])
    return out


def vamp_cross_validate(
    estimator, X, *, n_splits=5, block_size=None, score_method="VAMP2", random_state=None
):
    """Cross-validated VAMP score of a TICA or VAMP estimator.

    The trajectories are cut into contiguous blocks, the blocks are shuffled into
    ``n_splits`` folds, and each fold is scored by a clone fitted on the other folds.
    Blocks keep lagged pairs intact, which row-wise K-fold splitting would not.

    Parameters
    ----------
    estimator : TICA or VAMP
        The template (cloned for each fold; it is not fitted itself).
    X : array-like of shape (n_frames, n_features), or a list of them
        One trajectory or several.
    n_splits : int
        Number of folds, at least 2.
    block_size : int, optional
        Frames per block. Default: a tenth of the shortest trajectory, at least
        ``4 * lagtime``. Blocks not longer than ``lagtime`` (the ends of trajectories)
        hold no lagged pair and are dropped.
    score_method : {"VAMP1", "VAMP2", "VAMPE"}
        The score (see the estimator's ``score``).
    random_state : None or int
        Seed of the shuffling of the blocks into folds.

    Returns
    -------
    ndarray of shape (n_splits,)
        The score of each fold.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import VAMP, vamp_cross_validate
    >>> X = np.cumsum(np.random.default_rng(0).normal(size=(2000, 2)), axis=0)
    >>> scores = vamp_cross_validate(VAMP(lagtime=5, n_components=1), X, n_splits=3,
    ...                              random_state=0)
    >>> scores.shape, bool((scores > 1.5).all())
    ((3,), True)
    """
    if not isinstance(n_splits, numbers.Integral) or isinstance(n_splits, bool) or n_splits < 2:
        raise ValueError(f"n_splits must be an int >= 2; got {n_splits!r}.")
    if block_size is not None and (
        not isinstance(block_size, numbers.Integral)
        or isinstance(block_size, bool)
        or block_size < 1
    ):
        raise ValueError(f"block_size must be None or an int >= 1; got {block_size!r}.")
    trajs = as_trajectories(X)
    tau = estimator.lagtime
    if block_size is None:
        block_size = max(4 * tau, min(t.shape[0] for t in trajs) // 10)
    blocks = [b for b in _blocks(trajs, int(block_size)) if b.shape[0] > tau]
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
