"""The 2-D Gaussian mixtures of the GAN mode-coverage protocol (VEEGAN / PacGAN)."""

import numpy as np
import pytest

from scidl.data import grid_modes, make_grid_mixture, make_ring_mixture, ring_modes


def test_ring_modes_are_the_published_means():
    i = np.arange(8)
    expected = np.stack([np.cos(2 * np.pi * i / 8), np.sin(2 * np.pi * i / 8)], axis=1)
    np.testing.assert_allclose(ring_modes(), expected, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(ring_modes(5, radius=2.0), axis=1), 2.0)


def test_grid_modes_are_the_published_means():
    expected = np.array([(-4 + 2 * i, -4 + 2 * j) for i in range(5) for j in range(5)], float)
    np.testing.assert_array_equal(grid_modes(), expected)


@pytest.mark.parametrize(
    "make, modes, sigma",
    [(make_ring_mixture, ring_modes(), 0.01), (make_grid_mixture, grid_modes(), 0.05)],
)
def test_samples_are_gaussian_around_their_mode(make, modes, sigma):
    X, y = make(20000, random_state=0)
    assert X.shape == (20000, 2) and X.dtype == np.float64 and y.dtype == np.int64
    residual = X - modes[y]
    np.testing.assert_allclose(residual.mean(0), 0.0, atol=5 * sigma / np.sqrt(20000))
    np.testing.assert_allclose(residual.std(0), sigma, rtol=0.03)
    # uniform over the modes: the counts are multinomial, within 5 standard deviations
    counts = np.bincount(y, minlength=len(modes))
    p = 1 / len(modes)
    assert np.all(np.abs(counts - 20000 * p) < 5 * np.sqrt(20000 * p * (1 - p)))


def test_reproducible_and_seed_dependent():
    a, _ = make_grid_mixture(100, random_state=3)
    b, _ = make_grid_mixture(100, random_state=3)
    c, _ = make_grid_mixture(100, random_state=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: make_ring_mixture(0), ValueError, "n_samples"),
        (lambda: make_ring_mixture(10.5), TypeError, "n_samples"),
        (lambda: make_ring_mixture(10, sigma=-1.0), ValueError, "sigma"),
        (lambda: make_grid_mixture(10, n_per_side=0), ValueError, "n_per_side"),
        (lambda: make_grid_mixture(10, spacing=0.0), ValueError, "spacing"),
        (lambda: ring_modes(True), TypeError, "n_modes"),
        (lambda: ring_modes(4, radius=float("nan")), ValueError, "radius"),
    ],
)
def test_bad_arguments_name_themselves(call, error, name):
    with pytest.raises(error, match=name):
        call()
