"""VAMP scores on held-out data, streaming VAMP, and cross-validated scores with known answers.

Toys: linear AR(1) processes ``x_{t+1} = A x_t + noise`` observed through an invertible
linear mixing ``M``. VAMP and TICA are invariant to invertible linear maps of the features,
so the mixing changes nothing in the exact answers but makes the tests non-trivial.
"""

import numpy as np
import pytest
import scipy.signal

from scidl.kinetics import TICA, VAMP, vamp_cross_validate

# A non-normal (upper-triangular) coefficient matrix: VAMP's left and right singular
# functions differ, so VAMP-E on held-out data differs from VAMP-2.
A_NONNORMAL = np.array(
    [
        [0.95, 0.30, 0.00, 0.10],
        [0.00, 0.80, 0.20, 0.00],
        [0.00, 0.00, 0.50, 0.30],
        [0.00, 0.00, 0.00, 0.20],
    ]
)


def mixed_ar1(n, seed, A=A_NONNORMAL, burn=300):
    """``n`` frames of ``x_{t+1} = A x_t + N(0, I)``, observed as ``x @ M.T`` (``M`` fixed)."""
    rng = np.random.default_rng(seed)
    d = A.shape[0]
    eta = rng.normal(size=(n + burn, d))
    x = np.zeros((n + burn, d))
    for t in range(1, n + burn):
        x[t] = A @ x[t - 1] + eta[t]
    M = np.random.default_rng(1234).normal(size=(d, d)) + 3 * np.eye(
        d
    )  # same mixing for every seed
    return x[burn:] @ M.T


# ---------------------------------------------------------------------------------------
# 1. Held-out scores: VAMP-1, VAMP-2, VAMP-E against deeptime and against the formulas
# ---------------------------------------------------------------------------------------


def _textbook_scores(model, test_trajs):
    """Held-out VAMP-1/2/E of a fitted VAMP model, written out from the definitions.

    Wu and Noe (2020), J. Nonlinear Sci. 30, 23: the model's estimated singular functions
    ``psi_i(x) = (x - mu_0) U_i`` (left) and ``phi_i(x) = (x - mu_t) V_i`` (right), with
    singular values ``s_i``, are evaluated on the test pairs ``(x_t, x_{t+tau})``; the test
    data are centred on the *test* means (deeptime's convention, which scidl follows), so the
    constant singular function, removed with the mean, adds exactly 1 to every score.

    - VAMP-r (eq. 33): ``1 + sum_i rho_i^r`` with ``rho_i`` the canonical correlations of
      ``psi(x_t)`` and ``phi(x_{t+tau})`` on the test data, i.e. the singular values of
      ``(Psi^T Psi)^(-1/2) Psi^T Phi (Phi^T Phi)^(-1/2)``; computed here by QR, not by
      inverse square roots.
    - VAMP-E (eq. 30): ``||K||^2 - ||K - K_hat||^2`` for ``K_hat = sum_i s_i psi_i (x) phi_i``,
      i.e. ``1 + 2 sum_i s_i E[psi_i(x_t) phi_i(x_{t+tau})]
      - sum_ij s_i s_j E[psi_i psi_j](x_t) E[phi_i phi_j](x_{t+tau})``, written as sums.
    """
    tau = model.lagtime
    x0 = np.concatenate([t[:-tau] for t in test_trajs])
    x1 = np.concatenate([t[tau:] for t in test_trajs])
    psi = (x0 - x0.mean(axis=0)) @ model.components_
    phi = (x1 - x1.mean(axis=0)) @ model.right_components_
    n = len(x0)
    rho = np.linalg.svd(np.linalg.qr(psi)[0].T @ np.linalg.qr(phi)[0], compute_uv=False)
    s = model.singular_values_
    k = len(s)
    cross = sum(s[i] * np.dot(psi[:, i], phi[:, i]) / n for i in range(k))
    quad = sum(
        s[i] * s[j] * (np.dot(psi[:, i], psi[:, j]) / n) * (np.dot(phi[:, i], phi[:, j]) / n)
        for i in range(k)
        for j in range(k)
    )
    return {"VAMP1": 1 + rho.sum(), "VAMP2": 1 + np.sum(rho**2), "VAMPE": 1 + 2 * cross - quad}


