"""Distances between probability distributions, exact and from samples (chapter 9).

NumPy/SciPy functions, re-exported by :mod:`scidl.generative`:

- :func:`kl_divergence_gaussian`: ``KL(N(m_p, S_p) || N(m_q, S_q))`` in closed form;
- :func:`kl_divergence_knn`: ``KL(p || q)`` from samples by the k-nearest-neighbour
  estimator of Wang, Kulkarni and Verdu (2009);
- :func:`js_divergence`: the Jensen-Shannon divergence of two discrete distributions
  (histograms);
- :func:`wasserstein_1d`: the exact ``p``-Wasserstein distance of two 1-D samples;
- :func:`sliced_wasserstein`: the Monte-Carlo sliced Wasserstein distance in any dimension;
- :func:`mmd` and :func:`mmd_test`: the maximum mean discrepancy with a Gaussian kernel
  (unbiased U-statistic or biased V-statistic) and its permutation test.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.spatial import cKDTree

from scidl.utils import check_array, make_seed

__all__ = [
    "js_divergence",
    "kl_divergence_gaussian",
    "kl_divergence_knn",
    "mmd",
    "mmd_test",
    "sliced_wasserstein",
    "wasserstein_1d",
]


# -- argument checks -------------------------------------------------------------------
def _check_int(value, name, low):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int; got {type(value).__name__}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}.")
    return int(value)


def _check_positive(value, name, *, allow_none=False, low=0.0):
    if value is None and allow_none:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}.")
    if not np.isfinite(value) or not value > low:
        raise ValueError(f"{name} must be a finite number > {low:g}; got {value!r}.")
    return float(value)


def _pair(X, Y, *, min_samples=1):
    """Two sample tables ``(n, d)`` and ``(m, d)`` with the same number of features."""
    X = check_array(X, name="X", ndim=2, min_samples=min_samples)
    Y = check_array(Y, name="Y", ndim=2, min_samples=min_samples)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of features; X has {X.shape[1]}, "
            f"Y has {Y.shape[1]}."
        )
    if X.shape[1] == 0:
        raise ValueError("X and Y must have at least one feature; got 0.")
    return X.astype(np.float64, copy=False), Y.astype(np.float64, copy=False)


# -- Kullback-Leibler ------------------------------------------------------------------
def kl_divergence_gaussian(mean_p, cov_p, mean_q, cov_q):
    """``KL(p || q)`` of two multivariate Gaussians, in closed form (nats).

    Parameters
    ----------
    mean_p, mean_q : array-like of shape (d,)
        Means of ``p`` and ``q`` (a scalar for ``d = 1``).
    cov_p, cov_q : array-like of shape (d, d)
        Symmetric positive-definite covariances (a scalar variance for ``d = 1``).

    Returns
    -------
    float
        ``(tr(S_q^-1 S_p) + (m_q - m_p)^T S_q^-1 (m_q - m_p) - d + log det S_q / det S_p) / 2``.

    Examples
    --------
    >>> from scidl.generative import kl_divergence_gaussian
    >>> round(kl_divergence_gaussian(0.0, 1.0, 1.0, 1.0), 6)  # (mean difference)^2 / 2
    0.5
    >>> round(kl_divergence_gaussian([0, 0], [[1, 0], [0, 1]], [0, 0], [[2, 0], [0, 2]]), 4)
    0.1931
    """
    mp = check_array(np.atleast_1d(mean_p), name="mean_p", ndim=1)
    mq = check_array(np.atleast_1d(mean_q), name="mean_q", ndim=1)
    d = mp.shape[0]
    if mq.shape[0] != d:
        raise ValueError(f"mean_q must have {d} entries like mean_p; got {mq.shape[0]}.")
    covs = []
    for name, cov in (("cov_p", cov_p), ("cov_q", cov_q)):
        c = check_array(np.atleast_2d(cov), name=name, ndim=2)
        if c.shape != (d, d):
            raise ValueError(f"{name} must have shape ({d}, {d}); got {c.shape}.")
        if not np.allclose(c, c.T, rtol=1e-10, atol=1e-12):
            raise ValueError(f"{name} must be symmetric.")
        try:
            chol = np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise ValueError(f"{name} must be positive definite.") from None
        covs.append((c, chol))
    (sp, lp), (sq, lq) = covs
    diff = mq.astype(np.float64) - mp.astype(np.float64)
    sq_inv_sp = np.linalg.solve(sq, sp)
    maha = diff @ np.linalg.solve(sq, diff)
    logdet = 2.0 * (np.log(np.diag(lq)).sum() - np.log(np.diag(lp)).sum())
    return float(0.5 * (np.trace(sq_inv_sp) + maha - d + logdet))


def kl_divergence_knn(X, Y, *, n_neighbors=1):
    """``KL(p || q)`` from samples ``X ~ p`` and ``Y ~ q`` by k-nearest-neighbour distances.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Samples of ``p`` (at least ``n_neighbors + 1``, no duplicate rows).
    Y : array-like of shape (m, d)
        Samples of ``q`` (at least ``n_neighbors``).
    n_neighbors : int, default 1
        The ``k`` of the estimator.

    Returns
    -------
    float
        The estimate in nats (it may be slightly negative for close distributions).

    Notes
    -----
    Wang, Kulkarni and Verdu (IEEE Trans. Inf. Theory 55, 2392, 2009):
    ``D = d/n sum_i log(nu_k(i) / rho_k(i)) + log(m / (n - 1))``, with ``rho_k(i)`` the
    distance from ``x_i`` to its ``k``-th nearest neighbour among the other ``x`` and
    ``nu_k(i)`` to its ``k``-th nearest neighbour among the ``y``. The estimator is
    asymptotically unbiased and consistent; its bias shrinks as the samples grow.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import kl_divergence_knn
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(2000, 1)), rng.normal(1.0, 1.0, size=(2000, 1))
    >>> bool(abs(kl_divergence_knn(X, Y) - 0.5) < 0.1)  # exact: (mean difference)^2 / 2
    True
    """
    k = _check_int(n_neighbors, "n_neighbors", 1)
    X, Y = _pair(X, Y)
    n, d = X.shape
    m = Y.shape[0]
    if n < k + 1:
        raise ValueError(f"X needs at least n_neighbors + 1 = {k + 1} samples; got {n}.")
    if m < k:
        raise ValueError(f"Y needs at least n_neighbors = {k} samples; got {m}.")
    rho = cKDTree(X).query(X, k=k + 1)[0]
    rho = rho[:, -1] if rho.ndim == 2 else rho  # the k-th neighbour other than the point
    nu = cKDTree(Y).query(X, k=k)[0]
    nu = nu[:, -1] if nu.ndim == 2 else nu
    if np.any(rho == 0):
        raise ValueError(
            "X has duplicate rows (a zero nearest-neighbour distance); the k-nearest-"
            "neighbour estimator needs samples of a continuous distribution."
        )
    nu = np.maximum(nu, np.finfo(np.float64).tiny)  # a row of X equal to one of Y
    return float(d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1.0)))


# -- Jensen-Shannon --------------------------------------------------------------------
def _probabilities(p, name):
    p = check_array(p, name=name, ndim=1)
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative; got a minimum of {p.min():.4g}.")
    total = p.sum()
    if not total > 0:
        raise ValueError(f"{name} must have a positive sum; got {total!r}.")
    return p.astype(np.float64) / total


def js_divergence(p, q, *, base=None):
    """Jensen-Shannon divergence of two discrete distributions (e.g. histograms).

    Parameters
    ----------
    p, q : array-like of shape (n_bins,)
        Non-negative weights (normalised here) on the same bins.
    base : float or None, default None
        Base of the logarithm: None is nats (the maximum is ``log 2``); 2 gives bits
        (the maximum is 1).

    Returns
    -------
    float
        ``JS = KL(p || m) / 2 + KL(q || m) / 2`` with ``m = (p + q) / 2``.

    Examples
    --------
    >>> from scidl.generative import js_divergence
    >>> js_divergence([1, 0], [0, 1], base=2)  # disjoint supports: the maximum
    1.0
    >>> js_divergence([0.2, 0.8], [0.2, 0.8])
    0.0
    """
    p = _probabilities(p, "p")
    q = _probabilities(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same number of bins; got {p.size} and {q.size}.")
    if base is not None:
        base = _check_positive(base, "base")
        if base == 1.0:
            raise ValueError("base must not be 1.")
    m = 0.5 * (p + q)

    def kl(a):
        nz = a > 0
        return float(np.sum(a[nz] * np.log(a[nz] / m[nz])))

    js = max(0.0, 0.5 * kl(p) + 0.5 * kl(q))
    return float(js / np.log(base)) if base is not None else float(js)


# -- Wasserstein -----------------------------------------------------------------------
def _wasserstein_sorted(x, y, p):
    """``W_p^p`` of two sorted 1-D samples: the quantile functions integrated exactly."""
    n, m = x.shape[-1], y.shape[-1]
    # breakpoints of both piecewise-constant quantile functions on (0, 1]
    levels = np.union1d(np.arange(1, n + 1) / n, np.arange(1, m + 1) / m)
    widths = np.diff(levels, prepend=0.0)
    mid = levels - 0.5 * widths
    ix = np.minimum((mid * n).astype(np.int64), n - 1)
    iy = np.minimum((mid * m).astype(np.int64), m - 1)
    return np.sum(np.abs(x[..., ix] - y[..., iy]) ** p * widths, axis=-1)


def wasserstein_1d(X, Y, *, p=1):
    """The ``p``-Wasserstein distance of two one-dimensional samples, exactly.

    Parameters
    ----------
    X : array-like of shape (n,)
        Samples of the first distribution.
    Y : array-like of shape (m,)
        Samples of the second (sizes may differ).
    p : float, default 1
        Order, ``p >= 1``.

    Returns
    -------
    float
        ``(int_0^1 |F^-1(t) - G^-1(t)|^p dt)^(1/p)`` for the empirical distributions
        (the optimal transport cost between them); ``p = 1`` is the earth mover's
        distance, the area between the two distribution functions.

    Examples
    --------
    >>> from scidl.generative import wasserstein_1d
    >>> wasserstein_1d([0.0, 1.0, 3.0], [5.0, 6.0, 8.0])  # a shift by 5
    5.0
    >>> wasserstein_1d([0.0, 1.0], [0.0, 0.5, 1.0], p=2) ** 2
    0.08333333333333333
    """
    X = check_array(X, name="X", ndim=1).astype(np.float64, copy=False)
    Y = check_array(Y, name="Y", ndim=1).astype(np.float64, copy=False)
    if not isinstance(p, numbers.Real) or isinstance(p, bool):
        raise TypeError(f"p must be a real number; got {type(p).__name__}.")
    if not (np.isfinite(p) and p >= 1):
        raise ValueError(f"p must be a finite number >= 1; got {p!r}.")
    cost = _wasserstein_sorted(np.sort(X), np.sort(Y), float(p))
    return float(cost ** (1.0 / p))


def sliced_wasserstein(X, Y, *, n_projections=100, p=2, random_state=None):
    """The sliced ``p``-Wasserstein distance: 1-D distances of random projections, averaged.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Samples of the first distribution.
    Y : array-like of shape (m, d)
        Samples of the second.
    n_projections : int, default 100
        Random directions, uniform on the unit sphere.
    p : float, default 2
        Order, ``p >= 1``.
    random_state : int, Generator, RandomState or None
        Seeds the directions.

    Returns
    -------
    float
        ``(mean_theta W_p^p(theta . X, theta . Y))^(1/p)`` (Rabin et al. 2011; Bonneel et
        al. 2015), a Monte-Carlo estimate of the integral over the sphere.

    Notes
    -----
    For two distributions that differ by a translation ``delta``, every projection
    differs by ``theta . delta`` and the sliced 2-Wasserstein distance is
    ``|delta| / sqrt(d)`` (the average of ``(theta . delta)^2`` over the sphere is
    ``|delta|^2 / d``).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import sliced_wasserstein
    >>> X = np.random.default_rng(0).normal(size=(500, 2))
    >>> sw = sliced_wasserstein(X, X + [3.0, 4.0], n_projections=2000, random_state=0)
    >>> bool(abs(sw - 5.0 / np.sqrt(2)) < 0.1)  # |delta| / sqrt(d)
    True
    """
    X, Y = _pair(X, Y)
    L = _check_int(n_projections, "n_projections", 1)
    if not isinstance(p, numbers.Real) or isinstance(p, bool):
        raise TypeError(f"p must be a real number; got {type(p).__name__}.")
    if not (np.isfinite(p) and p >= 1):
        raise ValueError(f"p must be a finite number >= 1; got {p!r}.")
    rng = np.random.default_rng(make_seed(random_state))
    theta = rng.standard_normal((L, X.shape[1]))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    px = np.sort(theta @ X.T, axis=1)
    py = np.sort(theta @ Y.T, axis=1)
    cost = _wasserstein_sorted(px, py, float(p))
    return float(np.mean(cost) ** (1.0 / p))


# -- maximum mean discrepancy ------------------------------------------------------------
def _median_bandwidth(Z):
    """The median heuristic: the median pairwise distance of (at most 1,000 of) the rows."""
    Z = Z[:1000]
    d2 = _sq_dists(Z, Z)
    iu = np.triu_indices(len(Z), k=1)
    med = float(np.sqrt(np.median(d2[iu]))) if len(iu[0]) else 0.0
    return med if med > 0 else 1.0


def _sq_dists(A, B):
    d2 = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d2, 0.0)


def _mmd2_from_kernel(K, n, unbiased):
    """MMD^2 of the first ``n`` rows against the rest, from the pooled kernel matrix."""
    kxx, kyy, kxy = K[:n, :n], K[n:, n:], K[:n, n:]
    m = K.shape[0] - n
    if unbiased:
        sxx = (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
        syy = (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    else:
        sxx, syy = kxx.sum() / n**2, kyy.sum() / m**2
    return float(sxx + syy - 2.0 * kxy.mean())


def _kernel(X, Y, bandwidth):
    Z = np.concatenate([X, Y])
    h = _median_bandwidth(Z) if bandwidth is None else bandwidth
    return np.exp(-_sq_dists(Z, Z) / (2.0 * h * h)), h


def mmd(X, Y, *, bandwidth=None, unbiased=True):
    """Squared maximum mean discrepancy with the Gaussian kernel.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Samples of ``p`` (at least 2).
    Y : array-like of shape (m, d)
        Samples of ``q`` (at least 2).
    bandwidth : float or None, default None
        The kernel's ``h`` in ``k(x, y) = exp(-|x - y|^2 / (2 h^2))``; None takes the
        median pairwise distance of the pooled samples (the median heuristic).
    unbiased : bool, default True
        The unbiased U-statistic (it can be negative when ``p = q``) or the biased
        V-statistic (always >= 0, biased upwards by ``O(1/n)``).

    Returns
    -------
    float
        The estimate of ``MMD^2 = E k(x, x') + E k(y, y') - 2 E k(x, y)`` (Gretton et al.,
        JMLR 13, 723, 2012).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import mmd
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> bool(abs(mmd(X, rng.normal(size=(200, 2)), bandwidth=1.0)) < 0.01)
    True
    >>> bool(mmd(X, X + 3.0, bandwidth=1.0) > 0.5)
    True
    """
    X, Y = _pair(X, Y, min_samples=2)
    h = _check_positive(bandwidth, "bandwidth", allow_none=True)
    if not isinstance(unbiased, bool | np.bool_):
        raise TypeError(f"unbiased must be a bool; got {type(unbiased).__name__}.")
    K, _ = _kernel(X, Y, h)
    return _mmd2_from_kernel(K, len(X), bool(unbiased))


def mmd_test(X, Y, *, n_permutations=500, bandwidth=None, random_state=None):
    """Two-sample permutation test of ``p = q`` with the unbiased MMD^2 statistic.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Samples of ``p`` (at least 2).
    Y : array-like of shape (m, d)
        Samples of ``q`` (at least 2).
    n_permutations : int, default 500
        Random relabellings of the pooled sample.
    bandwidth : float or None, default None
        Kernel bandwidth (None: the median heuristic on the pooled sample, fixed for every
        permutation).
    random_state : int, Generator, RandomState or None
        Seeds the permutations.

    Returns
    -------
    statistic : float
        The unbiased ``MMD^2`` of ``X`` against ``Y``.
    p_value : float
        ``(1 + #{permuted statistic >= statistic}) / (1 + n_permutations)``: a valid
        p-value under ``p = q`` (exchangeability), never 0.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import mmd_test
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2))
    >>> _, p_same = mmd_test(X, rng.normal(size=(100, 2)), n_permutations=200, random_state=0)
    >>> _, p_diff = mmd_test(X, rng.normal(0.8, 1.0, size=(100, 2)), n_permutations=200,
    ...                      random_state=0)
    >>> bool(p_same > 0.05), bool(p_diff < 0.01)
    (True, True)
    """
    X, Y = _pair(X, Y, min_samples=2)
    B = _check_int(n_permutations, "n_permutations", 1)
    h = _check_positive(bandwidth, "bandwidth", allow_none=True)
    K, _ = _kernel(X, Y, h)
    n = len(X)
    stat = _mmd2_from_kernel(K, n, True)
    rng = np.random.default_rng(make_seed(random_state))
    count = 0
    for _ in range(B):
        perm = rng.permutation(K.shape[0])
        if _mmd2_from_kernel(K[np.ix_(perm, perm)], n, True) >= stat:
            count += 1
    return stat, (1.0 + count) / (1.0 + B)
