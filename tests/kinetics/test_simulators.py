"""Simulators: Markov chains, birth-death chains, hidden-state toys, Langevin dynamics."""

import numpy as np
import pytest
import scipy.linalg

from scidl.data import (
    POTENTIALS,
    SWISSROLL_TRANSITION_MATRIX,
    BirthDeathChain,
    check_transition_matrix,
    get_potential,
    sample_markov_chain,
    simulate_langevin,
    sqrt_model,
    swissroll_model,
)
from scidl.kinetics import langevin_reference

P3 = np.array([[0.8, 0.15, 0.05], [0.1, 0.7, 0.2], [0.05, 0.25, 0.7]])


def _empirical(d, n):
    C = np.zeros((n, n))
    np.add.at(C, (d[:-1], d[1:]), 1)
    return C / C.sum(axis=1, keepdims=True), C


def test_sample_markov_chain_recovers_transition_matrix():
    d = sample_markov_chain(P3, 50_000, start=0, random_state=1)
    assert d.dtype == np.int64 and d[0] == 0
    T, C = _empirical(d, 3)
    sigma = np.sqrt(P3 * (1 - P3) / C.sum(axis=1, keepdims=True))
    assert (np.abs(T - P3) < 5 * sigma + 1e-12).all()


def test_sample_many_chains_and_seeding():
    a = sample_markov_chain(P3, 200, n_chains=50, random_state=3)
    b = sample_markov_chain(P3, 200, n_chains=50, random_state=3)
    assert a.shape == (50, 200) and np.array_equal(a, b)
    T, C = _empirical(np.concatenate([np.r_[x, -1] for x in a])[:-1], 4)
    # transitions out of the -1 separators are junk; check the 3x3 block
    Cb = np.zeros((3, 3))
    for x in a:
        np.add.at(Cb, (x[:-1], x[1:]), 1)
    Tb = Cb / Cb.sum(axis=1, keepdims=True)
    assert np.abs(Tb - P3).max() < 0.03


@pytest.mark.parametrize(
    "P, match",
    [
        ([[0.5, 0.6], [0.5, 0.5]], "row-stochastic"),
        ([[1.2, -0.2], [0.5, 0.5]], "negative"),
        ([[1.0, 0.0]], "square"),
    ],
)
def test_bad_transition_matrix(P, match):
    with pytest.raises(ValueError, match=match):
        check_transition_matrix(P)


def test_birth_death_closed_forms_against_linear_algebra():
    rng = np.random.default_rng(0)
    n = 8
    b = np.r_[rng.uniform(0.1, 0.4, n - 1), 0.0]
    d = np.r_[0.0, rng.uniform(0.1, 0.4, n - 1)]
    chain = BirthDeathChain(b, d)
    P = chain.transition_matrix
    pi = chain.stationary_distribution
    np.testing.assert_allclose(pi @ P, pi, atol=1e-14)
    # MFPT from linear algebra: m = 1 + P m outside the target
    for i, j in [(0, n - 1), (n - 1, 0), (2, 5), (6, 1)]:
        rest = [k for k in range(n) if k != j]
        m = np.linalg.solve(np.eye(n - 1) - P[np.ix_(rest, rest)], np.ones(n - 1))
        assert chain.mfpt(i, j) == pytest.approx(m[rest.index(i)], rel=1e-10)
    q = chain.committor(0, n - 1)
    inner = list(range(1, n - 1))
    qi = np.linalg.solve(np.eye(n - 2) - P[np.ix_(inner, inner)], P[inner, n - 1])
    np.testing.assert_allclose(q[inner], qi, rtol=1e-10)


def test_hidden_state_toys():
    s, X = sqrt_model(2000, random_state=0)
    assert X.shape == (2000, 2) and set(np.unique(s)) == {0, 1}
    s2, X2 = swissroll_model(3000, random_state=0)
    assert X2.shape == (3000, 3) and set(np.unique(s2)) == {0, 1, 2, 3}
    T, _ = _empirical(s2, 4)
    assert np.abs(T - SWISSROLL_TRANSITION_MATRIX).max() < 0.05
    np.testing.assert_array_equal(
        sqrt_model(50, random_state=4)[1], sqrt_model(50, random_state=4)[1]
    )


