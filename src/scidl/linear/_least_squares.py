"""Linear least squares and ridge regression in closed form.

The first model of the course: a prediction that is *linear in the parameters*,
``y ≈ X w + b``, fitted by minimising the squared error. The design matrix ``X``
may hold any fixed features of the raw input (see :mod:`scidl.linear._features`),
so "linear" means linear in ``w``, not in the input.
"""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, RegressorMixin

from scidl.base import PersistenceMixin
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_fitted,
    validate_data,
    validate_params,
)

__all__ = ["LeastSquaresRegressor"]

SOLVERS = ("auto", "lstsq", "qr", "svd", "cholesky")


def _cutoff(s, rcond, shape):
    """Absolute threshold below which singular values count as zero (NumPy's ``lstsq`` rule)."""
    if rcond is None:
        rcond = np.finfo(np.float64).eps * max(shape)
    return rcond * s[0] if s.size else 0.0


def _rank(s, rcond, shape):
    return int(np.count_nonzero(s > _cutoff(s, rcond, shape))) if s.size else 0


def _svd(X):
    try:
        return scipy.linalg.svd(X, full_matrices=False, check_finite=False)
    # If divide-and-conquer (gesdd) does not converge, use the slower, more robust driver.
    except np.linalg.LinAlgError:
        return scipy.linalg.svd(X, full_matrices=False, check_finite=False, lapack_driver="gesvd")


def _svdvals(X):
    if X.size == 0:
        return np.zeros(0)
    try:
        return scipy.linalg.svdvals(X, check_finite=False)
    except np.linalg.LinAlgError:
        return _svd(X)[1]


def _solve_svd(X, Y, alpha, rcond):
    U, s, Vt = _svd(X)
    UtY = U.T @ Y
    if alpha == 0:
        # Pseudo-inverse: 1/s for the singular values above the cut-off, 0 below.
        keep = s > _cutoff(s, rcond, X.shape)
        d = np.divide(1.0, s, out=np.zeros_like(s), where=keep)
    else:
        # Ridge filter factors: s / (s^2 + alpha) = (1/s) * s^2 / (s^2 + alpha).
        d = s / (s**2 + alpha)
    return Vt.T @ (d[:, None] * UtY), s


def _solve_lstsq(X, Y, alpha, rcond):
    if alpha == 0:
        coef, _, _, s = np.linalg.lstsq(X, Y, rcond=rcond)
        return coef, s
    # Ridge as an ordinary least-squares problem on the augmented system
    # [X; sqrt(alpha) I] w = [Y; 0], which always has full column rank.
    p = X.shape[1]
    A = np.vstack([X, np.sqrt(alpha) * np.eye(p)])
    B = np.vstack([Y, np.zeros((p, Y.shape[1]))])
    coef = np.linalg.lstsq(A, B, rcond=rcond)[0]
    return coef, _svdvals(X)


def _solve_qr(X, Y, alpha, rcond):
    p = X.shape[1]
    if alpha > 0:
        A = np.vstack([X, np.sqrt(alpha) * np.eye(p)])
        B = np.vstack([Y, np.zeros((p, Y.shape[1]))])
        Q, R = scipy.linalg.qr(A, mode="economic", check_finite=False)
        coef = scipy.linalg.solve_triangular(R, Q.T @ B, check_finite=False)
        return coef, _svdvals(X)
    # Column-pivoted QR, X P = Q R. R has the singular values of X; a rank-r X
    # gives the *basic* solution that uses the r pivot columns and sets the
    # coefficients of the others to zero (same fit, not the minimum-norm w).
    Q, R, piv = scipy.linalg.qr(X, mode="economic", pivoting=True, check_finite=False)
    s = _svdvals(R)
    r = _rank(s, rcond, X.shape)
    coef = np.zeros((p, Y.shape[1]))
    if r > 0:
        coef[piv[:r]] = scipy.linalg.solve_triangular(R[:r, :r], (Q.T @ Y)[:r], check_finite=False)
    return coef, s


