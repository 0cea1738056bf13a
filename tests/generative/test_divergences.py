"""Distances between distributions: closed forms, a reference library, invariances, bias.

Known answers:

- KL between Gaussians against a Monte-Carlo average of ``log p - log q`` and the 1-D formula;
- the k-NN KL estimator against the closed form of two Gaussians, with its bias shrinking
  as the samples grow, and two uniforms ``U(0, 1)`` versus ``U(0, 2)`` (``KL = log 2``);
- Jensen-Shannon against SciPy's ``jensenshannon`` (its square) and two uniforms;
- 1-D Wasserstein against ``scipy.stats.wasserstein_distance`` and closed forms for
  Gaussians (``W2^2 = (m1 - m2)^2 + (s1 - s2)^2``) and shifted uniforms, with the
  ``n^(-1/2)`` decay of the empirical distance between two samples of one distribution;
- sliced Wasserstein of a translation (``|delta| / sqrt(d)``), rotation invariance;
- MMD against its closed form for two Gaussians with a Gaussian kernel: the U-statistic
  is unbiased, the V-statistic's bias is the known ``O(1/n)`` term; the permutation test
  holds its level and has power.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import multivariate_normal, special_ortho_group, wasserstein_distance

from scidl.generative import (
    js_divergence,
    kl_divergence_gaussian,
    kl_divergence_knn,
    mmd,
    mmd_test,
    sliced_wasserstein,
    wasserstein_1d,
)


# -- KL -----------------------------------------------------------------------------------
def test_gaussian_kl_matches_monte_carlo_and_1d_formula():
    rng = np.random.default_rng(0)
    mp, mq = np.array([0.5, -1.0, 0.0]), np.array([0.0, 0.3, 1.0])
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    Sp, Sq = A @ A.T + np.eye(3), B @ B.T + np.eye(3)
    x = rng.multivariate_normal(mp, Sp, size=200_000)
    mc = np.mean(multivariate_normal(mp, Sp).logpdf(x) - multivariate_normal(mq, Sq).logpdf(x))
    assert kl_divergence_gaussian(mp, Sp, mq, Sq) == pytest.approx(mc, abs=0.03)
    # 1-D: log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
    exact = math.log(2.0 / 0.5) + (0.25 + 9.0) / 8.0 - 0.5
    assert kl_divergence_gaussian(1.0, 0.25, 4.0, 4.0) == pytest.approx(exact, rel=1e-12)
    assert kl_divergence_gaussian(mp, Sp, mp, Sp) == pytest.approx(0.0, abs=1e-12)


def test_gaussian_kl_rejects_bad_covariances():
    with pytest.raises(ValueError, match="cov_q"):
        kl_divergence_gaussian([0, 0], np.eye(2), [0, 0], [[1, 2], [2, 1]])
    with pytest.raises(ValueError, match="mean_q"):
        kl_divergence_gaussian([0, 0], np.eye(2), [0], np.eye(2))
    with pytest.raises(ValueError, match="cov_p"):
        kl_divergence_gaussian([0, 0], np.eye(3), [0, 0], np.eye(2))


def test_knn_kl_converges_to_gaussian_closed_form_with_shrinking_bias():
    # KL(N(0, I) || N(mu, 2 I)) in d = 2; the bias over repeated draws must shrink with n.
    d, mu, s2 = 2, np.array([1.0, 0.0]), 2.0
    exact = kl_divergence_gaussian(np.zeros(d), np.eye(d), mu, s2 * np.eye(d))
    errors = {}
    for n in (100, 3200):
        rng = np.random.default_rng(1)
        est = [
            kl_divergence_knn(rng.normal(size=(n, d)), mu + math.sqrt(s2) * rng.normal(size=(n, d)))
            for _ in range(20 if n == 100 else 4)
        ]
        errors[n] = abs(np.mean(est) - exact)
    assert errors[3200] < 0.03
    assert errors[3200] < errors[100]


def test_knn_kl_two_uniforms_and_invariances():
    rng = np.random.default_rng(2)
    X, Y = rng.uniform(0, 1, size=(4000, 1)), rng.uniform(0, 2, size=(4000, 1))
    kl = kl_divergence_knn(X, Y, n_neighbors=3)
    assert kl == pytest.approx(math.log(2.0), abs=0.05)
    # invariant under a common affine map of both samples (KL is invariant, and so is
    # the estimator: distance ratios are)
    assert kl_divergence_knn(5 * X - 3, 5 * Y - 3, n_neighbors=3) == pytest.approx(kl, rel=1e-9)


def test_knn_kl_rejects_duplicates_and_small_samples():
    with pytest.raises(ValueError, match="duplicate"):
        kl_divergence_knn(np.zeros((5, 1)), np.ones((5, 1)))
    with pytest.raises(ValueError, match="n_neighbors"):
        kl_divergence_knn(np.eye(3), np.eye(3), n_neighbors=3)
    with pytest.raises(ValueError, match="features"):
        kl_divergence_knn(np.eye(3), np.ones((3, 2)))


# -- Jensen-Shannon ---------------------------------------------------------------------
def test_js_matches_scipy_and_two_uniforms():
    rng = np.random.default_rng(3)
    p, q = rng.random(20), rng.random(20)
    assert js_divergence(p, q) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-10)
    assert js_divergence(p, q, base=2) == pytest.approx(jensenshannon(p, q, base=2) ** 2)
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p), rel=1e-12)  # symmetric
    # U(0, 1) vs U(0.5, 1.5) on a grid: half the mass of each is alone, JS = log(2) / 2
    edges = np.linspace(-1, 2, 601)
    centers = 0.5 * (edges[1:] + edges[:-1])
    u1 = ((centers > 0) & (centers < 1)).astype(float)
    u2 = ((centers > 0.5) & (centers < 1.5)).astype(float)
    assert js_divergence(u1, u2) == pytest.approx(0.5 * math.log(2.0), rel=1e-12)
    with pytest.raises(ValueError, match="q"):
        js_divergence([0.5, 0.5], [0.2, -0.1])


# -- Wasserstein ------------------------------------------------------------------------
def test_wasserstein_1d_matches_scipy_with_unequal_sizes():
    rng = np.random.default_rng(4)
    for n, m in [(37, 53), (100, 100), (1, 9)]:
        a, b = rng.normal(size=n), rng.normal(1.0, 2.0, size=m)
        assert wasserstein_1d(a, b) == pytest.approx(wasserstein_distance(a, b), rel=1e-10)


def test_wasserstein_closed_forms():
    rng = np.random.default_rng(5)
    # Gaussians: W2^2 = (m1 - m2)^2 + (s1 - s2)^2, from quantiles on a fine grid
    t = (np.arange(200_000) + 0.5) / 200_000
    from scipy.stats import norm

    a, b = 1.0 + 0.5 * norm.ppf(t), -1.0 + 2.0 * norm.ppf(t)
    assert wasserstein_1d(a, b, p=2) ** 2 == pytest.approx(4.0 + 2.25, rel=1e-3)
    # a shift by c of a uniform sample: W_p = |c| for every p; translation invariance
    x = rng.uniform(size=500)
    for p in (1, 2, 3.5):
        assert wasserstein_1d(x, x + 0.7, p=p) == pytest.approx(0.7, rel=1e-12)
    y = rng.uniform(size=300)
    assert wasserstein_1d(x + 4, y + 4) == pytest.approx(wasserstein_1d(x, y), rel=1e-12)
    # U(0, 1) vs U(0, 2): quantiles t and 2t, W1 = int_0^1 t dt = 1/2
    u = (np.arange(100_000) + 0.5) / 100_000
    assert wasserstein_1d(u, 2 * u) == pytest.approx(0.5, rel=1e-6)


def test_empirical_wasserstein_decays_as_inverse_sqrt_n():
    # two samples of U(0, 1): E W1 ~ c / sqrt(n); quadrupling n halves it
    rng = np.random.default_rng(6)
    means = {
        n: np.mean([wasserstein_1d(rng.uniform(size=n), rng.uniform(size=n)) for _ in range(200)])
        for n in (100, 1600)
    }
    assert means[100] / means[1600] == pytest.approx(4.0, rel=0.15)


def test_sliced_wasserstein_translation_and_rotation():
    rng = np.random.default_rng(7)
    d = 3
    X = rng.normal(size=(300, d))
    delta = np.array([1.0, -2.0, 2.0])
    sw = sliced_wasserstein(X, X + delta, n_projections=4000, random_state=0)
    assert sw == pytest.approx(np.linalg.norm(delta) / math.sqrt(d), rel=0.03)
    Y = rng.normal(size=(200, d)) * [1.0, 2.0, 0.5]
    R = special_ortho_group.rvs(d, random_state=0)
    a = sliced_wasserstein(X, Y, n_projections=2000, random_state=1)
    b = sliced_wasserstein(X @ R.T, Y @ R.T, n_projections=2000, random_state=1)
    assert b == pytest.approx(a, rel=0.05)
    assert sliced_wasserstein(X, X, random_state=0) == 0.0


# -- MMD -----------------------------------------------------------------------------------
def _gauss_kernel_mean(s1, s2, delta, h, d):
    """E k(x, y) for x ~ N(m1, s1^2 I), y ~ N(m2, s2^2 I), |m1 - m2| = delta."""
    v = h * h + s1 * s1 + s2 * s2
    return (h * h / v) ** (d / 2) * math.exp(-(delta**2) / (2 * v))


def test_mmd_unbiased_and_the_bias_of_the_v_statistic():
    d, h, delta, n = 2, 1.0, 1.0, 20
    exact = 2 * _gauss_kernel_mean(1.0, 1.0, 0.0, h, d) - 2 * _gauss_kernel_mean(
        1.0, 1.0, delta, h, d
    )
    rng = np.random.default_rng(8)
    shift = np.array([delta, 0.0])
    u, v = [], []
    for _ in range(1500):
        X, Y = rng.normal(size=(n, d)), rng.normal(size=(n, d)) + shift
        u.append(mmd(X, Y, bandwidth=h))
        v.append(mmd(X, Y, bandwidth=h, unbiased=False))
    u, v = np.array(u), np.array(v)
    se = u.std() / math.sqrt(len(u))
    assert abs(u.mean() - exact) < 4 * se  # unbiased
    # E[V] - MMD^2 = (2 k(0) - E k(x,x') - E k(y,y')) / n exactly (k(0) = 1)
    bias = (2.0 - 2 * _gauss_kernel_mean(1.0, 1.0, 0.0, h, d)) / n
    assert (v - u).mean() == pytest.approx(bias, rel=0.05)


def test_mmd_permutation_test_level_and_power():
    rng = np.random.default_rng(9)
    p_null = [
        mmd_test(
            rng.normal(size=(25, 2)), rng.normal(size=(25, 2)), n_permutations=99, random_state=i
        )[1]
        for i in range(60)
    ]
    # level: under p = q the p-values are uniform; P(p <= 0.1) = 0.1, 60 tests: <= 14 (p~0.001)
    assert sum(p <= 0.1 for p in p_null) <= 14
    assert 0.3 < np.mean(p_null) < 0.7
    stat, p = mmd_test(
        rng.normal(size=(60, 2)),
        rng.normal(size=(60, 2)) + [1.0, 0.0],
        n_permutations=199,
        random_state=0,
    )
    assert stat > 0 and p <= 0.01


def test_mmd_median_heuristic_is_scale_invariant():
    rng = np.random.default_rng(10)
    X, Y = rng.normal(size=(50, 2)), rng.normal(0.5, 1.0, size=(60, 2))
    assert mmd(10 * X, 10 * Y) == pytest.approx(mmd(X, Y), rel=1e-9)
    with pytest.raises(ValueError, match="bandwidth"):
        mmd(X, Y, bandwidth=0.0)
    with pytest.raises(ValueError, match="X"):
        mmd(X[:1], Y)


def test_quick_demo_estimates_approach_exact_values():
    from scidl.demos import run_demo

    m = run_demo("divergences", quick=True, random_state=0).metrics
    assert abs(m["kl_knn_largest_n"] - m["kl_exact"]) < 0.05
    assert m["mmd2_biased_smallest_n"] > m["mmd2_unbiased_smallest_n"]
    assert m["mmd_test_p_different_n100"] < 0.05
