"""Effective transition counts (statistical inefficiency, Noé 2015): deeptime and known answers."""

from fractions import Fraction

import numpy as np
import pytest

from scidl.data import sample_markov_chain
from scidl.kinetics import TransitionCounts, _counts, count_transitions


def random_chain(n, stay, seed):
    """Row-stochastic ``n x n`` matrix, more metastable for larger ``stay``."""
    rng = np.random.default_rng(seed)
    P = rng.random((n, n)) + stay * np.eye(n)
    return P / P.sum(axis=1, keepdims=True)


def dtrajs_for(n, lengths, stay=5.0, seed=0):
    P = random_chain(n, stay, seed)
    return [sample_markov_chain(P, T, random_state=seed + 1 + k) for k, T in enumerate(lengths)]


def exact_effective_counts(dtrajs, lag, n):
    """The definition written out literally in rational arithmetic (small data only).

    Row ``i``: per trajectory the end states of the windows starting in ``i``; for each
    ``j`` the centred indicator of ``j``; its autocorrelation over pairs inside one
    trajectory's sequence, summed (damped by ``1 - k/N``) up to its first value ``<= 0``;
    divided by the mean square of the indicator, which for 0/1 values is its mean ``m``.
    """
    C = np.zeros((n, n))
    for i in range(n):
        seqs = [[int(d[t + lag]) for t in range(len(d) - lag) if d[t] == i] for d in dtrajs]
        seqs = [s for s in seqs if s]
        if not seqs:
            continue
        L = sum(len(s) for s in seqs)
        N = max(len(s) for s in seqs)
        counts = {j: sum(s.count(j) for s in seqs) for j in sorted(set().union(*seqs))}
        weighted = Fraction(0)
        for j, c in counts.items():
            m = Fraction(c, L)
            xs = [[int(v == j) - m for v in s] for s in seqs]
            corrsum = Fraction(0)
            for k in range(N):
                prods = [x[t] * x[t + k] for x in xs for t in range(len(x) - k)]
                acf = sum(prods) / len(prods)
                if acf <= 0:
                    break
                if k > 0:
                    corrsum += acf * (1 - Fraction(k, N))
            weighted += c / (2 * (Fraction(1, 2) + corrsum / m))
        for j, c in counts.items():
            C[i, j] = float(c * weighted / L)
    return C


# every pair by the per-lag pass; every pair by FFT (one column per FFT block); the pairs
# still correlated after 3 lags finished by FFT (rows split between the two); the default
PATHS = {
    "per-lag": {"_DIRECT_LAGS": 10**9},
    "fft": {"_DIRECT_LAGS": 0, "_FFT_BUDGET": 300},
    "mixed": {"_DIRECT_LAGS": 3},
    "default": {},
}


@pytest.fixture(params=list(PATHS))
def path(request, monkeypatch):
    for name, value in PATHS[request.param].items():
        monkeypatch.setattr(_counts, name, value)
    return request.param


@pytest.mark.parametrize("lag", [1, 3, 10])
@pytest.mark.parametrize("lengths", [[3000], [1500, 400, 60, 7]], ids=["single", "multi"])
@pytest.mark.parametrize("n", [3, 5])
def test_matches_deeptime(n, lengths, lag):
    estimation = pytest.importorskip("deeptime.markov.tools.estimation")
    dtrajs = dtrajs_for(n, lengths, seed=n)
    ours = count_transitions(dtrajs, lag, mode="effective", n_states=n)
    theirs = estimation.effective_count_matrix(dtrajs, lag, average="row", mact=1.0).toarray()
    # measured: relative differences <= ~1e-15 (summation order only)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=0)
    assert (ours < count_transitions(dtrajs, lag)).any()  # the data are correlated


def test_matches_deeptime_on_every_path_and_with_mact(path):
    estimation = pytest.importorskip("deeptime.markov.tools.estimation")
    # metastable: some autocorrelations stay positive for hundreds of lags, and the
    # trajectories' sequences fall in several length classes of the FFT batching
    dtrajs = dtrajs_for(4, [4000, 700, 90, 30, 5], stay=60.0, seed=11)
    C = count_transitions(dtrajs, 10)
    for mact in (1.0, 2.0):
        ours = _counts._effective_counts(dtrajs, 10, C, mact=mact)
        theirs = estimation.effective_count_matrix(dtrajs, 10, mact=mact).toarray()
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=0)
    assert ours.sum() < 0.5 * C.sum()


def test_hand_computed_example():
    # lag 1: row 0 has the windows 0->0, 0->0, 0->1, 0->1, so both indicators are
    # [1, 1, 0, 0] or [0, 0, 1, 1] (m = 1/2): centred products sum to 1 at lag 0, 1/4 over
    # 3 pairs at lag 1 (acf 1/12), < 0 at lag 2; tau = 1/2 + (1/12)(1 - 1/4) / (1/2) = 5/8
    # and I = 4/5 for both. Row 1 has a single window: I = 1.
    np.testing.assert_allclose(
        count_transitions([0, 0, 0, 1, 0, 1], 1, mode="effective"), [[1.6, 1.6], [1.0, 0.0]]
    )