@pytest.mark.parametrize("dim", [1, 2, None])
def test_held_out_scores_match_deeptime_and_the_definitions(dim):
    dt = pytest.importorskip("deeptime")
    lag = 2
    train = [mixed_ar1(3000, seed=1), mixed_ar1(2000, seed=2)]
    test = [mixed_ar1(2500, seed=3), mixed_ar1(1500, seed=4)]
    ours = VAMP(lagtime=lag, n_components=dim).fit(train)
    theirs = dt.decomposition.VAMP(lagtime=lag, dim=dim).fit(train).fetch_model()
    their_test = dt.decomposition.VAMP(lagtime=lag, dim=dim).fit(test).fetch_model()
    k = ours.components_.shape[1]
    assert k == (4 if dim is None else dim)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values[:k], rtol=1e-10)
    textbook = _textbook_scores(ours, test)
    scores = {}
    for method, r in (("VAMP1", 1), ("VAMP2", 2), ("VAMPE", "E")):
        scores[method] = ours.score(test, score_method=method)
        ref = theirs.score(r, test_model=their_test, dim=k)
        # both are a few 4x4 products of the same covariances: agreement to rounding
        assert scores[method] == pytest.approx(ref, rel=1e-8), method
        assert scores[method] == pytest.approx(textbook[method], rel=1e-8), method
    # held-out data are not the training data: VAMP-E is then no longer VAMP-2, and no
    # score exceeds that of the test set's own optimum (the variational principle on the
    # test covariances; for VAMP-E, Eckart-Young: its maximum is the optimum's VAMP-2)
    assert scores["VAMPE"] < scores["VAMP2"] - 1e-4
    optimum = VAMP(lagtime=lag, n_components=dim).fit(test)
    if dim is None:  # all singular functions: the same spans as the optimum's, the same VAMP-1/2
        assert scores["VAMP1"] == pytest.approx(
            optimum.score(test, score_method="VAMP1"), rel=1e-10
        )
        assert scores["VAMP2"] == pytest.approx(optimum.score(test), rel=1e-10)
    else:
        assert scores["VAMP1"] < optimum.score(test, score_method="VAMP1")
        assert scores["VAMP2"] < optimum.score(test)
    assert (
        scores["VAMPE"]
        < optimum.score(test, score_method="VAMPE")
        == pytest.approx(optimum.score(test), rel=1e-10)
    )
    # the "VAMP-2"/"vampe" spellings are accepted
    assert ours.score(test, score_method="vamp-e") == scores["VAMPE"]


def test_held_out_vampe_penalises_a_wrong_model_more_than_vamp2():
    # VAMP-E is the (negative) approximation error of the estimated Koopman operator up
    # to a constant: a model whose singular values are wrong scores lower, while VAMP-2,
    # which only sees the subspaces, does not change.
    train, test = mixed_ar1(4000, seed=5), mixed_ar1(4000, seed=6)
    good = VAMP(lagtime=1, n_components=2).fit(train)
    bad = VAMP(lagtime=1, n_components=2).fit(train)
    bad.singular_values_ = 0.5 * bad.singular_values_
    assert bad.score(test) == pytest.approx(good.score(test), rel=1e-12)
    assert bad.score(test, score_method="VAMPE") < good.score(test, score_method="VAMPE") - 0.05
    assert bad.score(test, score_method="VAMPE") == pytest.approx(
        _textbook_scores(bad, [test])["VAMPE"], rel=1e-8
    )


# ---------------------------------------------------------------------------------------
# 2. Streaming VAMP: partial_fit over chunks and lists equals fit on the list
# ---------------------------------------------------------------------------------------


