"""Langevin simulators with their exact references; the torsion landscape's basins."""

import numpy as np

from scidl.data import get_potential, langevin_reference, simulate_langevin


def test_simulation_can_return_the_exact_reference_of_the_same_dynamics():
    X, ref = simulate_langevin(
        "double_well", 200, n_walkers=3, kT=1.5, random_state=0, return_reference=True
    )
    assert X.shape == (3, 200, 1)
    assert ref.kT == 1.5 and ref.potential.name == get_potential("double_well").name
    np.testing.assert_allclose(ref.timescales, langevin_reference("double_well", kT=1.5).timescales)
    again = simulate_langevin("double_well", 200, n_walkers=3, kT=1.5, random_state=0)
    np.testing.assert_array_equal(
        X, again
    )  # asking for the reference does not change the trajectories


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
