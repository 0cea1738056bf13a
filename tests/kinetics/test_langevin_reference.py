"""The exact reference of Langevin dynamics; the torsion landscape's basins."""

import numpy as np
import pytest

import scidl.data
from scidl.data import get_potential, simulate_langevin
from scidl.kinetics import langevin_reference


def test_reference_is_that_of_the_simulated_dynamics():
    # the same potential and kT as the simulation; and the reference is not in scidl.data
    # (data never imports kinetics analysis), nor does the simulator return it
    ref = langevin_reference("double_well", kT=1.5)
    assert ref.kT == 1.5 and ref.potential.name == get_potential("double_well").name
    # hotter dynamics cross the barrier faster
    assert ref.timescales[0] < langevin_reference("double_well").timescales[0]
    X = simulate_langevin("double_well", 200, n_walkers=3, kT=1.5, random_state=0)
    assert isinstance(X, np.ndarray) and X.shape == (3, 200, 1)
    assert not hasattr(scidl.data, "langevin_reference")
    with pytest.raises(TypeError, match="return_reference"):
        simulate_langevin("double_well", 10, return_reference=True)


def test_torsion_landscape_has_three_metastable_basins():
    # Three local minima on the periodic square, and the exact spectrum shows
    # exactly two slow processes (three basins) before a wide timescale gap.
    pot = get_potential("torsion")
    g = np.linspace(-np.pi, np.pi, 181)[:-1]
    E = pot.energy(np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)).reshape(180, 180)
    neighbours = [
        np.roll(np.roll(E, a, 0), b, 1) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)
    ]
    assert int((E < np.min(neighbours, axis=0)).sum()) == 3
    t = langevin_reference("torsion", n_timescales=5).timescales
    assert t[1] > 10 * t[2]


def test_harmonic_well_has_the_ornstein_uhlenbeck_spectrum():
    # V = k x^2 / 2 with unit friction is the Ornstein-Uhlenbeck process: its generator
    # has the eigenvalues -n k (n = 0, 1, 2, ...) whatever kT, and pi is the Gaussian of
    # variance kT / k
    class Harmonic(scidl.data.Potential):
        name = "harmonic"
        domain = np.array([[-6.0, 6.0]])

        def energy(self, x):
            return 0.5 * 2.0 * x[..., 0] ** 2

        def gradient(self, x):
            return 2.0 * x

    ref = langevin_reference(Harmonic(), kT=0.5, n_grid=1200, n_timescales=3)
    np.testing.assert_allclose(ref.rates, [0.0, -2.0, -4.0, -6.0], atol=2e-3)
    np.testing.assert_allclose(ref.timescales, [0.5, 0.25, 1 / 6], rtol=1e-3)
    x = ref.grid[:, 0]
    assert ref.stationary_distribution @ x**2 == pytest.approx(0.25, rel=1e-3)
    # the transfer operator at lag 0.3 has the eigenvalues exp(-0.3 n k)
    w = np.sort(np.linalg.eigvals(ref.transfer_operator(0.3)).real)[::-1][:3]
    np.testing.assert_allclose(w, np.exp(-0.3 * np.array([0.0, 2.0, 4.0])), atol=2e-3)
