"""Transition counting, MSM estimation and analysis against analytic answers."""

import warnings

import numpy as np
import pytest
import scipy.linalg

from scidl import base as scidl_base
from scidl.data import (
    SWISSROLL_TRANSITION_MATRIX,
    BirthDeathChain,
    sample_markov_chain,
    simulate_langevin,
)
from scidl.kinetics import (
    MarkovStateModel,
    TransitionCounts,
    _counts,
    _msm,
    ck_test,
    connected_sets,
    count_transitions,
    implied_timescales,
    langevin_reference,
    largest_connected_set,
    transition_matrix_mle,
)

P4 = SWISSROLL_TRANSITION_MATRIX


def exact_timescales(P, k):
    w = np.sort(np.abs(np.linalg.eigvals(P)))[::-1]
    return -1.0 / np.log(w[1 : k + 1])


def loglik(C, T):
    m = C > 0
    return float(np.sum(C[m] * np.log(T[m])))


def test_count_modes_and_connected_sets():
    d = np.array([0, 0, 1, 1, 0, 2, 2, 2])
    C1 = count_transitions(d, 1)
    assert C1.sum() == 7 and C1[0, 1] == 1 and C1[2, 2] == 2
    C2 = count_transitions(d, 2, mode="sample")  # pairs (0,2),(2,4),(4,6)
    assert C2.sum() == 3 and C2[0, 1] == C2[1, 0] == C2[0, 2] == 1  # pairs (0,2), (2,4), (4,6)
    # effective: every indicator's autocorrelation is < 0 at lag 1 (or it has no lag 1), so
    # all statistical inefficiencies are 1 and the counts are the sliding ones
    np.testing.assert_allclose(count_transitions(d, 2, mode="effective"), count_transitions(d, 2))
    tc = TransitionCounts(lagtime=1).fit([d, np.array([5, 5, 5])])
    assert tc.n_states_ == 4 and tc.states_.tolist() == [0, 1, 2, 5]  # observed states only
    assert tc.largest_connected_set_.tolist() == [0, 1]  # 2 is entered but never left
    assert [5] in tc.connected_sets_ and [3] not in tc.connected_sets_  # 3, 4 never visited


@pytest.mark.parametrize(
    "bad, err, match",
    [
        (np.array([0, -1, 1]), ValueError, "Negative values"),
        (np.array([0.5, 1.0]), ValueError, "integer"),
        (np.array(["a", "b"]), TypeError, "integer"),
        (np.array([], dtype=int), ValueError, "non-empty"),
    ],
)
def test_bad_discrete_trajectories(bad, err, match):
    with pytest.raises(err, match=match):
        MarkovStateModel().fit(bad)