def _assert_same_decomposition(a, b, X):
    np.testing.assert_allclose(a.singular_values_, b.singular_values_, rtol=1e-10)
    # singular functions are defined up to sign (the singular values are well separated)
    for name in ("components_", "right_components_"):
        ca, cb = getattr(a, name), getattr(b, name)
        signs = np.sign(np.sum(ca * cb, axis=0))
        assert np.all(signs != 0)
        np.testing.assert_allclose(ca, cb * signs, rtol=1e-10, atol=1e-10 * np.abs(cb).max())
    np.testing.assert_allclose(a.koopman_matrix_, b.koopman_matrix_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(a.mean_t_, b.mean_t_, rtol=1e-12, atol=1e-13)
    for method in ("VAMP1", "VAMP2", "VAMPE"):
        assert a.score(X, score_method=method) == pytest.approx(
            b.score(X, score_method=method), rel=1e-10
        )
    ya, yb = a.transform(X), b.transform(X)
    np.testing.assert_allclose(
        ya, yb * np.sign(np.sum(ya * yb, axis=0)), rtol=1e-9, atol=1e-10 * np.abs(yb).max()
    )


@pytest.mark.parametrize("dim", [2, None])
def test_vamp_partial_fit_streaming_equals_batch(dim):
    X = mixed_ar1(6000, seed=7) + 100.0  # an offset tests the stable merging of means
    parts = np.array_split(X, 5)
    batch = VAMP(lagtime=3, n_components=dim).fit(parts)

    chunked = VAMP(lagtime=3, n_components=dim)
    for p in parts:  # one chunk at a time: pairs never straddle chunks, as in fit(parts)
        assert chunked.partial_fit(p) is chunked
    _assert_same_decomposition(chunked, batch, X)

    lists = VAMP(lagtime=3, n_components=dim)
    lists.partial_fit(parts[:2]).partial_fit(parts[2:3]).partial_fit(
        parts[3:]
    )  # lists of trajectories
    _assert_same_decomposition(lists, batch, X)

    small_blocks = VAMP(lagtime=3, n_components=dim, chunk_size=97)
    for p in parts:
        small_blocks.partial_fit(p)
    _assert_same_decomposition(small_blocks, batch, X)

    # fit starts afresh: it does not add to what partial_fit accumulated
    refit = VAMP(lagtime=3, n_components=dim)
    refit.partial_fit(mixed_ar1(3000, seed=8))
    _assert_same_decomposition(refit.fit(parts), batch, X)


def test_vamp_partial_fit_rejects_a_change_of_width():
    v = VAMP(lagtime=1).partial_fit(mixed_ar1(500, seed=9))
    with pytest.raises(ValueError, match="features"):
        v.partial_fit(np.zeros((100, 3)))


# ---------------------------------------------------------------------------------------
# 3. Cross-validated scores against the exact VAMP scores of the process
# ---------------------------------------------------------------------------------------

SLOW = np.array([0.95, 0.8])  # AR(1) coefficients of the slow coordinates
N_NOISE = 3  # further coordinates: i.i.d. noise, no memory
N_FRAMES = 20_000
LAG = 2


def slow_plus_noise(n, seed):
    """Independent AR(1) coordinates with coefficients ``SLOW``, i.i.d. noise coordinates,
    then a fixed invertible mixing of all of them."""
    rng = np.random.default_rng(seed)
    d = len(SLOW) + N_NOISE
    eta = rng.normal(size=(n + 500, d))
    z = eta.copy()
    for i, a in enumerate(SLOW):
        z[:, i] = scipy.signal.lfilter([1.0], [1.0, -a], eta[:, i])
    M = np.random.default_rng(99).normal(size=(d, d)) + 3 * np.eye(d)
    return z[500:] @ M.T


def bartlett_sd(a, tau, n):
    """Large-sample s.d. of the lag-``tau`` sample autocorrelation of an AR(1).

    ``a`` is the AR coefficient; Bartlett's formula summed in closed form.
    """
    return np.sqrt(((1 + a**2) * (1 - a ** (2 * tau)) / (1 - a**2) - 2 * tau * a ** (2 * tau)) / n)


def exact_and_tolerance(k, method, n_splits=5):
    """Exact VAMP score of the process restricted to its ``k`` slowest singular functions,
    the expected value of the cross-validated estimate, and a tolerance for it.

    The linear features span the exact singular functions: the slow coordinates are
    independent AR(1) processes with autocorrelation ``a_i^tau`` at lag ``tau``, and the
    noise coordinates have none, so the singular values are ``s_i = a_i^tau`` and 0 and the
    exact VAMP-r score with ``n_components=k`` is ``1 + sum_{i<=k} s_i^r``; VAMP-E of the exact
    model equals VAMP-2.

    Statistical error: each test-fold VAMP-r score is ``1 + sum_i rho_i^r`` with ``rho_i``
    the test-fold autocorrelation of a training direction. The folds are disjoint, so the
    mean over folds has about the variance of one estimate on all ``N`` frames: to first
    order (delta method) ``sd(rho^r) = r s^(r-1) sd(rho)`` with Bartlett's ``sd(rho)``; the
    coordinates are independent, so the variances add. VAMP-E has the same first-order
    term (``2 s rho - s^2 v_0 v_t`` with ``v`` the test variances of the training
    functions) and a second-order bias ``-s^2 var(v)``, where the sample variance of a
    unit AR(1) over ``N_fold`` frames has ``var(v) = 2 (1 + a^2) / ((1 - a^2) N_fold)``
    (about -0.008 here for the slowest coordinate); we subtract it.

    Tolerance: 5 sd + 5e-3. Over 40 seeds (checked when this test was written) the
    spread of the fold means was 1.0-1.4 times this first-order sd and their mean
    -0.3 to -0.5 sd (the mean removal per fold and the training directions' error both
    lower the score by O(1/N)), so the band is over 3 empirical standard deviations wide.
    """
    a = SLOW[:k]
    s = a**LAG
    r = 1 if method == "VAMP1" else 2
    exact = 1 + np.sum(s**r)
    sd = np.sqrt(np.sum((r * s ** (r - 1) * bartlett_sd(a, LAG, N_FRAMES)) ** 2))
    expected = exact
    if method == "VAMPE":
        expected -= np.sum(s**2 * 2 * (1 + a**2) / ((1 - a**2) * (N_FRAMES / n_splits)))
    return exact, expected, 5 * sd + 5e-3


@pytest.mark.parametrize("estimator", [VAMP, TICA])
@pytest.mark.parametrize("k", [1, 2])
def test_cross_validated_score_recovers_the_exact_vamp_score(estimator, k):
    X = slow_plus_noise(N_FRAMES, seed=10 + k)
    for method in ("VAMP2", "VAMP1", "VAMPE"):
        cv = vamp_cross_validate(
            estimator(lagtime=LAG, n_components=k),
            X,
            n_splits=5,
            score_method=method,
            random_state=0,
        )
        exact, expected, tol = exact_and_tolerance(k, method)
        assert cv.shape == (5,)
        assert cv.mean() == pytest.approx(expected, abs=tol), (method, cv, exact, tol)
    # the test discriminates: the score of two slow processes is out of a 1-D model's reach
    if k == 1:
        _, two, tol2 = exact_and_tolerance(2, "VAMPE")
        assert cv.mean() < two - tol2


def test_cross_validated_score_does_not_reward_noise_dimensions():
    # the noise coordinates have singular value 0: adding them to dim gives (almost)
    # nothing on held-out data, while the training score always grows.
    X = slow_plus_noise(N_FRAMES, seed=20)
    cv2 = vamp_cross_validate(
        VAMP(lagtime=LAG, n_components=2), X, n_splits=5, random_state=1
    ).mean()
    cv5 = vamp_cross_validate(
        VAMP(lagtime=LAG, n_components=5), X, n_splits=5, random_state=1
    ).mean()
    _, expected, tol = exact_and_tolerance(2, "VAMP2")
    assert cv5 == pytest.approx(expected, abs=tol)
    # three noise singular values, each of order 1/sqrt(N_fold) on test data: squares ~ 1/N_fold
    assert abs(cv5 - cv2) < 3 * 5 * 5 / N_FRAMES + 1e-3
    assert VAMP(lagtime=LAG, n_components=5).fit(X).score(X) > VAMP(
        lagtime=LAG, n_components=2
    ).fit(X).score(X)
