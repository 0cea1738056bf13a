"""MSM validation: implied timescales versus lag time, and the Chapman-Kolmogorov test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from scidl.kinetics._data import as_dtrajs
from scidl.kinetics._msm import MarkovStateModel
from scidl.utils import check_fitted, make_seed

__all__ = ["ImpliedTimescales", "CKTest", "implied_timescales", "ck_test"]


@dataclass
class ImpliedTimescales:
    """Implied timescales (in trajectory steps) for a range of lag times.

    ``timescales[l, i]`` belongs to ``lagtimes[l]``; ``samples`` holds bootstrap
    estimates of shape ``(n_bootstrap, n_lagtimes, n_timescales)`` (NaN where a sample
    had fewer states), or None.
    """

    lagtimes: np.ndarray
    timescales: np.ndarray
    samples: np.ndarray | None = None

    def quantiles(self, q=(0.025, 0.975)):
        """Bootstrap quantiles of shape ``(len(q), n_lagtimes, n_timescales)``."""
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
    dtrajs : array-like or list of array-like
    lagtimes : sequence of int
    n_timescales : int
    estimator : MarkovStateModel, optional
        Template (cloned for each lag time); default ``MarkovStateModel()``.
    n_bootstrap : int
        Number of bootstrap samples. Trajectories (or, with few trajectories, ``n_blocks``
        contiguous blocks cut from them) are resampled with replacement.
    random_state : None or int

    Returns
    -------
    ImpliedTimescales
    """
    dtrajs = as_dtrajs(dtrajs)
    lags = np.asarray(lagtimes, dtype=np.int64)
    if lags.ndim != 1 or lags.size == 0 or (lags < 1).any():
        raise ValueError(f"lagtimes must be a non-empty sequence of ints >= 1; got {lagtimes!r}.")
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


@dataclass
class CKTest:
    """Chapman-Kolmogorov test: ``predictions[k]`` = ``P(k tau)`` from the model at ``tau``
    and ``estimates[k]`` from models estimated at ``k tau``, both coarse-grained onto the
    metastable sets; ``lagtimes`` in trajectory steps."""

    lagtimes: np.ndarray
    predictions: np.ndarray
    estimates: np.ndarray
    memberships: np.ndarray

    @property
    def max_error(self):
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
    ``I`` (in local equilibrium). Memberships default to PCCA+ with ``n_metastable`` sets.

    Returns
    -------
    CKTest
    """
    check_fitted(msm, "transition_matrix_")
    dtrajs = as_dtrajs(dtrajs)
    chi = (
        msm.pcca(n_metastable).memberships
        if memberships is None
        else np.asarray(memberships, dtype=np.float64)
    )
    if chi.shape[0] != msm.n_states_:
        raise ValueError(
            f"memberships must have one row per active state ({msm.n_states_}); got {chi.shape[0]}."
        )
    n_full = msm.count_matrix_.shape[0]
    chi_full = np.zeros((n_full, chi.shape[1]))
    chi_full[msm.active_set_] = chi
    ks = np.arange(1, int(mlags) + 1)
    m = chi.shape[1]
    pred = np.empty((ks.size, m, m))
    est = np.full((ks.size, m, m), np.nan)
    for idx, k in enumerate(ks):
        pred[idx] = _coarse(msm.transition_matrix_, msm.stationary_distribution_, chi, int(k))
        try:
            model = clone(msm).set_params(lagtime=int(k * msm.lagtime), n_states=n_full).fit(dtrajs)
        except ValueError:
            continue
        c = chi_full[model.active_set_]
        if (c.sum(axis=0) > 0).all():
            est[idx] = _coarse(model.transition_matrix_, model.stationary_distribution_, c, 1)
    return CKTest(lagtimes=ks * msm.lagtime, predictions=pred, estimates=est, memberships=chi)