def test_lagtime_too_long_and_disconnected_data():
    with pytest.raises(ValueError, match="must be shorter than"):
        MarkovStateModel(lagtime=5).fit([0, 1, 0, 1])
    data = [np.array([0, 1, 0, 1, 1, 0]), np.array([2, 3, 2, 3, 3, 2, 3, 2, 2])]
    msm = MarkovStateModel(lagtime=1).fit(data)
    assert msm.active_set_.tolist() == [2, 3]  # the larger connected set
    assert msm.transform(data)[0].tolist() == [-1] * 6
    with pytest.raises(ValueError, match="not strongly connected"):
        MarkovStateModel(connectivity="all").fit(data)
    with pytest.raises(ValueError, match="never visited"):
        MarkovStateModel(connectivity="all", n_states=4).fit([0, 1, 0, 1, 2, 1, 2, 0])
    with pytest.raises(ValueError, match="negative"):
        transition_matrix_mle([[1.0, -1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="no outgoing"):
        transition_matrix_mle([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="non-negative"):
        MarkovStateModel().fit_from_counts([[1.0, -1.0], [1.0, 1.0]])


@pytest.mark.parametrize(
    "bad, err, match",
    [
        ([[1.0, -1.0], [1.0, 1.0]], ValueError, r"count_matrix has negative entries \(min -1.0\)"),
        ([[1.0, np.nan], [1.0, 1.0]], ValueError, "count_matrix contains NaN or infinity"),
        ([[1.0, 2.0]], ValueError, r"count_matrix must be a non-empty square matrix; got shape"),
        (np.zeros((0, 0)), ValueError, "count_matrix must be a non-empty square matrix"),
        ([["a", "b"], ["c", "d"]], TypeError, "count_matrix must be a numeric matrix"),
    ],
)
def test_count_matrices_are_checked_alike_everywhere(bad, err, match):
    # connected_sets, transition_matrix_mle and fit_from_counts each had their own copy of
    # these checks, with different messages; now one helper answers for all of them
    checks = (
        connected_sets,
        largest_connected_set,
        transition_matrix_mle,
        MarkovStateModel().fit_from_counts,
    )
    for check in checks:
        with pytest.raises(err, match=match):
            check(bad)


def test_fit_checks_the_data_and_finds_the_connected_sets_once(monkeypatch):
    # MarkovStateModel.fit went through TransitionCounts.fit: the trajectories were checked
    # twice and the connected sets computed twice
    calls = {}

    def counted(module, name):
        fn = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return fn(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for module in (_msm, _counts):
        for name in ("as_dtrajs", "connected_sets"):
            if hasattr(module, name):
                counted(module, name)
    d = sample_markov_chain(P4, 500, random_state=0)
    msm = MarkovStateModel().fit(d)
    assert calls == {"as_dtrajs": 1, "connected_sets": 1}
    np.testing.assert_allclose(
        msm.count_matrix_, TransitionCounts().fit(d).count_matrix_
    )  # the counts of TransitionCounts, as before


def test_reversible_mle_detailed_balance_and_optimality():
    rng = np.random.default_rng(0)
    C = rng.integers(0, 30, size=(6, 6)).astype(float) * (rng.random((6, 6)) < 0.7)
    C += np.diag(rng.integers(1, 5, 6))
    T, it = transition_matrix_mle(C, reversible=True, return_iterations=True)
    assert it > 0
    pi = MarkovStateModel().fit_from_counts(C).stationary_distribution_
    np.testing.assert_allclose(T.sum(axis=1), 1.0, atol=1e-14)
    np.testing.assert_allclose(pi[:, None] * T, (pi[:, None] * T).T, atol=1e-13)
    # stationarity condition (fixed point): x_ij = (c_ij + c_ji) / (c_i / pi_i + c_j / pi_j)
    X = pi[:, None] * T
    c = C.sum(axis=1)
    expected = (C + C.T) / (c[:, None] / pi[:, None] + c[None, :] / pi[None, :])
    np.testing.assert_allclose(X, expected, atol=1e-12)
    # no reversible perturbation (symmetric x on the same pattern) increases the likelihood
    best = loglik(C, T)
    S = C + C.T > 0
    for _ in range(50):
        Y = X * np.exp(0.05 * rng.normal(size=X.shape))
        Y = np.where(S, 0.5 * (Y + Y.T), 0.0)
        assert loglik(C, Y / Y.sum(axis=1, keepdims=True)) <= best + 1e-12
    # the non-reversible MLE is the row-normalised count matrix and beats the reversible one
    Tn = transition_matrix_mle(C)
    np.testing.assert_allclose(Tn, C / C.sum(axis=1, keepdims=True))
    assert loglik(C, Tn) >= best


def test_reversible_mle_with_fixed_stationary_distribution():
    rng = np.random.default_rng(1)
    C = rng.integers(1, 20, size=(5, 5)).astype(float)
    pi = rng.random(5)
    pi /= pi.sum()
    msm = MarkovStateModel(stationary_distribution_constraint=pi).fit_from_counts(C)
    T = msm.transition_matrix_
    np.testing.assert_allclose(pi @ T, pi, atol=1e-10)
    np.testing.assert_allclose(pi[:, None] * T, (pi[:, None] * T).T, atol=1e-12)
    np.testing.assert_allclose(msm.stationary_distribution_, pi)
    dt = pytest.importorskip("deeptime")
    ref = dt.markov.tools.estimation.transition_matrix(
        C, reversible=True, mu=pi, maxerr=1e-14, maxiter=10**6
    )
    np.testing.assert_allclose(T, ref, atol=1e-9)


def test_mle_is_least_squares_propagator_of_state_indicators():
    d = sample_markov_chain(P4, 5000, random_state=2)
    msm = MarkovStateModel(lagtime=3, reversible=False).fit(d)
    chi = np.eye(4)[d]
    T_ls = np.linalg.lstsq(chi[:-3], chi[3:], rcond=None)[0]
    np.testing.assert_allclose(msm.transition_matrix_, T_ls, atol=1e-12)


def test_birth_death_chain_closed_forms():
    n = 7
    b = np.r_[np.linspace(0.3, 0.1, n - 1), 0.0]
    d = np.r_[0.0, np.linspace(0.1, 0.3, n - 1)]
    chain = BirthDeathChain(b, d)
    P = chain.transition_matrix
    pi = chain.stationary_distribution
    # expected counts of a long stationary run: the MLE recovers P exactly
    C = 1e6 * pi[:, None] * P
    for reversible in (True, False):
        msm = MarkovStateModel(reversible=reversible).fit_from_counts(C)
        np.testing.assert_allclose(msm.transition_matrix_, P, atol=1e-10)
        np.testing.assert_allclose(msm.stationary_distribution_, pi, atol=1e-10)
        assert msm.mfpt([0], [n - 1]) == pytest.approx(chain.mfpt(0, n - 1), rel=1e-8)
        assert msm.mfpt([n - 1], [0]) == pytest.approx(chain.mfpt(n - 1, 0), rel=1e-8)
        np.testing.assert_allclose(
            msm.committor([0], [n - 1]), chain.committor(0, n - 1), atol=1e-10
        )
        # for a reversible chain the backward committor is 1 - forward
        np.testing.assert_allclose(
            msm.committor([0], [n - 1], forward=False), 1 - chain.committor(0, n - 1), atol=1e-10
        )


def test_long_chain_recovers_transition_matrix_and_timescales():
    N = 200_000
    d = sample_markov_chain(P4, N, random_state=4)
    msm = MarkovStateModel(lagtime=1, reversible=True).fit(d)
    counts = np.bincount(d[:-1], minlength=4)[:, None]
    sigma = np.sqrt(P4 * (1 - P4) / counts)  # binomial s.d. of each row's estimate
    assert (np.abs(msm.transition_matrix_ - P4) < 5 * sigma + 1e-3).all()
    exact = exact_timescales(P4, 3)
    sd = _timescale_sd(P4, counts.ravel())
    assert (np.abs(msm.timescales(3) - exact) < 5 * sd).all(), (msm.timescales(3), exact, sd)
    assert (
        sd < 0.05 * exact
    ).all()  # and that error is small: 200,000 steps pin the timescales down
    # at lag 3 timescales are unchanged for a Markov chain (in steps)
    msm3 = MarkovStateModel(lagtime=3).fit(d)
    np.testing.assert_allclose(msm3.timescales(1), exact[:1], rtol=0.1)


def _timescale_sd(P, visits):
    """First-order standard deviation of the implied timescales of the MLE ``T`` of ``P``.

    Each row of ``T`` is a multinomial frequency over ``visits[i]`` transitions:
    ``Cov(T_ij, T_ik) = (delta_jk P_ij - P_ij P_ik) / visits_i``. An eigenvalue moves by
    ``d lambda = l^T dT r / (l^T r)`` (left and right eigenvectors ``l``, ``r``), and
    ``t = -1 / ln(lambda)`` by ``dt = d lambda / (lambda ln(lambda)^2)``. (For the
    reversible estimate this is an upper bound: detailed balance removes freedom.)
    """
    w, L, R = scipy.linalg.eig(P, left=True, right=True)
    order = np.argsort(-np.abs(w))[1:]
    sds = []
    for k in order:
        lam, left, r = w[k].real, L[:, k].real, R[:, k].real
        var = 0.0
        for i in range(len(P)):
            cov = (np.diag(P[i]) - np.outer(P[i], P[i])) / visits[i]
            var += left[i] ** 2 * r @ cov @ r
        sd_lam = np.sqrt(var) / abs(left @ r)
        sds.append(sd_lam / (lam * np.log(lam) ** 2))
    return np.array(sds)


def test_pcca_ck_test_and_simulation():
    d = sample_markov_chain(P4, 50_000, random_state=5)
    msm = MarkovStateModel(lagtime=1).fit(d)
    p = msm.pcca(2)
    assert sorted(map(sorted, (s.tolist() for s in p.sets))) == [[0, 1], [2, 3]]
    np.testing.assert_allclose(p.memberships.sum(axis=1), 1.0)
    assert (p.memberships >= 0).all() and 1.0 < p.crispness <= 2.0
    np.testing.assert_allclose(p.coarse_transition_matrix.sum(axis=1), 1.0, atol=1e-10)
    p_nonrev = MarkovStateModel(reversible=False).fit(d).pcca(2)  # Schur-vector PCCA+
    assert sorted(map(sorted, (s.tolist() for s in p_nonrev.sets))) == [[0, 1], [2, 3]]
    ck = ck_test(msm, d, n_metastable=2, mlags=4)
    assert ck.predictions.shape == ck.estimates.shape == (4, 2, 2)
    assert ck.max_error < 0.02  # the data are exactly Markovian
    sim = msm.simulate(20_000, random_state=0)
    sim2 = msm.simulate(20_000, random_state=0)
    np.testing.assert_array_equal(sim, sim2)
    again = MarkovStateModel().fit(sim)
    np.testing.assert_allclose(again.transition_matrix_, msm.transition_matrix_, atol=0.03)


def test_implied_timescales_with_bootstrap():
    d = sample_markov_chain(P4, 20_000, random_state=6)
    its = implied_timescales(d, [1, 2, 4], n_timescales=2, n_bootstrap=10, random_state=0)
    assert its.timescales.shape == (3, 2) and its.samples.shape == (10, 3, 2)
    lo, hi = its.quantiles((0.0, 1.0))
    assert np.all(lo[:, 0] <= its.timescales[:, 0] * 1.2) and np.all(
        hi[:, 0] >= its.timescales[:, 0] * 0.8
    )
    exact = exact_timescales(P4, 1)[0]
    assert np.abs(its.timescales[:, 0] - exact).max() / exact < 0.25
    # the block bootstrap's spread is the sampling error: within a factor 1.5 of the
    # first-order standard deviation derived in _timescale_sd (seeds 6-8 gave 0.79-1.2)
    wide = implied_timescales(d, [1], n_timescales=2, n_bootstrap=100, random_state=0)
    ratio = (
        wide.samples[:, 0, :].std(axis=0) / _timescale_sd(P4, np.bincount(d[:-1], minlength=4))[:2]
    )
    assert ((ratio > 1 / 1.5) & (ratio < 1.5)).all(), ratio


def test_save_load_roundtrip(tmp_path):
    d = sample_markov_chain(P4, 3000, random_state=7)
    msm = MarkovStateModel(lagtime=2).fit(d)
    msm2 = scidl_base.load(msm.save(tmp_path / "msm.pt"))
    np.testing.assert_allclose(msm2.transition_matrix_, msm.transition_matrix_)
    np.testing.assert_allclose(msm2.timescales(), msm.timescales())


def test_nonreversible_chain_analysis():
    P = np.array([[0.8, 0.2, 0.0], [0.0, 0.8, 0.2], [0.2, 0.0, 0.8]])  # a cycle
    msm = MarkovStateModel(reversible=False).fit_from_counts(1000 * P)
    np.testing.assert_allclose(msm.stationary_distribution_, [1 / 3] * 3, atol=1e-12)
    w = msm.eigenvalues()
    assert np.iscomplexobj(w) and abs(w[0] - 1) < 1e-12
    assert msm.mfpt([0], [1]) == pytest.approx(5.0)  # geometric waiting time 1 / 0.2
    R, L = msm.right_eigenvectors(), msm.left_eigenvectors()
    np.testing.assert_allclose(L.T @ R, np.eye(3), atol=1e-10)


def test_reversible_mle_warns_when_not_converged():
    C = np.array([[100.0, 1.0], [2.0, 50.0]])
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        transition_matrix_mle(C, reversible=True, max_iter=1, tol=1e-15)
    assert any("did not converge" in str(r.message) for r in rec)


def test_langevin_double_well_msm_reproduces_exact_timescale():
    """An MSM on 40 bins of a simulated double well recovers the fine-grid generator's t_1."""
    dt, stride = 1e-3, 20
    x0 = np.repeat([[-1.0], [1.0]], 40, axis=0)
    X = simulate_langevin(
        "double_well", 2500, n_walkers=80, dt=dt, stride=stride, x0=x0, random_state=0
    )
    edges = np.linspace(-2.0, 2.0, 41)
    dtrajs = [np.clip(np.digitize(x[:, 0], edges) - 1, 0, 39) for x in X]
    lag = 25  # 25 frames = 0.5 time units, well past the fast relaxation (t_2 ~ 0.1)
    msm = MarkovStateModel(lagtime=lag).fit(dtrajs)
    t_msm = msm.timescales(1)[0] * stride * dt
    t_exact = langevin_reference("double_well").timescales[0]
    # statistics: ~80 * 50 / 4.1 ~ 1000 barrier crossings -> a few % error; EM bias O(dt)
    assert t_msm == pytest.approx(t_exact, rel=0.1), (t_msm, t_exact)


def test_side_by_side_with_deeptime():
    dt = pytest.importorskip("deeptime")
    d = sample_markov_chain(P4, 30_000, random_state=8)
    ours = MarkovStateModel(lagtime=2).fit(d)
    counts = dt.markov.TransitionCountEstimator(2, "sliding").fit(d).fetch_model()
    theirs = (
        dt.markov.msm.MaximumLikelihoodMSM(reversible=True, maxerr=1e-14).fit(counts).fetch_model()
    )
    np.testing.assert_allclose(ours.transition_matrix_, theirs.transition_matrix, atol=1e-9)
    np.testing.assert_allclose(ours.timescales(3), theirs.timescales(3), rtol=1e-7)
    assert ours.mfpt([0], [3]) == pytest.approx(theirs.mfpt([0], [3]), rel=1e-7)
    np.testing.assert_allclose(
        ours.committor([0], [3]), theirs.committor_forward([0], [3]), atol=1e-8
    )
    np.testing.assert_allclose(ours.pcca(2).memberships, theirs.pcca(2).memberships, atol=1e-4)
