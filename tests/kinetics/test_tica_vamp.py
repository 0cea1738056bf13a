"""Covariances, TICA and VAMP: known answers, streaming, regularisation, deeptime side by side."""

import numpy as np
import pytest
import scipy.signal
from sklearn.base import clone

from scidl import base as scidl_base
from scidl.data import sample_markov_chain
from scidl.kinetics import TICA, VAMP, Covariance, vamp_cross_validate

EIGS = np.array([0.95, 0.7, 0.3])


def ar1(n, seed, eigs=EIGS, burn=500):
    """x_{t+1} = A x_t + noise with symmetric A = Q diag(eigs) Q^T (decoupled by Q)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigs), len(eigs))))
    eta = rng.normal(size=(n + burn, len(eigs)))
    z = np.column_stack(
        [scipy.signal.lfilter([1.0], [1.0, -a], eta[:, i]) for i, a in enumerate(eigs)]
    )
    return z[burn:] @ Q.T, Q


def bartlett_sd(a, tau, n):
    """Large-sample s.d. of the lag-tau autocorrelation estimate of an AR(1) with coefficient a.

    Bartlett's formula var(r_k) = (1/n) sum_m (rho_{m+k} + rho_{m-k} - 2 rho_k rho_m)^2 with
    rho_m = a^|m| sums to (1/n) [(1 + a^2)(1 - a^{2 tau}) / (1 - a^2) - 2 tau a^{2 tau}].
    In the eigenbasis of a symmetric A the components are independent AR(1) processes,
    so each TICA eigenvalue is, to leading order, one such autocorrelation estimate.
    """
    return np.sqrt(((1 + a**2) * (1 - a ** (2 * tau)) / (1 - a**2) - 2 * tau * a ** (2 * tau)) / n)


def test_covariance_matches_numpy_and_streaming_equals_batch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4)) + 1e6  # a large mean tests the stable merge
    x, y = X[:-3], X[3:]
    c = Covariance(lagtime=3, compute_c0t=True, compute_ctt=True, chunk_size=257).fit(X)
    np.testing.assert_allclose(c.cov_00_, np.cov(x.T), atol=1e-9)
    np.testing.assert_allclose(c.cov_tt_, np.cov(y.T), atol=1e-9)
    ref_0t = (x - x.mean(0)).T @ (y - y.mean(0)) / (len(x) - 1)
    np.testing.assert_allclose(c.cov_0t_, ref_0t, atol=1e-9)
    s = Covariance(lagtime=3, compute_c0t=True, compute_ctt=True)
    for part in np.array_split(X, 5):
        s.partial_fit(part)  # pairs never straddle chunks: equal to fitting the list of parts
    lst = Covariance(lagtime=3, compute_c0t=True, compute_ctt=True).fit(np.array_split(X, 5))
    np.testing.assert_allclose(s.cov_0t_, lst.cov_0t_, atol=1e-12)
    np.testing.assert_allclose(s.mean_0_, lst.mean_0_, rtol=1e-15)


@pytest.mark.parametrize("chunk_size", [1, 4, 37, 100_000])
@pytest.mark.parametrize("lagtime", [None, 1, 5])
def test_overlapping_block_products_equal_the_pairwise_path(chunk_size, lagtime):
    # Unweighted data take the two-product overlapping-block path; unit weights
    # take the pairwise path (three products per block). Both must agree,
    # also for blocks shorter than the lag and a drifting mean.
    rng = np.random.default_rng(3)
    X = np.cumsum(rng.normal(size=(400, 3)), axis=0) + 50.0
    trajs = [X[:250], X[250:]]
    kw = dict(
        lagtime=lagtime,
        compute_c0t=lagtime is not None,
        compute_ctt=lagtime is not None,
        chunk_size=chunk_size,
    )
    a = Covariance(**kw).fit(trajs)
    b = Covariance(**kw).fit(trajs, weights=[np.ones(250), np.ones(150)])
    for name in ("mean_0_", "mean_t_", "cov_00_", "cov_0t_", "cov_tt_"):
        if getattr(b, name) is not None:
            np.testing.assert_allclose(
                getattr(a, name), getattr(b, name), rtol=1e-11, atol=1e-11, err_msg=name
            )


def test_covariance_reversible_bessel_weights_and_float32():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    rev = Covariance(lagtime=2, reversible=True, bessel=False).fit(X)
    Z, Zr = np.vstack([X[:-2], X[2:]]), np.vstack([X[2:], X[:-2]])
    m = Z.mean(0)
    np.testing.assert_allclose(rev.cov_00_, (Z - m).T @ (Z - m) / len(Z), atol=1e-13)
    np.testing.assert_allclose(rev.cov_0t_, (Z - m).T @ (Zr - m) / len(Z), atol=1e-13)
    np.testing.assert_allclose(rev.cov_0t_, rev.cov_0t_.T)
    # integer weights count frames: weight 2 equals duplicating the pair
    w = np.ones(500)
    w[:100] = 2.0
    a = Covariance(lagtime=None, bessel=False).fit(X, weights=w)
    b = Covariance(lagtime=None, bessel=False).fit(np.vstack([X, X[:100]]))
    np.testing.assert_allclose(a.cov_00_, b.cov_00_, atol=1e-13)
    X32 = X.astype(np.float32)
    f32 = Covariance(lagtime=2, compute_c0t=True, chunk_size=77).fit(X32)
    f64 = Covariance(lagtime=2, compute_c0t=True).fit(X32.astype(np.float64))
    assert f32.cov_0t_.dtype == np.float64
    # float32 data are multiplied block by block in float64: as accurate as converting it all
    np.testing.assert_allclose(f32.cov_0t_, f64.cov_0t_, rtol=1e-12, atol=1e-14)
    t32 = TICA(lagtime=2).fit(X32)
    np.testing.assert_allclose(
        t32.eigenvalues_, TICA(lagtime=2).fit(X32.astype(np.float64)).eigenvalues_, rtol=1e-10
    )


@pytest.mark.parametrize("tau", [1, 3])
def test_tica_ar1_eigenvalues_are_eigs_of_A_to_the_lag(tau):
    n = 40_000
    X, Q = ar1(n, seed=tau)
    tica = TICA(lagtime=tau).fit(X)
    expected = EIGS**tau
    sd = bartlett_sd(EIGS, tau, n)
    assert np.all(np.abs(tica.eigenvalues_ - expected) < 4 * sd), (tica.eigenvalues_, expected, sd)
    # the slowest component points along the slowest eigenvector of A
    v = tica.components_[:, 0] / np.linalg.norm(tica.components_[:, 0])
    assert abs(v @ Q[:, 0]) > 0.99
    np.testing.assert_allclose(tica.timescales_, -tau / np.log(np.abs(tica.eigenvalues_)))


def test_tica_transform_scaling_dim_and_var_cutoff():
    X, _ = ar1(5000, seed=7)
    plain = TICA(lagtime=2).fit(X)
    Y = plain.transform(X)
    np.testing.assert_allclose(np.cov(Y.T, bias=True), np.eye(3), atol=0.05)
    km = TICA(lagtime=2, scaling="kinetic_map").fit(X).transform(X)
    np.testing.assert_allclose(km, Y * plain.eigenvalues_, rtol=1e-10)
    cm = TICA(lagtime=2, scaling="commute_map").fit(X).transform(X)
    np.testing.assert_allclose(cm, Y * np.sqrt(plain.timescales_ / 2), rtol=1e-10)
    assert TICA(lagtime=2, n_components=1).fit(X).transform(X).shape == (5000, 1)
    kin = np.cumsum(plain.eigenvalues_**2) / np.sum(plain.eigenvalues_**2)
    k = TICA(lagtime=2, var_cutoff=float(kin[0]) + 1e-3).fit(X).components_.shape[1]
    assert k == 2
    out = plain.transform([X[:10], X[10:30]])
    assert isinstance(out, list) and out[1].shape == (20, 3)
    assert plain.transform(X.astype(np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="at most one"):
        TICA(lagtime=1, n_components=1, var_cutoff=0.9).fit(X)
    with pytest.raises(ValueError, match="scaling"):
        TICA(lagtime=1, scaling="kinetic").fit(X)


def test_tica_streaming_equals_batch():
    X, _ = ar1(6000, seed=3)
    parts = np.array_split(X, 4)
    batch = TICA(lagtime=2).fit(parts)
    stream = TICA(lagtime=2)
    for p in parts:
        stream.partial_fit(p)
    np.testing.assert_allclose(stream.eigenvalues_, batch.eigenvalues_, rtol=1e-12)
    np.testing.assert_allclose(stream.components_, batch.components_, rtol=1e-9, atol=1e-12)


def test_constant_and_rank_deficient_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="constant"):
        TICA(lagtime=1).fit(np.ones((100, 3)))
    with pytest.raises(ValueError, match="constant"):
        VAMP(lagtime=1).fit(np.full((100, 2), 5.0))
    X = rng.normal(size=(1000, 2))
    Xd = np.column_stack([X, np.full(1000, 3.0), X[:, 0] + X[:, 1]])  # constant + collinear
    t = TICA(lagtime=1).fit(Xd)
    assert t.components_.shape == (4, 2)  # two directions dropped by the documented cut-off
    assert np.isfinite(t.transform(Xd)).all() and np.isfinite(t.eigenvalues_).all()
    v = VAMP(lagtime=1).fit(Xd)
    assert np.isfinite(v.singular_values_).all() and np.isfinite(v.koopman_matrix_).all()
    with pytest.raises(ValueError, match="lagtime"):
        TICA(lagtime=200).fit(X[:100])
    with pytest.raises(ValueError, match="NaN"):
        TICA(lagtime=1).fit(np.array([[0.0, 1.0], [np.nan, 0.0], [1.0, 2.0]]))


def test_vamp_one_hot_koopman_is_msm_mle_and_singular_values_exact():
    P = np.array([[0.90, 0.08, 0.02], [0.05, 0.90, 0.05], [0.02, 0.10, 0.88]])
    d = sample_markov_chain(P, 200_000, random_state=0)
    X = np.eye(3)[d]
    v = VAMP(lagtime=1, remove_mean=False).fit(X)
    C = np.zeros((3, 3))
    np.add.at(C, (d[:-1], d[1:]), 1)
    T_mle = C / C.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(v.koopman_matrix_, T_mle, atol=1e-12)
    # least squares: regress chi(t+1) on chi(t) -> the same matrix
    T_ls = np.linalg.lstsq(X[:-1], X[1:], rcond=None)[0]
    np.testing.assert_allclose(T_ls, T_mle, atol=1e-12)
    # exact singular values of Pi^(1/2) P Pi^(-1/2)
    w, vl = np.linalg.eig(P.T)
    pi = np.real(vl[:, np.argmax(np.real(w))])
    pi /= pi.sum()
    exact = np.linalg.svd(np.sqrt(pi)[:, None] * P / np.sqrt(pi)[None, :], compute_uv=False)
    np.testing.assert_allclose(v.singular_values_, exact, atol=0.01)
    assert v.singular_values_[0] == pytest.approx(1.0, abs=1e-10)
    mean_free = VAMP(lagtime=1).fit(X)  # the constant is removed with the mean
    np.testing.assert_allclose(mean_free.singular_values_[:2], v.singular_values_[1:], atol=1e-8)


def test_vamp_scores_and_cross_validation():
    X, _ = ar1(8000, seed=11)
    v = VAMP(lagtime=2).fit(X)
    s = v.singular_values_
    assert v.score(X) == pytest.approx(1 + np.sum(s**2), rel=1e-10)
    assert v.score(X, score_method="VAMP1") == pytest.approx(1 + np.sum(s), rel=1e-10)
    assert v.score(X, score_method="VAMPE") == pytest.approx(1 + np.sum(s**2), rel=1e-10)
    t = TICA(lagtime=2).fit(X)
    assert t.score(X) == pytest.approx(1 + np.sum(t.eigenvalues_**2), rel=1e-8)
    cv1 = vamp_cross_validate(VAMP(lagtime=2, n_components=1), X, n_splits=4, random_state=0)
    cv3 = vamp_cross_validate(VAMP(lagtime=2, n_components=3), X, n_splits=4, random_state=0)
    assert cv1.shape == (4,) and np.isfinite(cv3).all()
    assert cv3.mean() > cv1.mean()  # more slow processes explain more
    with pytest.raises(ValueError, match="score_method"):
        v.score(X, score_method="VAMP3")
    Y = v.transform(X)
    assert Y.shape == (8000, 3) and v.transform_lagged(X).shape == (8000, 3)


def test_clone_save_load(tmp_path):
    X, _ = ar1(2000, seed=5)
    t = TICA(lagtime=2, n_components=2, scaling="kinetic_map").fit(X)
    c = clone(t)
    assert c.get_params() == t.get_params()
    path = t.save(tmp_path / "tica.pt")
    t2 = scidl_base.load(path)
    np.testing.assert_allclose(t2.transform(X), t.transform(X))


def test_side_by_side_with_deeptime():
    dt = pytest.importorskip("deeptime")
    X, _ = ar1(5000, seed=2)
    ours = TICA(lagtime=3).fit(X)
    theirs = dt.decomposition.TICA(lagtime=3).fit(X).fetch_model()
    np.testing.assert_allclose(ours.eigenvalues_, theirs.singular_values, rtol=1e-10)
    v = VAMP(lagtime=3).fit(X)
    tv = dt.decomposition.VAMP(lagtime=3).fit(X).fetch_model()
    np.testing.assert_allclose(v.singular_values_, tv.singular_values, rtol=1e-10)
    assert v.score(X) == pytest.approx(tv.score(2), rel=1e-10)


@pytest.mark.parametrize(
    "device",
    [
        "cpu",
        pytest.param(
            "cuda",
            marks=pytest.mark.skipif(
                not __import__("torch").cuda.is_available(), reason="needs CUDA"
            ),
        ),
    ],
)
def test_torch_path_equals_numpy(device):
    X, _ = ar1(5000, seed=4)
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=5000)
    for reversible in (False, True):
        kw = dict(
            lagtime=3, compute_c0t=True, compute_ctt=True, reversible=reversible, chunk_size=999
        )
        a = Covariance(**kw).fit(X, weights=w)
        b = Covariance(**kw, device=device).fit(X, weights=w)
        np.testing.assert_allclose(b.cov_0t_, a.cov_0t_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b.mean_0_, a.mean_0_, rtol=1e-12)
    t = TICA(lagtime=3, device=device).fit(X.astype(np.float32))
    np.testing.assert_allclose(t.eigenvalues_, TICA(lagtime=3).fit(X).eigenvalues_, atol=1e-5)