def _solve_cholesky(X, Y, alpha, rcond):
    s = _svdvals(X)
    p = X.shape[1]
    if alpha == 0 and _rank(s, rcond, X.shape) < p:
        warnings.warn(
            "solver='cholesky' needs a design matrix of full column rank; "
            f"this one has rank {_rank(s, rcond, X.shape)} < {p} features. "
            "Falling back to solver='svd'.",
            RuntimeWarning,
            stacklevel=3,
        )
        return _solve_svd(X, Y, alpha, rcond)
    G = X.T @ X
    G.flat[:: p + 1] += alpha
    try:
        factor = scipy.linalg.cho_factor(G, check_finite=False)
    except np.linalg.LinAlgError:
        warnings.warn(
            "The normal equations are not numerically positive definite; "
            "falling back to solver='svd'.",
            RuntimeWarning,
            stacklevel=3,
        )
        return _solve_svd(X, Y, alpha, rcond)
    return scipy.linalg.cho_solve(factor, X.T @ Y, check_finite=False), s


_SOLVE = {"svd": _solve_svd, "lstsq": _solve_lstsq, "qr": _solve_qr, "cholesky": _solve_cholesky}


class LeastSquaresRegressor(PersistenceMixin, RegressorMixin, BaseEstimator):
    r"""Ordinary or ridge-regularised linear least squares, solved in closed form.

    Parameters
    ----------
    alpha : float, default=0.0
        Ridge penalty :math:`\alpha \ge 0` on the squared norm of the weights.
        ``0`` gives ordinary least squares.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept :math:`b`.
    solver : {"auto", "lstsq", "qr", "svd", "cholesky"}, default="auto"
        How to solve the problem:

        - ``"svd"``: thin SVD of the design matrix, :math:`X = U S V^\top`. Most
          robust; rank-deficient problems get the minimum-norm solution.
        - ``"lstsq"``: :func:`numpy.linalg.lstsq` (LAPACK ``gelsd``, also SVD
          based, minimum norm); ridge via the augmented system.
        - ``"qr"``: column-pivoted QR, :math:`XP = QR`, then a triangular solve;
          ridge via the augmented system. For a rank-deficient :math:`X` it
          returns a *basic* solution (same predictions, not minimum norm).
        - ``"cholesky"``: the normal equations :math:`(X^\top X + \alpha I)w =
          X^\top y`. Fastest for many samples and few features but squares the
          condition number; falls back to ``"svd"`` (with a ``RuntimeWarning``)
          when :math:`X^\top X + \alpha I` is singular.
        - ``"auto"``: ``"svd"``.
    rcond : float or None, default=None
        Relative cut-off for small singular values: those below
        ``rcond * largest`` count as zero (for ``rank_`` and the ``"svd"``,
        ``"lstsq"`` and ``"qr"`` solutions without ridge). ``None`` means
        machine epsilon times ``max(n_samples, n_features)``, as in
        :func:`numpy.linalg.lstsq`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The weights :math:`w`; two-dimensional when ``y`` was.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept :math:`b` (``0.0`` when ``fit_intercept=False``).
    rank_ : int
        Numerical rank of the (centred, weighted) design matrix.
    singular_values_ : ndarray of shape (min(n_samples, n_features),)
        Singular values of the (centred, weighted) design matrix, largest first.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` had string column names.

    See Also
    --------
    PolynomialFeatures, RBFFeatures, FourierFeatures : feature maps to fit
        non-linear functions with a linear model.
    sklearn.linear_model.Ridge : the same model; ``alpha`` has the same meaning.

    Notes
    -----
    The weights minimise

    .. math::

        L(w, b) = \sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha \lVert w \rVert^2

    with sample weights :math:`s_i` (default 1). The intercept is not penalised:
    centring :math:`X` and :math:`y` by their (weighted) means removes it,
    :math:`b = \bar y - \bar x^\top w`, exactly as in scikit-learn's ``Ridge``.

    With the thin SVD :math:`X = U S V^\top` of the centred design matrix,

    .. math::

        w = \sum_k \frac{\sigma_k}{\sigma_k^2 + \alpha} v_k u_k^\top y
          = \sum_k f_k \frac{u_k^\top y}{\sigma_k} v_k, \qquad
          f_k = \frac{\sigma_k^2}{\sigma_k^2 + \alpha},

    so ridge regression damps the directions of small singular values by the
    *filter factors* :math:`f_k` [1]_. With :math:`\alpha = 0` the sum runs over
    the singular values above the ``rcond`` cut-off, which is the
    Moore-Penrose pseudo-inverse and gives the minimum-norm solution. Forming
    :math:`X^\top X` (``"cholesky"``) squares the condition number, which is why
    the QR and SVD solvers are preferred for ill-conditioned designs [2]_.

    References
    ----------
    .. [1] P. C. Hansen, *Rank-Deficient and Discrete Ill-Posed Problems*, SIAM (1998).
    .. [2] G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., ch. 5 (2013).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import LeastSquaresRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = 2.0 * X[:, 0] + 1.0
    >>> reg = LeastSquaresRegressor().fit(X, y)
    >>> print(np.round(reg.coef_, 6), round(float(reg.intercept_), 6))
    [2.] 1.0
    >>> print(np.round(reg.predict([[4.0]]), 6))
    [9.]
    >>> reg.rank_
    1
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": [InstanceOf(bool)],
        "solver": [Options(*SOLVERS)],
        "rcond": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(self, *, alpha=0.0, fit_intercept=True, solver="auto", rcond=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.rcond = rcond

    def fit(self, X, y, sample_weight=None):
        """Fit the weights (and intercept) by least squares.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
            Design matrix (the features).
        y : array-like or torch.Tensor of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the squared error.

        Returns
        -------
        self : LeastSquaresRegressor
        """
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        y = np.asarray(y, dtype=np.float64)
        n_samples = X.shape[0]
        sw = self._check_sample_weight(sample_weight, n_samples)
        Y = y.reshape(n_samples, -1)

        if self.fit_intercept:
            X_offset = np.average(X, axis=0, weights=sw)
            Y_offset = np.average(Y, axis=0, weights=sw)
            Xc, Yc = X - X_offset, Y - Y_offset
            # A constant column is exactly collinear with the intercept; make it exactly
            # zero, or the rounding error of its mean would pass for a tiny feature
            # with a huge weight.
            Xc[:, (X == X[0]).all(axis=0)] = 0.0
        else:
            X_offset, Y_offset = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
            Xc, Yc = X, Y
        if sw is not None:
            root = np.sqrt(sw)[:, None]
            Xc, Yc = Xc * root, Yc * root

        solver = "svd" if self.solver == "auto" else self.solver
        alpha = float(self.alpha)
        coef, s = _SOLVE[solver](Xc, Yc, alpha, self.rcond)  # coef: (n_features, n_targets)
        intercept = Y_offset - X_offset @ coef

        self.singular_values_ = np.asarray(s, dtype=np.float64)
        self.rank_ = _rank(self.singular_values_, self.rcond, Xc.shape)
        if y.ndim == 1:
            self.coef_ = np.ascontiguousarray(coef[:, 0])
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = np.ascontiguousarray(coef.T)
            self.intercept_ = intercept
        return self

    @staticmethod
    def _check_sample_weight(sample_weight, n_samples):
        if sample_weight is None:
            return None
        sw = check_array(sample_weight, name="sample_weight", ndim=1, dtype=np.float64)
        if sw.shape[0] != n_samples:
            raise ValueError(
                f"sample_weight has {sw.shape[0]} entries; expected one per sample ({n_samples})."
            )
        if (sw < 0).any():
            raise ValueError("sample_weight must be non-negative; got negative weights.")
        if not sw.sum() > 0:
            raise ValueError("sample_weight must have a positive sum; got all zeros.")
        return sw

    def predict(self, X):
        """Predict ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
