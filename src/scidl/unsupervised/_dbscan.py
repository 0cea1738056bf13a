"""DBSCAN (scikit-learn's implementation, scidl's conventions) and the k-distance graph."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.cluster import DBSCAN as _SklearnDBSCAN
from sklearn.neighbors import NearestNeighbors

from scidl.base import PersistenceMixin
from scidl.utils import check_array, validate_data

__all__ = ["DBSCAN", "k_distance_knee", "k_distances", "suggest_eps"]


_NUMERIC_PARAMS = ("eps", "min_samples", "leaf_size", "p", "n_jobs")


class DBSCAN(PersistenceMixin, _SklearnDBSCAN):
    """Density-based clustering: scikit-learn's DBSCAN behind scidl's conventions.

    The algorithm is scikit-learn's (:class:`sklearn.cluster.DBSCAN`, not a
    rewrite); scidl adds its input validation (torch tensors accepted, clear
    errors) and ``save``/:func:`scidl.load`. Pick ``eps`` with
    :func:`suggest_eps` or look at :func:`scidl.plot.plot_k_distance`.

    Parameters
    ----------
    eps : float, default 0.5
        Radius of a neighbourhood.
    min_samples : int, default 5
        Samples (the point itself included) within ``eps`` that make a core point.
    metric, metric_params, algorithm, leaf_size, p, n_jobs
        As in :class:`sklearn.cluster.DBSCAN`.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each sample; ``-1`` marks noise.
    core_sample_indices_ : ndarray of shape (n_core_samples,)
        Indices of the core samples.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core samples themselves.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    Ester, Kriegel, Sander & Xu (1996): a *core point* has at least
    ``min_samples`` points within distance ``eps``; clusters are the connected
    components of core points (linked when within ``eps`` of each other) plus
    the border points within ``eps`` of a core point; everything else is noise.
    Unlike k-means it needs no number of clusters and finds clusters of any
    shape (moons, rings), but one ``eps`` must suit every cluster's density.
    DBSCAN has no ``predict``: new points are not assigned.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.unsupervised import DBSCAN
    >>> X = np.array([[0, 0], [0, 0.1], [0.1, 0], [5, 5], [5, 5.1], [5.1, 5], [20, 20]])
    >>> DBSCAN(eps=0.5, min_samples=3).fit(X).labels_.tolist()
    [0, 0, 0, 1, 1, 1, -1]
    """

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X`` of shape (n_samples, n_features); returns ``self``.

        Parameters
        ----------
        X : array-like, sparse matrix or torch.Tensor of shape (n_samples, n_features)
            The samples, or distances when ``metric="precomputed"``.
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each sample in the ``min_samples`` count.

        Returns
        -------
        self : DBSCAN
        """
        for name in _NUMERIC_PARAMS:  # scikit-learn's table takes True for 1 (bool is an int)
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)):
                raise TypeError(
                    f"The {name!r} parameter of DBSCAN must be a number, not a bool; got {value!r}."
                )
        if self.metric != "precomputed":
            X = validate_data(self, X, dtype=[np.float64, np.float32], accept_sparse="csr")
        return super().fit(X, y, sample_weight=sample_weight)


def k_distances(X, min_samples=5):
    """Distance of each sample to its ``min_samples``-th nearest neighbour, sorted.

    The sample itself counts as its first neighbour, as in :class:`DBSCAN`'s
    definition of a core point.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples.
    min_samples : int, default 5
        As in :class:`DBSCAN` (at least 2, at most ``n_samples``).

    Returns
    -------
    ndarray of shape (n_samples,)
        Ascending distances: the k-distance graph of Ester et al. (1996).

    Examples
    --------
    >>> from scidl.unsupervised import k_distances
    >>> k_distances([[0.0], [1.0], [3.0], [7.0]], min_samples=2)
    array([1., 1., 2., 4.])
    """
    X = check_array(X, name="X")
    if (
        not isinstance(min_samples, numbers.Integral)
        or isinstance(min_samples, bool)
        or min_samples < 2
    ):
        raise ValueError(f"min_samples must be an int >= 2; got {min_samples!r}.")
    if min_samples > len(X):
        raise ValueError(f"min_samples={min_samples} must be <= n_samples={len(X)}.")
    dist, _ = NearestNeighbors(n_neighbors=min_samples).fit(X).kneighbors(X)
    return np.sort(dist[:, -1])


def k_distance_knee(values):
    """Index of the knee of an increasing curve, such as the k-distance graph.

    The curve is scaled to the unit square and the knee is the point farthest
    below the straight line (chord) through its two ends: the "Kneedle"
    criterion of Satopaa, Albrecht, Irwin & Raghavan (2011). :func:`suggest_eps`
    returns the k-distance at this index.

    Parameters
    ----------
    values : array-like of shape (n_values,)
        An increasing (sorted) curve, e.g. the output of :func:`k_distances`.

    Returns
    -------
    int
        Index of the knee; the last index when the curve has fewer than three
        points or does not rise.

    Examples
    --------
    >>> from scidl.unsupervised import k_distance_knee
    >>> k_distance_knee([0.1, 0.1, 0.11, 0.12, 0.12, 0.13, 1.0, 2.0])
    5
    >>> k_distance_knee([1.0, 1.0, 1.0])  # flat: no knee
    2
    """
    values = check_array(values, name="values", ndim=1, dtype=np.float64)
    n = len(values)
    span = values[-1] - values[0]
    if n < 3 or span <= 0:
        return n - 1
    x = np.linspace(0.0, 1.0, n)
    y = (values - values[0]) / span
    return int(np.argmax(x - y))


def suggest_eps(X, min_samples=5):
    """DBSCAN's ``eps`` from the knee of the k-distance graph.

    Sorting the distances of all samples to their ``min_samples``-th nearest
    neighbour gives a curve that is flat inside clusters and rises steeply for
    noise; Ester et al. (1996) suggest ``eps`` at the bend. The knee is found as
    the point of the normalised curve farthest below the straight line through
    its ends (the "Kneedle" criterion of Satopaa et al. 2011).

    The knee separates dense points from the sparsest ones, which suits data
    with background noise. On clean data (e.g. two noisy moons without
    outliers) the knee lies inside the clusters' own spread of k-distances,
    so about one point in six is not a core point and thin parts of a cluster
    can break apart; a value up to about twice the knee then joins them (the
    clustering demo uses ``2 * suggest_eps(X)``). Look at
    :func:`scidl.plot.plot_k_distance` when in doubt.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples.
    min_samples : int, default 5
        As in :class:`DBSCAN`.

    Returns
    -------
    float
        The k-distance at the knee (:func:`k_distance_knee`).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.unsupervised import DBSCAN, suggest_eps
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 0.1, (100, 2)), rng.normal(3, 0.1, (100, 2))])
    >>> eps = suggest_eps(X, min_samples=5)
    >>> 0.05 < eps < 1.0
    True
    >>> np.unique(DBSCAN(eps=eps, min_samples=5).fit(X).labels_[[0, 150]]).size
    2
    """
    d = k_distances(X, min_samples)
    return float(d[k_distance_knee(d)])