@pytest.mark.parametrize("name", sorted(POTENTIALS))
def test_potential_gradients_match_finite_differences(name):
    pot = get_potential(name)
    rng = np.random.default_rng(1)
    lo, hi = pot.domain[:, 0], pot.domain[:, 1]
    x = lo + (hi - lo) * rng.uniform(0.2, 0.8, size=(20, pot.dim))
    h = 1e-6
    fd = np.stack(
        [(pot.energy(x + h * e) - pot.energy(x - h * e)) / (2 * h) for e in np.eye(pot.dim)],
        axis=-1,
    )
    np.testing.assert_allclose(pot.gradient(x), fd, rtol=1e-5, atol=1e-5)


def test_simulate_langevin_shapes_seeding_and_periodicity():
    a = simulate_langevin("double_well", 50, n_walkers=3, stride=2, random_state=0)
    b = simulate_langevin("double_well", 50, n_walkers=3, stride=2, random_state=0)
    assert a.shape == (3, 50, 1) and np.array_equal(a, b)
    assert simulate_langevin("triple_well_2d", 10, random_state=0).shape == (10, 2)
    t = simulate_langevin("torsion", 300, n_walkers=4, random_state=0)
    assert (t >= -np.pi).all() and (t < np.pi).all()
    with pytest.raises(ValueError, match="potential"):
        simulate_langevin("nope", 10)
    with pytest.raises(ValueError, match="dt"):
        simulate_langevin("double_well", 10, dt=-1.0)


def test_langevin_equilibrium_matches_boltzmann():
    # half the walkers start in each well; the potential is symmetric, so compare |x|
    x0 = np.repeat([[-1.0], [1.0]], 50, axis=0)
    X = simulate_langevin("double_well", 1000, n_walkers=100, stride=10, x0=x0, random_state=2)
    X = np.abs(X[:, 100:].ravel())
    ref = langevin_reference("double_well", n_grid=400)
    edges = np.linspace(0, 2, 9)
    hist = np.histogram(X, edges)[0] / X.size
    exact = np.histogram(np.abs(ref.grid[:, 0]), edges, weights=ref.stationary_distribution)[0]
    assert np.abs(hist - exact).max() < 0.01


def test_reference_converges_and_matches_dense_transfer_operator():
    coarse = langevin_reference("double_well", n_grid=400)
    fine = langevin_reference("double_well", n_grid=800)
    assert coarse.timescales[0] == pytest.approx(fine.timescales[0], rel=1e-3)
    small = langevin_reference("asymmetric_double_well", n_grid=100)
    Tt = small.transfer_operator(0.5)
    np.testing.assert_allclose(Tt.sum(axis=1), 1.0, atol=1e-10)
    w = np.sort(np.abs(np.linalg.eigvals(Tt)))[::-1][:4]
    np.testing.assert_allclose(w, small.eigenvalues(0.5)[:4], rtol=1e-8)
    np.testing.assert_allclose(
        small.stationary_distribution @ Tt, small.stationary_distribution, atol=1e-12
    )
    # the same operator from the matrix exponential of the generator
    np.testing.assert_allclose(Tt, scipy.linalg.expm(0.5 * small.generator.toarray()), atol=1e-10)


def test_reference_2d_is_reversible_and_ordered():
    ref = langevin_reference("triple_well_2d", n_grid=40, n_timescales=3)
    assert ref.grid.shape == (1600, 2)
    assert np.all(np.diff(ref.timescales) < 0)
    pi = ref.stationary_distribution
    Q = ref.generator.toarray()
    flux = pi[:, None] * Q
    np.testing.assert_allclose(flux, flux.T, atol=1e-12)
    assert ref.assign(np.array([[-1.0, 0.0]])).shape == (1,)
