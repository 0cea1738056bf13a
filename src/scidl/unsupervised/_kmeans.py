"""k-means clustering: k-means++ seeding and Lloyd or mini-batch iterations in torch."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin

from scidl.base import PersistenceMixin
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    as_tensor,
    check_array,
    check_fitted,
    make_seed,
    resolve_device,
    resolve_dtype,
    validate_data,
    validate_params,
)

__all__ = ["KMeans"]

# Samples per chunk of the assignment step: a (chunk x n_clusters) block of
# distances stays in cache, and the per-chunk Python overhead stays small.
_CHUNK_ELEMENTS = 2**19


# Hamerly's step re-checks a sample's own centre (O(d)) before comparing it with
# all k centres (one matrix product); with few centres the full comparison
# costs about as much as that check, so it is skipped.
_TIGHTEN_MIN_CLUSTERS = 16


def _chunk_size(n_clusters):
    return max(256, _CHUNK_ELEMENTS // max(n_clusters, 1))


def _argmin_rows(d):
    """Column index of the smallest entry of each row.

    On the CPU NumPy's SIMD ``argmin`` on the same memory (no copy) is several
    times faster than ``torch.argmin`` along short rows; on a GPU torch's is used.
    """
    if d.device.type == "cpu":
        return torch.from_numpy(np.argmin(d.numpy(), axis=1))
    return torch.argmin(d, dim=1)


def _distance_chunks(X, centers):
    """``(start, chunk, d)`` for each chunk of samples, ``d[i, j] = ||x_i - c_j||^2 - ||x_i||^2``.

    ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2``: comparing centres does not need
    ``||x||^2``, so each chunk costs one matrix product and one in-place add, on
    a block that stays in cache. ``d`` lives in one preallocated buffer (a fresh
    multi-megabyte allocation per chunk cost page faults that doubled the time),
    so it is only valid until the next chunk.
    """
    n, k = X.shape[0], len(centers)
    c_sq = (centers * centers).sum(dim=1)
    ct = (-2.0 * centers.T).contiguous()  # a row-major (d, k) operand is markedly faster in mm
    step = _chunk_size(k)
    buf = torch.empty((min(step, n), k), dtype=X.dtype, device=X.device)
    for s in range(0, n, step):
        xb = X[s : s + step]
        yield s, xb, torch.mm(xb, ct, out=buf[: len(xb)]).add_(c_sq)


def _assign(X, centers):
    """Index of the nearest centre of each sample."""
    labels = torch.empty(X.shape[0], dtype=torch.int64, device=X.device)
    for s, xb, d in _distance_chunks(X, centers):
        labels[s : s + len(xb)] = _argmin_rows(d)
    return labels


def _distance(a, b):
    """Row-wise Euclidean distance ``||a_i - b_i||``."""
    return torch.linalg.vector_norm(a - b, dim=1)


def _flatnonzero(mask):
    """Indices of the true entries of a 1-D boolean tensor."""
    if mask.device.type == "cpu":
        return torch.from_numpy(np.flatnonzero(mask.numpy()))
    return torch.nonzero(mask).flatten()


def _cluster_sums(X, labels, k):
    """Per-cluster sums of the rows of ``X``, shape (k, n_features).

    With few features on the CPU, one weighted ``bincount`` per feature is
    about ten times faster than a row-wise ``index_add_``, whose per-row
    overhead dominates short rows; otherwise ``index_add_``.
    """
    if X.device.type == "cpu" and X.shape[1] <= 16:
        lab, x = labels.numpy(), X.numpy()
        cols = [np.bincount(lab, x[:, j], minlength=k) for j in range(X.shape[1])]
        return torch.from_numpy(np.stack(cols, axis=1)).to(X.dtype)
    return torch.zeros((k, X.shape[1]), dtype=X.dtype, device=X.device).index_add_(0, labels, X)


def _nearest_two(X, centers, x_sq):
    """Nearest centre of each sample, with bounds on the distances to it and to the others.

    Returns the labels, an upper bound on each sample's distance to its
    centre and a lower bound on its distance to every other centre.

    ``x_sq`` holds the squared norms of the rows of ``X``. The squared distances
    come from :func:`_distance_chunks` (one matrix product per chunk,
    no gathered copies of centres); the nearest and second-nearest are read
    off it, and their square roots are widened by a bound on the expansion's
    rounding error, ``2 (d + 2) eps (||x||^2 + max ||c||^2)``, so that they are
    true upper/lower bounds for Hamerly's test. With one centre the lower
    bound is ``inf``.
    """
    n, k = X.shape[0], len(centers)
    labels = torch.empty(n, dtype=torch.int64, device=X.device)
    upper = torch.empty(n, dtype=X.dtype, device=X.device)
    lower = torch.full((n,), math.inf, dtype=X.dtype, device=X.device)
    err = 2 * (X.shape[1] + 2) * torch.finfo(X.dtype).eps
    c_sq_max = float((centers * centers).sum(dim=1).max())
    rows = torch.arange(
        0, min(_chunk_size(k), n) * k, k, device=X.device
    )  # flat index of each row's start
    for s, xb, d in _distance_chunks(X, centers):
        m = len(xb)
        xs = x_sq[s : s + m]
        slack = (xs + c_sq_max).mul_(err)
        flat = d.view(-1)
        first = _argmin_rows(d)
        labels[s : s + m] = first
        pos = rows[:m] + first
        upper[s : s + m] = (flat.index_select(0, pos) + xs + slack).clamp_(min=0).sqrt_()
        if k > 1:
            flat.index_fill_(0, pos, math.inf)  # hide the nearest
            second = flat.index_select(0, rows[:m] + _argmin_rows(d))
            lower[s : s + m] = (second + xs - slack).clamp_(min=0).sqrt_()
    return labels, upper, lower


def _inertia(X, centers, labels):
    """``sum_i ||x_i - c_{label_i}||^2``, computed directly (no cancellation), chunk by chunk."""
    total = 0.0
    step = _chunk_size(1)
    for s in range(0, X.shape[0], step):
        total += float(((X[s : s + step] - centers[labels[s : s + step]]) ** 2).sum())
    return total


def _kmeans_plusplus(X, x_sq, n_clusters, rng):
    """Greedy k-means++ seeding (Arthur & Vassilvitskii 2007), as in scikit-learn.

    Each new centre is the best of ``2 + log k`` candidates drawn with
    probability proportional to the squared distance to the nearest centre so
    far ("potential"); all candidates are scored in one vectorised step.
    """
    n = X.shape[0]
    n_trials = 2 + int(math.log(n_clusters))
    centers = torch.empty((n_clusters, X.shape[1]), dtype=X.dtype, device=X.device)
    first = int(rng.integers(n))
    centers[0] = X[first]
    closest = (x_sq - 2 * X @ X[first] + x_sq[first]).clamp_(min=0)
    potential = closest.sum()
    for c in range(1, n_clusters):
        u = torch.as_tensor(rng.random(n_trials), dtype=X.dtype, device=X.device) * potential
        candidates = torch.searchsorted(torch.cumsum(closest, 0), u).clamp_(max=n - 1)
        dist = (x_sq[candidates, None] - 2 * X[candidates] @ X.T + x_sq[None, :]).clamp_(min=0)
        dist = torch.minimum(closest[None, :], dist)
        pots = dist.sum(dim=1)
        best = int(torch.argmin(pots))
        potential, closest = pots[best], dist[best]
        centers[c] = X[candidates[best]]
    return centers


class KMeans(PersistenceMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means clustering with k-means++ seeding, vectorised in torch (CPU or GPU).

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
        Seeding: greedy k-means++, ``n_clusters`` distinct random samples, or
        given centres.
    n_init : int or "auto", default "auto"
        Number of seedings; the run with the lowest inertia is kept. ``"auto"``
        is 1 for k-means++ or given centres and 10 for random seeding.
    max_iter : int, default 300
        Lloyd iterations per run (epochs over the data for mini-batch).
    tol : float, default 1e-4
        Convergence when the squared movement of the centres is at most
        ``tol`` times the mean variance of the features.
    algorithm : {"hamerly", "lloyd", "minibatch"}, default "hamerly"
        ``"lloyd"``: Lloyd's iterations, every sample compared with every
        centre in every iteration. ``"hamerly"``: the same iterations and the
        same result, but distance bounds (Hamerly 2010) skip the samples that
        cannot change cluster, which is most of them after the first few
        iterations. ``"minibatch"``: Sculley's (2010) mini-batch updates.
    batch_size : int, default 1024
        Mini-batch size for ``algorithm="minibatch"``.
    dtype : {"float64", "float32"}, default "float64"
    device : {"auto", "cpu", "cuda"} or torch.device, default "auto"
        Where the iterations run (``"auto"``: a GPU when there is one).
        ``predict``, ``transform`` and ``score`` run on the CPU.
    random_state : int, RandomState, Generator or None

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        Index of the nearest centre of each training sample.
    inertia_ : float
        Sum of squared distances of the samples to their nearest centre.
    n_iter_ : int
        Iterations (epochs) of the kept run.
    n_features_in_ : int

    Notes
    -----
    k-means minimises the inertia ``sum_i min_j ||x_i - c_j||^2``. Lloyd's
    algorithm alternates the assignment step (each sample to its nearest
    centre) and the update step (each centre to the mean of its samples);
    neither step can increase the inertia, so it converges, to a local
    minimum that depends on the seeding. Distances are computed as
    ``||x||^2 - 2 x.c + ||c||^2`` with one matrix product per chunk of samples,
    and the new centres from per-cluster sums: no Python loop over samples.
    The iteration, convergence test, final re-assignment and the relocation of
    empty clusters follow scikit-learn's ``lloyd`` implementation, so both
    perform the same iterations from the same centres. The default
    ``"hamerly"`` performs those same iterations but, after the first few,
    compares only the samples near a cluster boundary with all centres
    (``benchmarks/unsupervised.py``: 200,000 x 2 points, 100 clusters, about
    0.6-0.8 times scikit-learn's time with the same 47 iterations and inertia).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.unsupervised import KMeans
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]], dtype=float)
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(np.bincount(km.labels_).tolist())
    [3, 3]
    >>> round(km.inertia_, 6)
    2.666667
    >>> bool(km.predict([[0.5, 0.5]])[0] == km.labels_[0])
    True
    """

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None)],
        "init": [
            Options("k-means++", "random"),
            InstanceOf(
                np.ndarray,
                list,
                tuple,
                torch.Tensor,
                description="'k-means++', 'random' or an array of centres",
            ),
        ],
        "n_init": [Interval(numbers.Integral, 1, None), Options("auto")],
        "max_iter": [Interval(numbers.Integral, 1, None)],
        "tol": [Interval(numbers.Real, 0, None)],
        "algorithm": [Options("hamerly", "lloyd", "minibatch")],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "dtype": [Options("float32", "float64")],
        "device": [InstanceOf(str, torch.device)],
        "random_state": [
            Interval(numbers.Integral, 0, None),
            InstanceOf(np.random.RandomState, np.random.Generator),
            None,
        ],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        algorithm="hamerly",
        batch_size=1024,
        dtype="float64",
        device="auto",
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.algorithm = algorithm
        self.batch_size = batch_size
        self.dtype = dtype
        self.device = device
        self.random_state = random_state

    # -- one run ----------------------------------------------------------------
    def _init_centers(self, X, x_sq, rng):
        if isinstance(self.init, str) and self.init == "k-means++":
            return _kmeans_plusplus(X, x_sq, self.n_clusters, rng)
        if isinstance(self.init, str):  # "random"
            idx = torch.as_tensor(
                rng.choice(X.shape[0], self.n_clusters, replace=False), device=X.device
            )
            return X[idx].clone()
        return self._given_centers.clone()

    def _relocate_empty(self, X, centers, centers_new, counts, labels):
        """Move empty clusters to the samples farthest from their centres (as scikit-learn)."""
        empty = torch.nonzero(counts == 0).flatten()
        if len(empty) == 0:
            return
        far = torch.topk(((X - centers[labels]) ** 2).sum(dim=1), len(empty)).indices
        for e, i in zip(empty.tolist(), far.tolist()):
            old = int(labels[i])
            centers_new[old] = (centers_new[old] * counts[old] - X[i]) / max(
                float(counts[old]) - 1, 1.0
            )
            counts[old] -= 1
            centers_new[e] = X[i]
            counts[e] = 1

    def _lloyd(self, X, centers, tol):
        k = self.n_clusters
        labels_old = None
        strict = False
        n_iter = 0
        for _ in range(self.max_iter):
            n_iter += 1
            labels = _assign(X, centers)
            counts = torch.bincount(labels, minlength=k).to(X.dtype)
            sums = _cluster_sums(X, labels, k)
            centers_new = sums / counts.clamp(min=1)[:, None]
            self._relocate_empty(X, centers, centers_new, counts, labels)
            shift = float(((centers_new - centers) ** 2).sum())
            centers = centers_new
            if labels_old is not None and torch.equal(labels, labels_old):
                strict = True
                break
            if shift <= tol:
                break
            labels_old = labels
        if not strict:  # labels consistent with the final centres
            labels = _assign(X, centers)
        return centers, labels, n_iter

    def _hamerly(self, X, centers, tol):
        """Lloyd's iterations, with most distance computations skipped by Hamerly's bounds.

        Hamerly (2010, SIAM SDM) keeps, per sample, an upper bound ``u`` on the
        distance to its centre and a lower bound ``l`` on the distance to every
        other centre. When centres move by ``p_j`` the bounds stay valid as
        ``u += p_a`` and ``l -= max_{j != a} p_j`` (triangle inequality). A
        sample cannot change cluster while ``u <= max(l, s_a)``, with ``s_a``
        half the distance from its centre to the nearest other centre, so only
        the samples that fail this test are compared with all centres, and
        the cluster sums are updated only for the samples that moved. The
        result is that of :meth:`_lloyd` (same labels and iteration count;
        centres equal up to the rounding of those updates); only the work
        differs. The bounds are tested with a relative margin of a few
        thousand rounding units, so rounding can only cause extra checks,
        never a skipped change.
        """
        k, n = self.n_clusters, X.shape[0]
        margin = 1.0 - 4096 * torch.finfo(X.dtype).eps
        x_sq = (X * X).sum(dim=1)
        labels, upper, lower = _nearest_two(X, centers, x_sq)
        counts = torch.bincount(labels, minlength=k).to(X.dtype)
        sums = _cluster_sums(X, labels, k)
        n_iter, n_changed = 0, -1  # samples that changed cluster in the last re-assignment
        for _ in range(self.max_iter):
            n_iter += 1
            centers_new = sums / counts.clamp(min=1)[:, None]
            self._relocate_empty(X, centers, centers_new, counts.clone(), labels)
            drift = (centers_new - centers).pow_(2).sum(dim=1)
            shift = float(drift.sum())
            centers = centers_new
            if n_changed == 0:
                break  # the labels, hence the centres, did not change: converged
            # Move the bounds with the centres, then re-assign where they allow a change.
            # (index_select and NumPy's flatnonzero: several times faster than
            # torch's advanced indexing and nonzero on the CPU.)
            drift.sqrt_()
            upper += drift.index_select(0, labels)
            n_changed = 0
            if k > 1:
                top = torch.topk(drift, 2)
                others = torch.full_like(drift, float(top.values[0]))
                others[top.indices[0]] = top.values[1]  # max drift of the other centres
                lower -= others.index_select(0, labels)
                between = torch.cdist(centers, centers)
                between.fill_diagonal_(math.inf)
                half = 0.5 * between.min(dim=1).values
                bound = torch.maximum(half.index_select(0, labels), lower).mul_(margin)
                todo = _flatnonzero(upper > bound)
                if 2 * len(todo) > n:
                    # Most samples must be checked: one pass over all of X is
                    # cheaper than gathering them (the lecture's plain Lloyd step).
                    new, upper, lower = _nearest_two(X, centers, x_sq)
                    moved = _flatnonzero(new != labels)
                    old, new, xs = (
                        labels.index_select(0, moved),
                        new.index_select(0, moved),
                        X.index_select(0, moved),
                    )
                    todo = moved
                elif len(todo):
                    xs = X.index_select(0, todo)
                    if k >= _TIGHTEN_MIN_CLUSTERS:  # tighten the upper bound, then retest
                        tight = _distance(xs, centers.index_select(0, labels.index_select(0, todo)))
                        upper.index_copy_(0, todo, tight)
                        still = _flatnonzero(tight > bound.index_select(0, todo))
                        todo, xs = todo[still], xs.index_select(0, still)
                    old = labels.index_select(0, todo)
                    new, up, low = _nearest_two(xs, centers, x_sq.index_select(0, todo))
                    upper.index_copy_(0, todo, up)
                    lower.index_copy_(0, todo, low)
                    moved = _flatnonzero(new != old)
                    todo, old, new, xs = (
                        todo[moved],
                        old[moved],
                        new[moved],
                        xs.index_select(0, moved),
                    )
                n_changed = len(todo)
                if n_changed:
                    labels.index_copy_(0, todo, new)
                    sums += _cluster_sums(xs, new, k) - _cluster_sums(xs, old, k)
                    counts += torch.bincount(new, minlength=k) - torch.bincount(old, minlength=k)
            if shift <= tol:
                break
        return centers, labels, n_iter

    def _minibatch(self, X, centers, tol, rng):
        n, k = X.shape[0], self.n_clusters
        bs = min(self.batch_size, n)
        steps = math.ceil(n / bs)
        counts = torch.zeros(k, dtype=X.dtype, device=X.device)
        n_iter = 0
        for _ in range(self.max_iter):
            n_iter += 1
            start = centers.clone()
            for _ in range(steps):
                idx = torch.as_tensor(rng.integers(0, n, bs), device=X.device)
                xb = X[idx]
                lab = _assign(xb, centers)
                batch_counts = torch.bincount(lab, minlength=k).to(X.dtype)
                sums = _cluster_sums(xb, lab, k)
                # Per-centre learning rate 1/count: c <- (count_old c + sum_batch) / count_new.
                counts += batch_counts
                hit = batch_counts > 0
                centers[hit] = (
                    centers[hit] * (counts[hit] - batch_counts[hit])[:, None] + sums[hit]
                ) / counts[hit][:, None]
            if float(((centers - start) ** 2).sum()) <= tol:
                break
        labels = _assign(X, centers)
        return centers, labels, n_iter

    # -- public -----------------------------------------------------------------
    def fit(self, X, y=None):
        """Cluster ``X`` of shape (n_samples, n_features); returns ``self``."""
        validate_params(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        n, d = X.shape
        if n < self.n_clusters:
            raise ValueError(f"n_samples={n} should be >= n_clusters={self.n_clusters}.")
        device, dtype = resolve_device(self.device), resolve_dtype(self.dtype)
        n_init = self.n_init
        if not isinstance(self.init, str):
            given = check_array(self.init, name="init")
            if given.shape != (self.n_clusters, d):
                raise ValueError(
                    f"init must have shape (n_clusters, n_features)=({self.n_clusters}, {d}); "
                    f"got {given.shape}."
                )
            self._given_centers = as_tensor(given, dtype=dtype, device=device)
            if n_init not in ("auto", 1):
                warnings.warn(
                    f"Explicit initial centres given: n_init={n_init} is ignored and 1 run "
                    "is made.",
                    RuntimeWarning,
                    stacklevel=2,
                )
            n_init = 1
        elif n_init == "auto":
            n_init = 10 if self.init == "random" else 1
        rng = np.random.default_rng(make_seed(self.random_state))
        Xt = as_tensor(X, dtype=dtype, device=device)
        x_sq = (Xt * Xt).sum(dim=1)
        tol = float(self.tol * X.var(axis=0).mean())
        best = None
        for _ in range(n_init):
            centers = self._init_centers(Xt, x_sq, rng)
            if self.algorithm == "hamerly":
                run = self._hamerly(Xt, centers, tol)
            elif self.algorithm == "lloyd":
                run = self._lloyd(Xt, centers, tol)
            else:
                run = self._minibatch(Xt, centers, tol, rng)
            inertia = _inertia(Xt, run[0], run[1])
            if best is None or inertia < best[0]:
                best = (inertia, run)
        self.__dict__.pop("_given_centers", None)
        inertia, (centers, labels, n_iter) = best
        self.cluster_centers_ = centers.cpu().numpy()
        self.labels_ = labels.cpu().numpy()
        self.inertia_ = inertia
        self.n_iter_ = int(n_iter)
        if len(np.unique(self.labels_)) < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters found ({len(np.unique(self.labels_))}) is "
                f"smaller than n_clusters ({self.n_clusters}); X may contain duplicate points.",
                RuntimeWarning,
                stacklevel=2,
            )
        return self

    def _validated(self, X):
        check_fitted(self, "cluster_centers_")
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        c = as_tensor(self.cluster_centers_, dtype=resolve_dtype(self.dtype))
        return as_tensor(X, dtype=c.dtype), c

    def predict(self, X):
        """Index of the nearest cluster centre for each sample."""
        Xt, c = self._validated(X)
        return _assign(Xt, c).numpy()

    def fit_predict(self, X, y=None):
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def transform(self, X):
        """Euclidean distances to the cluster centres, shape (n_samples, n_clusters)."""
        Xt, c = self._validated(X)
        return torch.cdist(Xt.double(), c.double()).numpy()

    def score(self, X, y=None):
        """Minus the inertia of ``X`` with respect to the fitted centres (higher is better)."""
        Xt, c = self._validated(X)
        return -_inertia(Xt, c, _assign(Xt, c))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
