"""MarkovStateModel.score: VAMP scores side by side with deeptime, known answers, CV."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import KFold, cross_val_score

from scidl.data import sample_markov_chain
from scidl.kinetics import MarkovStateModel


def _reversible_matrix(n, seed):
    rng = np.random.default_rng(seed)
    W = rng.random((n, n)) + np.diag(5.0 * rng.random(n))
    W = W + W.T  # symmetric weights: detailed balance with pi ~ row sums
    return W / W.sum(axis=1, keepdims=True)


P5 = _reversible_matrix(5, 1)


def _data():
    train = list(sample_markov_chain(P5, 2000, n_chains=3, random_state=0))
    test = list(sample_markov_chain(P5, 1500, n_chains=2, random_state=1))
    # state 5 is visited once at the start of training (outside the largest connected
    # set); the test data also visit it and state 7, which the model has never seen
    train[0] = np.r_[5, train[0]]
    test[1] = np.r_[test[1][:100], 7, 5, test[1][100:]]
    return train, test


TRAIN, TEST = _data()


def _deeptime_msm(dt, dtrajs, lagtime, reversible, count_mode="sliding"):
    # deeptime's MSM needs a count model (the score counts the test data at its lagtime and
    # maps them onto its state symbols); restrict it to the largest strongly connected set
    # as scidl does (deeptime's non-reversible MLE would otherwise use weakly connected sets)
    counts = dt.markov.TransitionCountEstimator(lagtime, count_mode).fit(dtrajs).fetch_model()
    counts = counts.submodel_largest(directed=True)
    est = dt.markov.msm.MaximumLikelihoodMSM(reversible=reversible, maxerr=1e-15)
    return est.fit(counts).fetch_model()


@pytest.mark.parametrize("reversible", [True, False])
@pytest.mark.parametrize("lagtime", [1, 3])
@pytest.mark.parametrize("count_mode", ["sliding", "sample", "effective"])
def test_matches_deeptime(reversible, lagtime, count_mode):
    dt = pytest.importorskip("deeptime")
    ours = MarkovStateModel(lagtime, reversible=reversible, count_mode=count_mode).fit(TRAIN)
    theirs = _deeptime_msm(dt, TRAIN, lagtime, reversible, count_mode)
    np.testing.assert_array_equal(theirs.count_model.state_symbols, ours.active_set_)
    np.testing.assert_array_equal(ours.active_set_, np.arange(5))  # state 5 is left out
    for method in ("VAMP1", "VAMP2", "VAMPE"):
        for k in (None, 1, 2, 4, 5, 9):  # 9 > n_states_: clipped, as in deeptime
            for test in (TEST, TEST[:1], TRAIN):
                expected = theirs.score(test, r=method, dim=k)
                got = ours.score(test, score_method=method, score_k=k)
                assert got == pytest.approx(expected, rel=1e-10, abs=0), (method, k)
            # deeptime scores its own training counts when given no data
            expected = theirs.score(None, r=method, dim=k)
            if count_mode == "sliding":  # scidl counts test data with sliding windows
                assert ours.score(TRAIN, score_method=method, score_k=k) == pytest.approx(
                    expected, rel=1e-10
                )


def test_vampe_depends_on_the_amount_of_test_data_as_in_deeptime():
    # the covariances are raw counts: VAMP-1/2 are invariant to duplicating the test data,
    # VAMP-E is not (deeptime's definition)
    msm = MarkovStateModel(1).fit(TRAIN)
    assert msm.score(TEST + TEST) == pytest.approx(msm.score(TEST), rel=1e-12)
    assert msm.score(TEST + TEST, score_method="VAMP1") == pytest.approx(
        msm.score(TEST, score_method="VAMP1"), rel=1e-12
    )
    e1, e2 = msm.score(TEST, score_method="VAMPE"), msm.score(TEST + TEST, score_method="VAMPE")
    assert abs(e1 - e2) > 0.1
    dt = pytest.importorskip("deeptime")
    theirs = _deeptime_msm(dt, TRAIN, 1, True)
    assert e2 == pytest.approx(theirs.score(TEST + TEST, r="VAMPE"), rel=1e-10)


def _empirical_koopman(msm):
    C = msm.count_matrix_[np.ix_(msm.active_set_, msm.active_set_)]
    return C / np.sqrt(C.sum(axis=1))[:, None] / np.sqrt(C.sum(axis=0))[None, :]


def test_known_answers_on_the_training_data():
    # non-reversible MLE: C00 T = C, so the model's symmetrised Koopman matrix is the
    # empirical one, K = C00^(-1/2) C Ctt^(-1/2), whose top singular value is 1 (the
    # constant function); on the training data U^T C00 U = V^T Ctt V = I and U^T C V = S,
    # so VAMP-r = sum_{i<=k} s_i^r and VAMP-E = VAMP-2
    msm = MarkovStateModel(1, reversible=False).fit(TRAIN)
    s = np.linalg.svd(_empirical_koopman(msm), compute_uv=False)
    assert s[0] == pytest.approx(1.0, rel=1e-12) and s[1] < 0.99
    n = msm.n_states_
    assert msm.score(TRAIN, score_k=n) == pytest.approx(1.0 + np.sum(s[1:] ** 2), rel=1e-12)
    for k in range(1, n + 1):
        assert msm.score(TRAIN, score_method="VAMP1", score_k=k) == pytest.approx(
            np.sum(s[:k]), rel=1e-12
        )
        assert msm.score(TRAIN, score_method="VAMP2", score_k=k) == pytest.approx(
            np.sum(s[:k] ** 2), rel=1e-12
        )
        assert msm.score(TRAIN, score_method="VAMPE", score_k=k) == pytest.approx(
            np.sum(s[:k] ** 2), rel=1e-12
        )
    assert msm.score(TRAIN, score_k=1) == pytest.approx(1.0, rel=1e-12)

    # reversible MLE: with all n singular functions U, V are invertible and the score is
    # the empirical ||C00^(-1/2) C Ctt^(-1/2)||_F^2, whatever T is (it is not the model's
    # own sum of squared singular values, C00 T != C here)
    rev = MarkovStateModel(1).fit(TRAIN)
    K_emp = _empirical_koopman(rev)
    assert rev.score(TRAIN) == pytest.approx(np.sum(K_emp**2), rel=1e-12)
    C = rev.count_matrix_[np.ix_(rev.active_set_, rev.active_set_)]
    K_model = (
        np.sqrt(C.sum(axis=1))[:, None] * rev.transition_matrix_ / np.sqrt(C.sum(axis=0))[None, :]
    )
    assert abs(rev.score(TRAIN) - np.sum(K_model**2)) > 1e-5
    assert rev.score(TRAIN, score_k=1) == pytest.approx(1.0, rel=1e-12)


def test_test_scores_are_bounded_by_k_and_the_constant_scores_one():
    msm = MarkovStateModel(2).fit(TRAIN)
    for k in range(1, 6):
        v2 = msm.score(TEST, score_k=k)
        assert 0.0 < v2 <= k + 1e-12
    # the first singular function is constant on the active set: its whitened test
    # correlation is exactly 1 however little the test data cover
    assert msm.score(TEST[:1], score_k=1) == pytest.approx(1.0, rel=1e-12)
    assert msm.score([np.array([0, 0, 3, 3, 1])], score_k=1) == pytest.approx(1.0, rel=1e-12)


def test_cross_val_score_uses_vamp2_by_default():
    dtrajs = list(sample_markov_chain(P5, 3000, n_chains=6, random_state=3))
    msm = MarkovStateModel(lagtime=1)
    scores = cross_val_score(msm, dtrajs, cv=KFold(3))
    assert scores.shape == (3,) and np.isfinite(scores).all()
    train_score = msm.fit(dtrajs).score(dtrajs)
    np.testing.assert_allclose(scores, train_score, atol=0.1)
    # the exact VAMP-2 of the chain (reversible: the eigenvalues squared)
    w = np.sort(np.abs(np.linalg.eigvals(P5)))[::-1]
    assert train_score == pytest.approx(np.sum(w**2), abs=0.05)


def test_validation():
    with pytest.raises(NotFittedError):
        MarkovStateModel(1).score(TEST)
    msm = MarkovStateModel(1).fit(TRAIN)
    with pytest.raises(ValueError, match="'VAMP1', 'VAMP2', 'VAMPE'"):
        msm.score(TEST, score_method="VAMP3")
    with pytest.raises(TypeError, match="score_method must be one of .* of type int"):
        msm.score(TEST, score_method=2)
    assert msm.score(TEST, score_method="vamp-2") == msm.score(TEST)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="score_k must be None or an int >= 1"):
            msm.score(TEST, score_k=bad)
    for bad in (1.5, True, "2"):  # a wrong type is a TypeError
        with pytest.raises(TypeError, match="score_k must be None or an int >= 1"):
            msm.score(TEST, score_k=bad)
    assert msm.score(TEST, score_k=50) == msm.score(TEST, score_k=msm.n_states_)
    with pytest.raises(ValueError, match="Negative values"):
        msm.score([np.array([0, 1, -1, 2])])
    with pytest.raises(ValueError, match="no transitions"):
        msm.score([np.array([5, 7, 7, 9])])  # no state of the active set
    with pytest.raises(ValueError, match="no transitions"):
        msm.score([np.array([0, 7, 1, 7, 2])])  # active states, but never two in a row
    with pytest.raises(ValueError, match="lagtime"):
        MarkovStateModel(3).fit(TRAIN).score([np.array([0, 1])])


def test_test_counts_of_a_model_with_many_states_stay_small():
    # score counted the test data through the label-indexed count_transitions with
    # n_states_ + 1 labels, refused ("use TransitionCounts") from 11,585 active states on
    # whenever the test data missed one of them. A fitted 12,000-state model needs 1.15 GB
    # per matrix and an SVD of minutes, so the counting step is checked on its own, on a
    # ring whose active set holds the labels 0, 3, 6, ...
    n = 12_000
    msm = MarkovStateModel(lagtime=2)
    msm.active_set_, msm.n_states_ = 3 * np.arange(n), n
    test = [np.r_[3 * np.arange(100), 1, 0, 3, 6], np.array([3 * (n - 1), 0, 3, 10**12, 6])]
    tracemalloc.start()
    try:
        D = msm._active_test_counts(test)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20, peak  # in the test frames, not n x n (a dense D is 1.15 GB)
    assert scipy.sparse.issparse(D) and D.shape == (n, n)
    # lag 2: the windows (t, t + 2) between active states, in active-set indices; those
    # that touch label 1 or 10**12 (outside the active set) are dropped
    expected = {(i, i + 2): 1.0 for i in range(98)}  # along the ring in trajectory 0
    expected[(0, 2)] += 1  # 0 -> 6 at its end
    expected[(99, 0)] = 1.0  # 297 -> (1) -> 0
    expected[(n - 1, 1)] = 1.0  # trajectory 1: 3 (n - 1) -> (0) -> 3
    expected[(1, 2)] = 1.0  # 3 -> (10**12) -> 6
    coo = D.tocoo()
    got = dict(zip(zip(coo.row.tolist(), coo.col.tolist(), strict=True), coo.data, strict=True))
    assert got == expected


def _pinv_sqrt(M):
    w, Q = np.linalg.eigh(M)
    keep = w > 1e-10 * w.max()
    return Q[:, keep] / np.sqrt(w[keep])


def test_score_with_test_data_that_miss_active_states_matches_dense_counts():
    # the sparse test counts give the score of the dense formula (see MarkovStateModel.score)
    ring = np.roll(np.eye(30), 1, axis=1) * 0.3 + np.eye(30) * 0.7
    dtraj = sample_markov_chain(ring, 3000, random_state=0)
    msm = MarkovStateModel(lagtime=1, reversible=False).fit(dtraj)
    test = dtraj[:200][dtraj[:200] < 20]  # states 20..29 are missing
    U, s, V = msm._koopman_svd()
    D = np.zeros((30, 30))
    np.add.at(D, (test[:-1], test[1:]), 1.0)
    A = U.T @ np.diag(D.sum(axis=1)) @ U
    B = U.T @ D @ V
    E = V.T @ np.diag(D.sum(axis=0)) @ V
    K = _pinv_sqrt(A).T @ B @ _pinv_sqrt(E)
    assert msm.score(test) == pytest.approx(np.sum(np.linalg.svd(K, compute_uv=False) ** 2))
    vampe = np.trace(2 * s[:, None] * B - (s[:, None] * A * s[None, :]) @ E)
    assert msm.score(test, score_method="VAMPE") == pytest.approx(vampe)
