"""The Ising sampler against Onsager's exact solution, and its updates' invariants."""

import numpy as np
import pytest

from scidl.data.ising import (
    CRITICAL_TEMPERATURE,
    energy_per_spin,
    magnetization,
    metropolis_sweep,
    onsager_energy,
    onsager_magnetization,
    sample_ising,
    wolff_update,
)


def test_exact_solution_known_values():
    assert CRITICAL_TEMPERATURE == pytest.approx(2.269185, abs=1e-6)
    assert onsager_energy(CRITICAL_TEMPERATURE) == pytest.approx(
        -np.sqrt(2), abs=1e-3
    )  # u(T_c) = -sqrt(2)
    assert onsager_energy(0.1) == pytest.approx(-2.0, abs=1e-8)  # ground state: two bonds per spin
    assert onsager_energy(1e4) == pytest.approx(
        -2.0 / 1e4, rel=1e-3
    )  # high T: u = -2 tanh(1/T) ~ -2/T
    assert onsager_magnetization(0.5) == pytest.approx(1.0, abs=1e-6)
    assert onsager_magnetization(2.0) == pytest.approx(0.911319, abs=1e-5)
    np.testing.assert_array_equal(onsager_magnetization([2.3, 3.0]), [0.0, 0.0])


def test_observables_of_simple_states():
    up = np.ones((2, 4, 4), dtype=np.int8)
    np.testing.assert_allclose(energy_per_spin(up), -2.0)
    np.testing.assert_allclose(magnetization(-up), -1.0)
    chess = (np.add.outer(np.arange(4), np.arange(4)) % 2 * 2 - 1).astype(np.int8)
    assert energy_per_spin(chess) == pytest.approx(2.0)
    assert magnetization(chess) == pytest.approx(0.0)


# (T, tolerance on <|m|>, tolerance on <u>) for L = 24 lattices, 128 samples each from
# 64 chains. The energy of one configuration fluctuates by sqrt(c T^2 / L^2), about
# 0.1 near T_c, so the mean of 128 has a standard error up to ~0.01; the tolerances
# are about three standard errors (finite-size corrections are smaller here).
ONSAGER_CASES = [(1.5, 0.005, 0.005), (2.0, 0.015, 0.015), (2.8, None, 0.025), (3.5, None, 0.02)]


@pytest.fixture(scope="module")
def onsager_samples():
    temps = [case[0] for case in ONSAGER_CASES]
    return sample_ising(
        24, temps, n_samples=128, n_chains=64, n_equilibration=100, n_between=5, random_state=1
    )


# ~2 s of sampling (4 temperatures x 64 chains of 24x24, ~110 sweeps with Wolff updates)
@pytest.mark.parametrize(("T", "tol_m", "tol_u"), ONSAGER_CASES)
def test_sampler_agrees_with_onsager(onsager_samples, T, tol_m, tol_u):
    X, temps, m = onsager_samples
    at = temps == T
    assert energy_per_spin(X[at]).mean() == pytest.approx(onsager_energy(T), abs=tol_u)
    if tol_m is not None:
        assert np.abs(m[at]).mean() == pytest.approx(onsager_magnetization(T), abs=tol_m)
    else:  # disordered: only finite-size fluctuations, shrinking like 1/L
        assert np.abs(m[at]).mean() < 0.2


def test_sampler_output_and_seeding():
    X, T, m = sample_ising(
        8, [1.0, 4.0], n_samples=5, n_equilibration=5, n_between=1, random_state=3
    )
    assert X.shape == (10, 8, 8) and X.dtype == np.int8 and set(np.unique(X)) <= {-1, 1}
    np.testing.assert_array_equal(T, [1.0] * 5 + [4.0] * 5)
    np.testing.assert_allclose(m, X.mean(axis=(1, 2)))
    X2, _, _ = sample_ising(
        8, [1.0, 4.0], n_samples=5, n_equilibration=5, n_between=1, random_state=3
    )
    np.testing.assert_array_equal(X, X2)
    X3, _, _ = sample_ising(
        8, [1.0, 4.0], n_samples=5, n_equilibration=5, n_between=1, random_state=4
    )
    assert not np.array_equal(X, X3)


def test_updates_sample_the_boltzmann_distribution_of_a_4x4_lattice():
    """Exact averages over all 2**16 states of a 4x4 periodic lattice, against both updates."""
    L, beta, n_chains = 4, 0.4, 2000
    codes = np.arange(2**16)
    states = (((codes[:, None] >> np.arange(16)) & 1) * 2 - 1).astype(np.int8).reshape(-1, L, L)
    u, m = energy_per_spin(states), np.abs(magnetization(states))
    weights = np.exp(-beta * u * L * L)
    weights /= weights.sum()
    exact_u, exact_m = weights @ u, weights @ m
    rng = np.random.default_rng(0)
    for update in (metropolis_sweep, wolff_update):
        spins = np.ones((n_chains, L, L), dtype=np.int8)
        us, ms = [], []
        for sweep in range(60):
            update(spins, np.full(n_chains, beta), rng)
            if sweep >= 20:
                us.append(energy_per_spin(spins).mean())
                ms.append(np.abs(magnetization(spins)).mean())
        assert np.mean(us) == pytest.approx(exact_u, abs=0.01), update.__name__
        assert np.mean(ms) == pytest.approx(exact_m, abs=0.01), update.__name__


def test_wolff_flips_whole_cluster_at_zero_temperature_limit():
    spins = np.ones((3, 6, 6), dtype=np.int8)
    sizes = wolff_update(spins, np.full(3, 50.0), np.random.default_rng(0))  # p_freeze = 1
    np.testing.assert_array_equal(sizes, [36, 36, 36])
    np.testing.assert_array_equal(spins, -1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"L": 7}, "even"),
        ({"temperatures": [-1.0]}, "positive"),
        ({"n_samples": 0}, "n_samples"),
        ({"wolff": "yes"}, "wolff"),
    ],
)
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample_ising(**{"L": 4, "temperatures": [1.0], "n_samples": 2, **kwargs})
