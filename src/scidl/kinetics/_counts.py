"""Transition counting at a lag time, and connected sets of a count matrix."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.fft
import scipy.sparse
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator

from scidl.base import PersistenceMixin
from scidl.kinetics._data import as_dtrajs, check_count_matrix, check_int, check_lagtime
from scidl.utils import Interval, Options, check_fitted, validate_params

__all__ = ["TransitionCounts", "count_transitions", "connected_sets", "largest_connected_set"]


def count_transitions(dtrajs, lagtime, *, mode="sliding", n_states=None):
    """Dense count matrix ``C[i, j]`` = number of transitions ``i -> j`` at ``lagtime``.

    Parameters
    ----------
    dtrajs : array-like of int, or a list of them
        One discrete trajectory (a 1D array of state labels >= 0, or an
        ``(n_frames, 1)`` column), an ``(n_trajectories, n_frames)`` array or a list of
        1D arrays.
    lagtime : int
        Lag in steps; it must be shorter than the longest trajectory.
    mode : {"sliding", "sample", "effective"}
        ``"sliding"`` counts every pair ``(t, t + lagtime)``; ``"sample"`` only
        ``t = 0, lagtime, 2 lagtime, ...`` (statistically independent-ish counts at the
        cost of data); ``"effective"`` scales the sliding counts down to the number of
        statistically uncorrelated transitions (see Notes).
    n_states : int, optional
        Size of the matrix (default: the largest label + 1); labels must be smaller.

    Returns
    -------
    ndarray of shape (n_states, n_states)
        Float64 counts indexed by state label. The matrix is dense over all labels up
        to the largest; for sparse or huge labels (``ValueError`` when over 2**27
        entries would mostly be unobserved states) use :class:`TransitionCounts`, which
        counts over the observed states only.

    Notes
    -----
    ``mode="effective"`` uses the statistical-inefficiency estimator of Noé (2015), as
    computed by deeptime's ``effective_count_matrix(dtrajs, lag, average="row",
    mact=1.0)``:

    * for each state ``i`` the windows that start in ``i`` give, per trajectory, the
      time-ordered sequence of their end states ``y_1, y_2, ...``; for each ``j`` with
      ``c_ij > 0``, ``x_t = 1[y_t = j]`` is a 0/1 series of mean ``m = c_ij / c_i``;
    * its autocorrelation ``A(k) = sum (x_t - m) (x_{t+k} - m) / n_k`` runs over the
      ``n_k`` pairs ``(t, t + k)`` that lie in the same trajectory's sequence;
    * ``tau_ij = 1/2 + sum_{k=1}^{K-1} A(k) (1 - k / N) / m``, with ``N`` the longest
      sequence of row ``i`` and ``K`` the first lag with ``A(K) <= 0`` (``N`` if there
      is none). As in deeptime, ``A`` is divided by the mean square of ``x`` (which is
      ``m``), not by its variance ``m (1 - m)``;
    * the statistical inefficiency ``I_ij = 1 / (2 tau_ij)`` lies in ``(0, 1]`` and is
      averaged over the row with the counts as weights:
      ``C_eff[i, j] = c_ij * sum_k c_ik I_ik / c_i``.

    Hence ``0 < C_eff <= C`` wherever ``C > 0``, every row keeps the proportions of the
    sliding counts (the non-reversible MLE is unchanged), and for Markovian data at lag
    1, whose sequences ``y`` are independent draws, ``C_eff`` is close to ``C``. Where
    ``A(k)`` is within round-off of 0 its sign is decided in exact integer arithmetic, so
    an autocorrelation that is exactly 0 always ends the sum (deeptime's floating-point
    sums can land on either side of 0 there, and then its counts differ from these).

    Counting uses one ``bincount`` over the pair codes ``i * n + j``, so it is linear in
    the trajectory length with no Python loop over frames. The effective counts evaluate
    the autocorrelations lag by lag for all ``(i, j)`` at once (each lag one vectorised
    pass over the windows still needed) and finish the pairs still correlated after
    64 lags with FFT autocorrelations.

    References
    ----------
    F. Noé, "Statistical inefficiencies of Markov model count matrices" (2015),
    http://publications.mi.fu-berlin.de/1699/

    Examples
    --------
    >>> from scidl.kinetics import count_transitions
    >>> count_transitions([0, 0, 1, 1, 0, 2], lagtime=1)
    array([[1., 1., 1.],
           [1., 1., 0.],
           [0., 0., 0.]])
    >>> count_transitions([[0, 1, 0], [1, 1, 1]], lagtime=2, mode="sample")
    array([[1., 0.],
           [0., 1.]])
    """
    dtrajs = as_dtrajs(dtrajs)
    n_states = check_int(n_states, "n_states", 1, allow_none=True)
    states, _, C = observed_counts(dtrajs, lagtime, mode=mode)
    check_labels_below(states, n_states)
    n = int(states[-1]) + 1 if n_states is None else n_states
    if states.size == n:  # every label in [0, n) was observed: C is indexed by label
        return C
    if n * n > _DENSE_LIMIT:
        raise ValueError(
            f"count_transitions returns a dense matrix indexed by state label, here {n} x {n} "
            f"({8 * n * n / 2**30:.3g} GiB), but only {states.size} states are observed; use "
            "TransitionCounts, which counts over the observed states (its states_ maps rows "
            "to labels)."
        )
    full = np.zeros((n, n))
    full[np.ix_(states, states)] = C
    return full


# a label-indexed count matrix larger than this (2**27 entries, 1 GiB of float64) is refused
# when most of it would be unobserved states
_DENSE_LIMIT = 2**27
# the counts over the observed states are dense: more than 2**30 entries (8 GiB of float64,
# 32768 states; an MSM holds several matrices of that size) are refused before allocating
_OBSERVED_LIMIT = 2**30


def check_labels_below(states, n_states, name="dtrajs"):
    """``ValueError`` unless every observed label (``states``, ascending) is below ``n_states``."""
    if n_states is not None and states[-1] >= n_states:
        raise ValueError(
            f"n_states={n_states}, but {name} contain state {states[-1]}; labels must be in "
            "[0, n_states)."
        )


def index_in(states, labels, outside):
    """Positions of ``labels`` in the ascending array ``states``; ``outside`` where absent."""
    pos = np.minimum(np.searchsorted(states, labels), states.size - 1)
    return np.where(states[pos] == labels, pos, outside)


def relabel(dtrajs):
    """The observed labels (ascending) and the trajectories as indices into them.

    Costs memory in the number of frames, not in the largest label: labels below the
    number of frames go through a boolean mask and a lookup table (at most 17 bytes per
    frame while it is built), larger ones through ``np.unique`` and ``np.searchsorted``.
    Either way the peak stays within about 3x the trajectories' bytes, the results
    included; trajectories whose labels are already ``0..n-1`` are returned as they are.
    """
    n_frames = sum(d.size for d in dtrajs)
    top = max(int(d.max()) for d in dtrajs)
    if top < n_frames:
        seen = np.zeros(top + 1, dtype=bool)
        for d in dtrajs:
            seen[d] = True
        states = np.flatnonzero(seen)
        if states.size == top + 1:  # labels 0..top all observed: nothing to do
            return states, list(dtrajs)
        lut = np.cumsum(seen, dtype=np.int64)
        del seen
        lut -= 1  # in place: no second table
        return states, [lut[d] for d in dtrajs]
    states = np.unique(dtrajs[0] if len(dtrajs) == 1 else np.concatenate(dtrajs))
    return states, [np.searchsorted(states, d) for d in dtrajs]


def check_lag_fits(dtrajs, lagtime, name="dtrajs"):
    """``lagtime`` as an int, or ``ValueError`` if no trajectory is longer than it."""
    lagtime = check_lagtime(lagtime)
    longest = max(d.size for d in dtrajs)
    if longest <= lagtime:
        which = (
            "the trajectory" if len(dtrajs) == 1 else f"the longest of {len(dtrajs)} trajectories"
        )
        raise ValueError(
            f"lagtime={lagtime} must be shorter than {which} in {name} ({longest} frames); "
            "there are no transitions to count."
        )
    return lagtime


def lagged_pairs(dtrajs, lagtime, step=1):
    """The transitions ``(x_t, x_{t + lagtime})`` of all trajectories, ``t = 0, step, ...``.

    Two int64 arrays of start and end states (trajectories not longer than ``lagtime``
    give none).
    """
    starts = [d[: d.size - lagtime : step] for d in dtrajs if d.size > lagtime]
    ends = [d[lagtime::step] for d in dtrajs if d.size > lagtime]
    return np.concatenate(starts), np.concatenate(ends)


def observed_counts(dtrajs, lagtime, *, mode="sliding", name="dtrajs"):
    """Counts over the observed states: ``(states, relabelled dtrajs, C)``.

    ``C[i, j]`` counts the transitions ``states[i] -> states[j]`` at ``lagtime``
    (see :func:`count_transitions` for the modes); ``dtrajs`` are already checked
    (:func:`scidl.kinetics._data.as_dtrajs`). ``C`` is dense: more than 2**30 entries
    (over 32768 observed states) raise ``ValueError`` before anything is allocated.
    """
    lagtime = check_lag_fits(dtrajs, lagtime, name)
    if mode not in ("sliding", "sample", "effective"):
        raise ValueError(f"mode must be 'sliding', 'sample' or 'effective'; got {mode!r}.")
    states, idx = relabel(dtrajs)
    n = states.size
    if n * n > _OBSERVED_LIMIT:
        raise ValueError(
            f"{name} visit {n} distinct states; their count matrix is dense, {n} x {n} float64 "
            f"= {8 * n * n / 2**30:.3g} GiB (an MSM needs several such matrices), over the "
            f"limit of {_OBSERVED_LIMIT} entries ({int(np.sqrt(_OBSERVED_LIMIT))} states); "
            "coarse-grain the trajectories into fewer states (e.g. fewer clusters)."
        )
    a, b = lagged_pairs(idx, lagtime, 1 if mode in ("sliding", "effective") else lagtime)
    codes = a * n + b
    del a, b
    if n * n <= 50_000_000:
        C = np.bincount(codes, minlength=n * n).reshape(n, n).astype(np.float64)
    else:
        uniq, cnt = np.unique(codes, return_counts=True)
        C = np.zeros((n, n))
        C[uniq // n, uniq % n] = cnt
    if mode == "effective":
        C = _effective_counts(idx, lagtime, C)
    return states, idx, C


# --- effective counts (statistical inefficiency of transition counts) ---------------------

_DIRECT_LAGS = 64  # lags the per-lag pass evaluates before the remaining pairs go to FFT
_FFT_BUDGET = 1 << 22  # floats in one batched FFT block; bounds the memory of the FFT path


def _effective_counts(dtrajs, lagtime, C, mact=1.0):
    """Row-averaged statistically effective counts of the sliding-window matrix ``C``.

    See :func:`count_transitions` (``mode="effective"``) for the definition; ``mact``
    multiplies the integrated autocorrelation (deeptime's parameter of the same name).
    """
    n = C.shape[0]
    starts, targets, trajs = [], [], []
    for k, d in enumerate(dtrajs):
        if d.size > lagtime:
            starts.append(d[:-lagtime])
            targets.append(d[lagtime:])
            trajs.append(np.full(d.size - lagtime, k, dtype=np.int64))
    starts = np.concatenate(starts)
    # group the windows by starting state; the stable sort keeps trajectory and time order,
    # so each row is one block of target states made of one segment per trajectory: the
    # conditional sequences {x_{t+lag} : x_t = i}
    order = np.argsort(starts, kind="stable")
    row = starts[order]
    y = np.concatenate(targets)[order]
    traj = np.concatenate(trajs)[order]
    first = np.ones(y.size, dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (traj[1:] != traj[:-1])
    seg_start = np.flatnonzero(first)
    seg_len = np.diff(np.append(seg_start, y.size))
    seg_of = np.cumsum(first) - 1
    pos = np.arange(y.size) - seg_start[seg_of]  # place in the segment
    rev = seg_len[seg_of] - 1 - pos  # place counted from the segment's end
    row_len = np.bincount(row, minlength=n)  # c_i
    row_n = np.zeros(n, dtype=np.int64)  # longest segment of each row
    np.maximum.at(row_n, row[seg_start], seg_len)
    # one entry per nonzero count c_ij ("pair"); every window belongs to exactly one pair
    code = np.flatnonzero(C)
    pair = np.searchsorted(code, row * n + y)
    prow, pcol = np.divmod(code, n)
    c = C.ravel()[code]
    L = row_len[prow].astype(np.float64)
    N = row_n[prow]

    corrsum, left = _corrsums_by_lag(y, pair, pos, rev, row, c, L, N, prow, row_len, _DIRECT_LAGS)
    offsets = np.concatenate(([0], np.cumsum(row_len)))
    for i in np.unique(prow[left]):  # pairs still correlated after _DIRECT_LAGS lags
        w = slice(offsets[i], offsets[i + 1])
        segs = seg_len[seg_of[w][0] : seg_of[w][-1] + 1]
        which = np.flatnonzero(left & (prow == i))
        row_windows = (y[w], pos[w], rev[w], seg_of[w] - seg_of[w][0])
        corrsum[which] = _corrsums_fft(*row_windows, segs, pcol[which], c[which], n)
    # I_ij = 1 / (2 tau_ij), tau_ij = 1/2 + mact * corrsum_ij / <x^2>, and <x^2> = c_ij / c_i
    ineff = 1.0 / (1.0 + 2.0 * mact * corrsum * L / c)
    # row average weighted by the counts: c_ij^eff = c_ij * sum_k c_ik I_ik / c_i
    factor = np.zeros(n)
    seen = row_len > 0
    factor[seen] = np.bincount(prow, weights=c * ineff, minlength=n)[seen] / row_len[seen]
    Ceff = np.zeros(n * n)
    Ceff[code] = c * factor[prow]
    return Ceff.reshape(n, n)


def _corrsums_by_lag(y, pair, pos, rev, row, c, L, N, prow, row_len, max_lag):
    """Truncated autocorrelation sums of all pairs, one lag at a time for all pairs at once.

    Returns the sums and a mask of the pairs whose autocorrelation is still positive at
    ``max_lag`` (their sums are not final). Each lag costs one pass over the windows of
    the pairs still being integrated.
    """
    npairs = c.size
    corrsum = np.zeros(npairs)
    # R_0 = c (1 - m) is 0 only for c_ij = c_i: the acf is cut at lag 0 and nothing is summed
    active = (c < L) & (N > 1)
    by_pos = np.argsort(pos, kind="stable")
    by_rev = np.argsort(rev, kind="stable")
    # windows with pos == q are by_pos[bounds[q]:bounds[q + 1]]; rev has the same histogram
    bounds = np.concatenate(([0], np.cumsum(np.bincount(pos))))
    head = np.zeros(npairs)  # ones among the first k entries of the segments
    tail = np.zeros(npairs)  # ones among the last k entries of the segments
    n_row = row_len.astype(np.float64)  # n_k: pairs (t, t + k) inside the segments of a row
    idx = np.flatnonzero(active[pair])  # windows t of pairs still integrated, with t + k in reach
    k = 0
    while k < max_lag and active.any():
        k += 1
        at_start = by_pos[bounds[k - 1] : bounds[k]]
        head += np.bincount(pair[at_start], minlength=npairs)
        tail += np.bincount(pair[by_rev[bounds[k - 1] : bounds[k]]], minlength=npairs)
        n_row -= np.bincount(row[at_start], minlength=row_len.size)
        active &= k < N  # lags run over 0 .. N - 1
        idx = idx[(rev[idx] >= k) & active[pair[idx]]]
        same = idx[y[idx + k] == y[idx]]
        S = np.bincount(pair[same], minlength=npairs)
        a = np.flatnonzero(active)
        nk = n_row[prow[a]]
        ones = 2.0 * c[a] - head[a] - tail[a]
        R = _centred_sum(S[a].astype(np.float64), ones, nk, c[a], L[a])
        up = R > 0
        corrsum[a[up]] += R[up] / nk[up] * (1.0 - k / N[a[up]])
        active[a[~up]] = False
    return corrsum, active


def _corrsums_fft(y, pos, rev, seg, seg_len, cols, counts, n):
    """Truncated autocorrelation sums of the pairs ``(i, cols)`` of one row, by FFT.

    ``y``, ``pos``, ``rev`` and ``seg`` describe the row's windows (see
    :func:`_effective_counts`), ``seg_len`` its segments.
    """
    L = y.size
    col_of = np.full(n, -1)
    col_of[cols] = np.arange(cols.size)
    jj = col_of[y]  # -1 for targets not asked for
    N = int(seg_len.max())
    longer = np.cumsum(np.bincount(seg_len, minlength=N + 1)[::-1])[::-1][1:]  # #{len_s > k}
    n_pairs = np.cumsum(longer[::-1])[::-1].astype(np.float64)  # n_k = sum_s max(len_s - k, 0)
    # segments batched by length class [2^(e-1), 2^e) so that padding wastes < 2x
    e_of = np.frexp(seg_len)[1]
    groups = []
    for e in np.unique(e_of):
        segs = np.flatnonzero(e_of == e)
        slot = np.zeros(seg_len.size, dtype=np.int64)
        slot[segs] = np.arange(segs.size)
        lmax = int(seg_len[segs].max())
        nfft = scipy.fft.next_fast_len(2 * lmax - 1, real=True)
        groups.append((e_of[seg] == e, slot, segs.size, lmax, nfft))
    step = max(1, _FFT_BUDGET // max(N, max(g[2] * g[4] for g in groups)))
    out = np.empty(cols.size)
    k = np.arange(N)
    for j0 in range(0, cols.size, step):
        j1 = min(j0 + step, cols.size)
        nc = j1 - j0
        hit = (jj >= j0) & (jj < j1)
        # S_k = sum_t x_t x_{t+k} within segments, for the 0/1 indicator x of each column;
        # zero padding to >= 2 len - 1 makes the FFT correlation linear, not circular
        S = np.zeros((nc, N))
        for in_group, slot, nseg, lmax, nfft in groups:
            p = np.flatnonzero(hit & in_group)
            if p.size == 0:
                continue
            X = np.zeros((nc, nseg, nfft))
            X[jj[p] - j0, slot[seg[p]], pos[p]] = 1.0
            F = scipy.fft.rfft(X, axis=-1)
            acov = scipy.fft.irfft(F.real**2 + F.imag**2, n=nfft, axis=-1)
            S[:, :lmax] += acov[:, :, :lmax].sum(axis=1)
        S = np.rint(S)  # integer pair counts; the FFT round-off is far below 1/2
        p = np.flatnonzero(hit)
        j = jj[p] - j0
        head = np.bincount(j * N + pos[p], minlength=nc * N).reshape(nc, N).cumsum(axis=1)
        tail = np.bincount(j * N + rev[p], minlength=nc * N).reshape(nc, N).cumsum(axis=1)
        c = counts[j0:j1, None]
        ones = 2.0 * c - np.hstack((np.zeros((nc, 1)), head[:, :-1] + tail[:, :-1]))
        R = _centred_sum(S, ones, n_pairs, c, float(L))
        cut = np.where((R <= 0).any(axis=1), (R <= 0).argmax(axis=1), N)
        keep = (k >= 1) & (k < cut[:, None])
        out[j0:j1] = np.where(keep, R / n_pairs * (1.0 - k / N), 0.0).sum(axis=1)
    return out


def _centred_sum(S, ones, nk, c, L):
    """``R_k = sum_t (x_t - m)(x_{t+k} - m)`` over the ``nk`` pairs of a 0/1 series, ``m = c / L``.

    With ``S`` the number of (1, 1) pairs and ``ones`` the number of ones among both members
    of the pairs, ``R = S - m ones + m^2 nk``. The autocorrelation is cut where ``R <= 0``, so
    values within round-off of 0 are recomputed exactly from the integers
    ``L^2 R = L^2 S - c L ones + c^2 nk`` (an exact 0 then counts as the cut).
    """
    S, ones, nk, c, L = np.broadcast_arrays(S, ones, nk, c, L)
    m = c / L
    R = S - m * ones + m * m * nk
    close = np.abs(R) <= 64 * np.finfo(np.float64).eps * (S + m * ones + m * m * nk)
    if close.any():
        ints = [np.asarray(v[close], dtype=np.int64).astype(object) for v in (S, ones, nk, c, L)]
        s, o, q, ci, li = ints
        R[close] = ((li * li * s - ci * li * o + ci * ci * q) / (li * li)).astype(np.float64)
    return R


def connected_sets(count_matrix, *, directed=True):
    """Strongly (or weakly) connected sets of the states of a count matrix.

    Parameters
    ----------
    count_matrix : array-like of shape (n_states, n_states)
        Counts ``C[i, j]`` of transitions ``i -> j``; a positive entry is an edge.
    directed : bool
        ``True``: strongly connected sets (each state reaches every other one of its
        set, the sets an MSM can be estimated on); ``False``: weakly connected sets.

    Returns
    -------
    list of ndarray of int
        The sets (state indices, ascending), largest first; sets of the same size by
        their number of counts.

    Examples
    --------
    >>> from scidl.kinetics import connected_sets
    >>> C = [[1, 1, 0], [1, 1, 1], [0, 0, 1]]  # 2 is entered from 1 but never left
    >>> connected_sets(C)
    [array([0, 1]), array([2])]
    >>> connected_sets(C, directed=False)
    [array([0, 1, 2])]
    """
    C = check_count_matrix(count_matrix)
    n_comp, labels = connected_components(
        scipy.sparse.csr_matrix(C > 0), directed=directed, connection="strong"
    )
    sets = [np.flatnonzero(labels == k) for k in range(n_comp)]
    weight = C.sum(axis=1)
    sets.sort(key=lambda s: (-s.size, -weight[s].sum()))
    return sets


def largest_connected_set(count_matrix, *, directed=True):
    """The largest strongly (or weakly) connected set of a count matrix.

    Parameters
    ----------
    count_matrix : array-like of shape (n_states, n_states)
        Counts ``C[i, j]`` of transitions ``i -> j``.
    directed : bool
        Strongly (``True``) or weakly connected sets.

    Returns
    -------
    ndarray of int
        The first set of :func:`connected_sets`.

    Examples
    --------
    >>> from scidl.kinetics import count_transitions, largest_connected_set
    >>> C = count_transitions([0, 1, 0, 1, 2, 2], lagtime=1)
    >>> largest_connected_set(C)
    array([0, 1])
    """
    return connected_sets(count_matrix, directed=directed)[0]


# the reason of the scikit-learn checks that ask for n_features_in_
NO_FIXED_FEATURES = (
    "trajectories of any length are accepted: there is no fixed number of features "
    "(frames per trajectory)"
)


class TransitionCounts(PersistenceMixin, BaseEstimator):
    """Count transitions of discrete trajectories at a lag time.

    The counts are kept over the observed states only, so labels need not be
    contiguous: ``states_`` maps the rows of ``count_matrix_`` to the labels.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    mode : {"sliding", "sample", "effective"}
        Every window, non-overlapping windows, or the sliding counts scaled down by
        their statistical inefficiency (Noé, 2015); see :func:`count_transitions`.
    n_states : int, optional
        Size of the state space: labels must lie in ``[0, n_states)`` (default: any
        label ``>= 0``).

    Attributes
    ----------
    states_ : ndarray of int64 of shape (n_states_,)
        The observed state labels, ascending: row ``i`` of ``count_matrix_`` is state
        ``states_[i]``.
    count_matrix_ : ndarray of shape (n_states_, n_states_)
        Transition counts between the observed states (dense: more than 32768 observed
        states raise ``ValueError`` before it is allocated).
    state_histogram_ : ndarray of shape (n_states_,)
        Number of frames in each observed state.
    connected_sets_ : list of list of int
        Strongly connected sets of states (labels), largest first.
    largest_connected_set_ : ndarray of int64
        The labels of the largest strongly connected set.
    n_states_ : int
        Number of observed states.

    Examples
    --------
    >>> from scidl.kinetics import TransitionCounts
    >>> counts = TransitionCounts(lagtime=1).fit([0, 0, 7, 7, 0])
    >>> counts.states_
    array([0, 7])
    >>> counts.count_matrix_
    array([[1., 1.],
           [1., 1.]])
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "mode": [Options("sliding", "sample", "effective")],
        "n_states": [Interval(numbers.Integral, 1, None), None],
    }

    _expected_failed_checks = {
        "check_n_features_in_after_fitting": NO_FIXED_FEATURES,
        "check_n_features_in": NO_FIXED_FEATURES,
    }

    def __init__(self, lagtime=1, *, mode="sliding", n_states=None):
        self.lagtime = lagtime
        self.mode = mode
        self.n_states = n_states

    def __sklearn_tags__(self):
        return discrete_trajectory_tags(super().__sklearn_tags__())

    def fit(self, dtrajs, y=None):
        """Count the transitions of one discrete trajectory or several.

        Parameters
        ----------
        dtrajs : array-like of int, or a list of them
            A 1D array of state labels, an ``(n_frames, 1)`` column, an
            ``(n_trajectories, n_frames)`` array or a list of 1D arrays.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        validate_params(self)
        dt = as_dtrajs(dtrajs)
        states, idx, C = observed_counts(dt, self.lagtime, mode=self.mode)
        check_labels_below(states, self.n_states)
        self.states_ = states
        self.count_matrix_ = C
        self.state_histogram_ = np.bincount(np.concatenate(idx), minlength=states.size).astype(
            np.float64
        )
        self.n_states_ = int(states.size)
        sets = connected_sets(C)
        self.connected_sets_ = [states[s].tolist() for s in sets]
        self.largest_connected_set_ = states[sets[0]]
        return self

    def submatrix(self, states):
        """The count matrix restricted to ``states`` (labels), in the order given.

        Parameters
        ----------
        states : array-like of int
            Observed state labels.

        Returns
        -------
        ndarray of shape (len(states), len(states))
        """
        check_fitted(self, "count_matrix_")
        s = np.atleast_1d(np.asarray(states))
        pos = index_in(self.states_, s, -1) if s.ndim == 1 else None
        if s.ndim != 1 or s.size == 0 or (pos < 0).any():
            raise ValueError(
                "states must be a non-empty list of observed state labels (states_); got "
                f"{states!r}."
            )
        return self.count_matrix_[np.ix_(pos, pos)]


def discrete_trajectory_tags(tags):
    """scikit-learn tags of an estimator of discrete trajectories (integer labels >= 0).

    Several trajectories come as the rows of a 2D array (``two_d_array``; a single column
    is one trajectory) or as a list. Labels are categories (``categorical``) and must be
    ``>= 0`` (``positive_only``); there is no target. A 1D array (one trajectory) is
    accepted too, but ``one_d_array`` stays False: scikit-learn's common checks read it as
    "1D input only" and then index the 1D data they made as 2D; with it False they run on
    the 2D layout (one trajectory per row), a genuine input of these estimators.
    """
    tags.input_tags.two_d_array = True
    tags.input_tags.categorical = True
    tags.input_tags.positive_only = True
    tags.target_tags.required = False
    return tags
