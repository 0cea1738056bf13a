"""Transition counting at a lag time, and connected sets of a count matrix."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator

from scidl.base import PersistenceMixin
from scidl.kinetics._data import as_dtrajs
from scidl.utils import Interval, Options, check_fitted, validate_params

__all__ = ["TransitionCounts", "count_transitions", "connected_sets", "largest_connected_set"]


def count_transitions(dtrajs, lagtime, *, mode="sliding", n_states=None):
    """Dense count matrix ``C[i, j]`` = number of transitions ``i -> j`` at ``lagtime``.

    ``mode="sliding"`` counts every pair ``(t, t + lagtime)``; ``"sample"`` only
    ``t = 0, lagtime, 2 lagtime, ...`` (statistically independent-ish counts at the cost
    of data); ``"effective"`` divides the sliding counts by ``lagtime``: a sliding window
    counts each independent transition about ``lagtime`` times, so this rescaling gives
    counts of the right size for error estimates (a simple stand-in for the
    statistical-inefficiency estimator of Noe, 2015, which is not implemented).

    Counting uses one ``bincount`` over the pair codes ``i * n + j``, so it is linear in
    the trajectory length with no Python loop over frames.
    """
    dtrajs = as_dtrajs(dtrajs)
    if not isinstance(lagtime, numbers.Integral) or isinstance(lagtime, bool) or lagtime < 1:
        raise ValueError(f"lagtime must be an int >= 1; got {lagtime!r}.")
    longest = max(d.size for d in dtrajs)
    if longest <= lagtime:
        raise ValueError(f"lagtime={lagtime} is not shorter than the longest trajectory ({longest} frames); no transitions to count.")
    n_seen = int(max(d.max() for d in dtrajs)) + 1
    n = n_seen if n_states is None else int(n_states)
    if n < n_seen:
        raise ValueError(f"n_states={n_states} but the trajectories contain state {n_seen - 1}.")
    step = 1 if mode == "sliding" or mode == "effective" else lagtime
    codes = []
    for d in dtrajs:
        if d.size <= lagtime:
            continue
        a = d[: d.size - lagtime : step]
        b = d[lagtime::step]
        codes.append(a * n + b)
    codes = np.concatenate(codes)
    if n * n <= 50_000_000:
        C = np.bincount(codes, minlength=n * n).reshape(n, n).astype(np.float64)
    else:
        uniq, cnt = np.unique(codes, return_counts=True)
        C = scipy.sparse.coo_matrix((cnt.astype(np.float64), (uniq // n, uniq % n)), shape=(n, n)).toarray()
    if mode == "effective":
        C /= lagtime
    return C


def connected_sets(count_matrix, *, directed=True):
    """Strongly (``directed``) or weakly connected sets of states, largest (most counts) first."""
    C = scipy.sparse.csr_matrix(np.asarray(count_matrix) > 0)
    n_comp, labels = connected_components(C, directed=directed, connection="strong")
    sets = [np.flatnonzero(labels == k) for k in range(n_comp)]
    weight = np.asarray(np.asarray(count_matrix).sum(axis=1)).ravel()
    sets.sort(key=lambda s: (-s.size, -weight[s].sum()))
    return sets


def largest_connected_set(count_matrix, *, directed=True):
    """The largest strongly connected set, restricted to states that were visited."""
    return connected_sets(count_matrix, directed=directed)[0]


class TransitionCounts(PersistenceMixin, BaseEstimator):
    """Count transitions of discrete trajectories at a lag time.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    mode : {"sliding", "sample", "effective"}
        See :func:`count_transitions`.
    n_states : int, optional
        Number of states (default: largest state index seen + 1).

    Attributes
    ----------
    count_matrix_ : ndarray of shape (n_states, n_states)
    state_histogram_ : ndarray of shape (n_states,)
        Number of frames in each state.
    connected_sets_ : list of list of int
        Strongly connected sets of visited states, largest first.
    largest_connected_set_ : ndarray of int
    n_states_ : int

    Examples
    --------
    >>> TransitionCounts(lagtime=1).fit([0, 0, 1, 1, 0]).count_matrix_
    array([[1., 1.],
           [1., 1.]])
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "mode": [Options("sliding", "sample", "effective")],
        "n_states": [Interval(numbers.Integral, 1, None), None],
    }

    def __init__(self, lagtime=1, *, mode="sliding", n_states=None):
        self.lagtime = lagtime
        self.mode = mode
        self.n_states = n_states

    def fit(self, dtrajs, y=None):
        validate_params(self, self._parameter_constraints)
        dt = as_dtrajs(dtrajs)
        C = count_transitions(dt, self.lagtime, mode=self.mode, n_states=self.n_states)
        n = C.shape[0]
        hist = np.bincount(np.concatenate(dt), minlength=n).astype(np.float64)
        self.count_matrix_ = C
        self.state_histogram_ = hist
        self.n_states_ = n
        visited = hist > 0
        sets = [s for s in connected_sets(C) if visited[s].all()]
        self.connected_sets_ = [s.tolist() for s in sets]
        self.largest_connected_set_ = sets[0]
        return self

    def submatrix(self, states):
        """The count matrix restricted to ``states``."""
        check_fitted(self, "count_matrix_")
        s = np.asarray(states)
        return self.count_matrix_[np.ix_(s, s)]
