"""MSM validation: implied timescales versus lag time, and the Chapman-Kolmogorov test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from scidl.kinetics._data import as_dtrajs, check_int
from scidl.kinetics._msm import MarkovStateModel
from scidl.utils import check_fitted, make_seed

__all__ = ["ImpliedTimescales", "CKTest", "implied_timescales", "ck_test"]


@dataclass
class ImpliedTimescales:
    """Implied timescales (in trajectory steps) for a range of lag times.

    What :func:`implied_timescales` returns.

    Attributes
    ----------
    lagtimes : ndarray of int64 of shape (n_lagtimes,)
        The lag times, in steps.
    timescales : ndarray of shape (n_lagtimes, n_timescales)
        ``timescales[l, i]`` is the ``i``-th implied timescale of the MSM at
        ``lagtimes[l]`` (NaN where the model had fewer states or could not be
        estimated).
    samples : ndarray of shape (n_bootstrap, n_lagtimes, n_timescales) or None
        Bootstrap estimates (NaN where a sample had fewer states), or None without
        bootstrap.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import ImpliedTimescales
    >>> its = ImpliedTimescales(np.array([1, 2]), np.array([[9.5], [10.5]]),
    ...                         samples=np.array([[[9.0], [10.0]], [[10.0], [11.0]]]))
    >>> its.quantiles((0.0, 1.0))[:, :, 0]
    array([[ 9., 10.],
           [10., 11.]])
    """

    lagtimes: np.ndarray
    timescales: np.ndarray
    samples: np.ndarray | None = None

    def quantiles(self, q=(0.025, 0.975)):
        """Bootstrap quantiles of the timescales.

        Parameters
        ----------
        q : sequence of float in [0, 1]
            The quantiles (default: a 95% band).

        Returns
        -------
        ndarray of shape (len(q), n_lagtimes, n_timescales)
        """
        if self.samples is None:
            raise ValueError("no bootstrap samples; use n_bootstrap > 0.")
        return np.nanquantile(self.samples, q, axis=0)


def _its_row(estimator, dtrajs, lag, k):
    out = np.full(k, np.nan)
    try:
        msm = clone(estimator).set_params(lagtime=int(lag)).fit(dtrajs)
    except ValueError:
        return out
    ts = msm.timescales(k)
    out[: ts.size] = ts
    return out


def _blocks(dtrajs, n_blocks):
    if len(dtrajs) >= n_blocks:
        return dtrajs
    per = int(np.ceil(n_blocks / len(dtrajs)))
    out = []
    for d in dtrajs:
        out += [b for b in np.array_split(d, per) if b.size]
    return out


def implied_timescales(
    dtrajs,
    lagtimes,
    *,
    n_timescales=3,
    estimator=None,
    n_bootstrap=0,
    n_blocks=20,
    random_state=None,
):
    """Implied timescales of MSMs estimated at several lag times, with bootstrap bands.

    Parameters
    ----------
    dtrajs : array-like of int, or a list of them
        Discrete trajectories (see :class:`MarkovStateModel`).
    lagtimes : sequence of int
        Lag times in steps, each ``>= 1``. Where a lag time is too long for the data,
        its row is NaN.
    n_timescales : int
        How many timescales per lag time.
    estimator : MarkovStateModel, optional
        Template (cloned for each lag time); default ``MarkovStateModel()``.
    n_bootstrap : int
        Number of bootstrap samples (0: none). Trajectories (or, with fewer than
        ``n_blocks`` trajectories, ``n_blocks`` contiguous blocks cut from them) are
        resampled with replacement.
    n_blocks : int
        Number of blocks for the bootstrap of few trajectories.
    random_state : None or int
        Seed of the bootstrap.

    Returns
    -------
    ImpliedTimescales

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import sample_markov_chain
    >>> from scidl.kinetics import implied_timescales
    >>> P = np.array([[0.9, 0.1], [0.05, 0.95]])  # t_1 = -1 / log(0.85) = 6.15 steps
    >>> dtraj = sample_markov_chain(P, 20000, random_state=0)
    >>> its = implied_timescales(dtraj, [1, 2, 5], n_timescales=1)
    >>> its.timescales.round(1)
    array([[6.2],
           [6.2],
           [6.3]])
    """
    dtrajs = as_dtrajs(dtrajs)
    lags = _check_lagtimes(lagtimes)
    n_timescales = check_int(n_timescales, "n_timescales", 1)
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", 0)
    n_blocks = check_int(n_blocks, "n_blocks", 1)
    est = MarkovStateModel() if estimator is None else estimator
    ts = np.array([_its_row(est, dtrajs, lag, n_timescales) for lag in lags])
    samples = None
    if n_bootstrap:
        rng = np.random.default_rng(make_seed(random_state))
        blocks = _blocks(dtrajs, n_blocks)
        samples = np.empty((n_bootstrap, lags.size, n_timescales))
        for b in range(n_bootstrap):
            pick = [blocks[i] for i in rng.integers(0, len(blocks), size=len(blocks))]
            samples[b] = [_its_row(est, pick, lag, n_timescales) for lag in lags]
    return ImpliedTimescales(lagtimes=lags, timescales=ts, samples=samples)


def _check_lagtimes(lagtimes):
    """A non-empty 1D sequence of ints >= 1 as int64 (floats are refused, not truncated)."""
    if isinstance(lagtimes, str) or not isinstance(lagtimes, Sequence | np.ndarray):
        raise TypeError(
            f"lagtimes must be a non-empty sequence of ints >= 1; got {lagtimes!r} of type "
            f"{type(lagtimes).__name__}."
        )
    if np.ndim(lagtimes) != 1 or len(lagtimes) == 0:
        raise ValueError(f"lagtimes must be a non-empty sequence of ints >= 1; got {lagtimes!r}.")
    return np.array(
        [check_int(v, f"lagtimes[{i}]", 1) for i, v in enumerate(lagtimes)], dtype=np.int64
    )


@dataclass
class CKTest:
    """Chapman-Kolmogorov test of an MSM: predictions against direct estimates.

    What :func:`ck_test` returns.

    Attributes
    ----------
    lagtimes : ndarray of int64 of shape (mlags,)
        ``k tau`` for ``k = 1 .. mlags``, in trajectory steps.
    predictions : ndarray of shape (mlags, n_sets, n_sets)
        ``predictions[k - 1, I, J]``: probability to be in metastable set ``J`` after
        ``k tau`` when starting in set ``I`` (in local equilibrium), from the model at
        ``tau`` propagated ``k`` times.
    estimates : ndarray of shape (mlags, n_sets, n_sets)
        The same probabilities from MSMs estimated at ``k tau`` (NaN where no model
        could be estimated).
    memberships : ndarray of shape (n_states, n_sets)
        The memberships of the active states in the sets.
    max_error : float
        Largest absolute difference of predictions and estimates (a property).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.kinetics import CKTest
    >>> ck = CKTest(np.array([1]), np.array([[[0.9, 0.1], [0.1, 0.9]]]),
    ...             np.array([[[0.88, 0.12], [0.1, 0.9]]]), np.eye(2))
    >>> round(ck.max_error, 2)
    0.02
    """

    lagtimes: np.ndarray
    predictions: np.ndarray
    estimates: np.ndarray
    memberships: np.ndarray

    @property
    def max_error(self):
        """Largest ``|predictions - estimates|`` (NaN estimates ignored)."""
        return float(np.nanmax(np.abs(self.predictions - self.estimates)))


def _coarse(T, pi, chi, n_steps=1):
    w = pi[:, None] * chi  # (n, m)
    p0 = w / w.sum(axis=0)  # start in set I, distributed like pi
    P = p0.T
    for _ in range(n_steps):
        P = P @ T
    return P @ chi


def ck_test(msm, dtrajs, *, n_metastable=2, memberships=None, mlags=5):
    """Chapman-Kolmogorov test of a fitted MSM on the data it came from.

    Compares ``T(tau)^k`` with MSMs estimated at ``k tau`` (``k = 1 .. mlags``) on the
    probabilities to be in metastable set ``J`` after ``k tau`` when starting from set
    ``I`` (in local equilibrium). A Markovian model predicts the estimates within their
    statistical error.

    Parameters
    ----------
    msm : MarkovStateModel
        The fitted model at lag ``tau``; clones of it are estimated at ``k tau``.
    dtrajs : array-like of int, or a list of them
        The discrete trajectories (usually those the model was fitted on).
    n_metastable : int
        Number of PCCA+ sets when ``memberships`` is not given.
    memberships : array-like of shape (n_states_, n_sets), optional
        Memberships of the active states in the sets (rows in the order of
        ``msm.active_set_``); default: PCCA+ with ``n_metastable`` sets.
    mlags : int
        The largest multiple ``k`` of the lag time.

    Returns
    -------
    CKTest

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import SWISSROLL_TRANSITION_MATRIX, sample_markov_chain
    >>> from scidl.kinetics import MarkovStateModel, ck_test
    >>> dtraj = sample_markov_chain(SWISSROLL_TRANSITION_MATRIX, 20000, random_state=0)
    >>> msm = MarkovStateModel(lagtime=1).fit(dtraj)
    >>> ck = ck_test(msm, dtraj, n_metastable=2, mlags=3)
    >>> ck.predictions.shape, ck.max_error < 0.03  # the data are Markovian
    ((3, 2, 2), True)
    """
    check_fitted(msm, "transition_matrix_")
    dtrajs = as_dtrajs(dtrajs)
    mlags = check_int(mlags, "mlags", 1)
    chi = (
        msm.pcca(n_metastable).memberships
        if memberships is None
        else np.asarray(memberships, dtype=np.float64)
    )
    if chi.ndim != 2 or chi.shape[0] != msm.n_states_:
        raise ValueError(
            f"memberships must have shape ({msm.n_states_}, n_sets): one row per active state; "
            f"got shape {chi.shape}."
        )
    ks = np.arange(1, mlags + 1)
    m = chi.shape[1]
    pred = np.empty((ks.size, m, m))
    est = np.full((ks.size, m, m), np.nan)
    for idx, k in enumerate(ks):
        pred[idx] = _coarse(msm.transition_matrix_, msm.stationary_distribution_, chi, int(k))
        try:
            model = clone(msm).set_params(lagtime=int(k * msm.lagtime)).fit(dtrajs)
        except ValueError:
            continue
        # memberships of the model's states: those of the same labels, 0 outside msm's set
        where = msm._active_index(model.active_set_, -1)
        c = np.where((where >= 0)[:, None], chi[where], 0.0)
        if (c.sum(axis=0) > 0).all():
            est[idx] = _coarse(model.transition_matrix_, model.stationary_distribution_, c, 1)
    return CKTest(lagtimes=ks * msm.lagtime, predictions=pred, estimates=est, memberships=chi)