@pytest.mark.parametrize(
    "dtrajs, lag",
    [
        ([[0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0]], 1),
        (dtrajs_for(3, [60, 35, 9], stay=3.0, seed=4), 1),
        (dtrajs_for(3, [60, 35, 9], stay=3.0, seed=5), 2),
        (dtrajs_for(3, [80, 3], stay=8.0, seed=6), 5),
    ],
    ids=["exact-zero-acf", "lag1", "lag2", "lag5"],
)
def test_matches_exact_rational_reference(dtrajs, lag, path):
    n = 1 + max(max(d) for d in dtrajs)
    expected = exact_effective_counts(dtrajs, lag, n)
    np.testing.assert_allclose(
        count_transitions(dtrajs, lag, mode="effective"), expected, rtol=1e-12
    )


def test_exact_zero_autocorrelation_ends_the_sum():
    # row 0's indicators have an autocorrelation of exactly 0 at lag 5 (after positive
    # values); the sum stops there. deeptime's float sum gives +2.2e-17 there, goes on, and
    # returns [5.4246, 3.6164] for row 0 instead of the exact [5.8661, 3.9107].
    dtrajs = [[0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0]]
    C = count_transitions(dtrajs, 1, mode="effective")
    np.testing.assert_allclose(C, [[5.866111052243065, 3.910740701495377], [6.0, 2.0]], rtol=1e-12)


def test_bounds_sparsity_and_row_proportions():
    dtrajs = dtrajs_for(6, [2000, 300], stay=20.0, seed=2)
    C = count_transitions(dtrajs, 5)
    E = count_transitions(dtrajs, 5, mode="effective")
    assert ((E > 0) == (C > 0)).all()
    assert (E <= C * (1 + 1e-12)).all()
    # one factor per row, so the row-normalised (non-reversible MLE) matrix is unchanged
    np.testing.assert_allclose(E / E.sum(1, keepdims=True), C / C.sum(1, keepdims=True), rtol=1e-12)
    assert 0.05 < E.sum() / C.sum() < 0.9


def test_markov_data_at_lag_one_and_iid_data_are_nearly_uncorrelated():
    # at lag 1 the end states of the windows leaving i are independent draws from P[i]
    # (Markov property), however metastable the chain; i.i.d. frames likewise at any lag
    metastable = dtrajs_for(4, [20000], stay=200.0, seed=3)
    iid = [np.random.default_rng(7).integers(0, 4, size=20000)]
    for dtrajs, lag in ((metastable, 1), (iid, 1), (iid, 10)):
        C = count_transitions(dtrajs, lag)
        ratio = count_transitions(dtrajs, lag, mode="effective").sum(1) / C.sum(1)
        assert (ratio > 0.9).all() and (ratio <= 1.0).all(), ratio
    # the same metastable data at lag 20 carry far fewer independent transitions (0.29 x)
    C = count_transitions(metastable, 20)
    assert count_transitions(metastable, 20, mode="effective").sum() < 0.5 * C.sum()


def test_relabelling_and_trajectory_order():
    dtrajs = dtrajs_for(5, [900, 400, 50], stay=10.0, seed=8)
    E = count_transitions(dtrajs, 3, mode="effective")
    perm = np.array([3, 0, 4, 1, 2])  # state s becomes perm[s]
    E_perm = count_transitions([perm[d] for d in dtrajs], 3, mode="effective")
    np.testing.assert_allclose(E_perm[np.ix_(perm, perm)], E, rtol=1e-12)
    np.testing.assert_allclose(count_transitions(dtrajs[::-1], 3, mode="effective"), E, rtol=1e-12)


def test_edge_cases_and_estimator():
    # a row whose windows all go to one state (c_ij = c_i) has I = 1; a state seen only
    # in a trajectory shorter than the lag adds nothing; extra states stay empty
    dtrajs = [np.zeros(30, dtype=int), np.array([0, 1, 0, 1, 1, 0]), np.array([2])]
    E = count_transitions(dtrajs, 2, mode="effective", n_states=4)
    np.testing.assert_allclose(E, count_transitions(dtrajs, 2, n_states=4))
    tc = TransitionCounts(lagtime=4, mode="effective").fit(dtrajs_for(3, [500], seed=9))
    np.testing.assert_allclose(
        tc.count_matrix_, count_transitions(dtrajs_for(3, [500], seed=9), 4, mode="effective")
    )
    with pytest.raises(ValueError, match="mode"):
        count_transitions([0, 1, 0], 1, mode="effectve")
    with pytest.raises(ValueError, match="must be shorter than"):
        count_transitions([0, 1, 0], 3, mode="effective")
