"""Boltzmann generators: the double well's exact free energy, training by energy on a known
Boltzmann distribution, reweighting to the exact free-energy difference, and the contract.

Known answers:

- the 2-D double well ``u = x^4 - 6 x^2 + x + y^2 / 2`` at kT = 1: ``Delta F = F(x > 0) -
  F(x < 0) = +3.38 kT`` by quadrature (the issue's number, checked here), and the NumPy
  potential's gradient against finite differences and the torch energy;
- trained by energy alone on ``u = |x|^2 / 2`` at kT = 2, the flow's samples have variance
  kT and its loss reaches ``-log Z = -(d / 2) log(2 pi kT)``;
- trained on Langevin samples of the double well, reweighting its one-shot samples gives
  the quadrature Delta F within four standard errors;
- reweighting exact samples (zero log-weights) recovers Gaussian tail probabilities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.integrate import quad

from scidl.base import load
from scidl.data import get_potential, simulate_langevin
from scidl.generative import (
    BoltzmannGenerator,
    double_well_energy,
    effective_sample_size,
    free_energy_difference,
    harmonic_energy,
)


def _exact_delta_f(split=0.0):
    def f(x):
        return math.exp(-(x**4 - 6 * x**2 + x))

    left, right = quad(f, -np.inf, split)[0], quad(f, split, np.inf)[0]
    return -math.log(right / left)


def test_double_well_exact_free_energy_difference():
    # the y part (y^2 / 2) integrates out equally on both sides
    assert _exact_delta_f(0.0) == pytest.approx(3.3799, abs=1e-4)
    barrier = min(np.roots([4, 0, -12, 1]), key=abs).real  # du/dx = 0 between the wells
    assert barrier == pytest.approx(0.0835, abs=1e-4)
    assert _exact_delta_f(barrier) == pytest.approx(3.3800, abs=1e-4)


def test_double_well_potential_gradient_and_torch_twin():
    pot = get_potential("double_well_2d")
    x = np.random.default_rng(0).normal(size=(20, 2)) * 1.5
    h = 1e-6
    fd = np.stack(
        [(pot.energy(x + h * e) - pot.energy(x - h * e)) / (2 * h) for e in np.eye(2)], axis=1
    )
    np.testing.assert_allclose(pot.gradient(x), fd, rtol=1e-6, atol=1e-6)
    u = double_well_energy(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(u, pot.energy(x), rtol=1e-12)
    with pytest.raises(ValueError, match="x"):
        double_well_energy(torch.zeros(3, 3))


def test_training_by_energy_reaches_the_boltzmann_distribution():
    kT, d = 2.0, 2
    X = np.random.default_rng(0).normal(size=(2048, d))  # only the dimension and the clock
    bg = BoltzmannGenerator(
        "harmonic",
        kT=kT,
        training="energy",
        n_layers=2,
        hidden_sizes=(8,),
        lr=1e-2,
        max_epochs=20,
        validation_fraction=0.0,
        patience=None,
        dtype="float64",
        random_state=0,
    ).fit(X)
    S = bg.sample(20_000, random_state=0)
    np.testing.assert_allclose(S.var(axis=0), kT, rtol=0.05)
    # the loss is KL(q || mu) - log Z >= -log Z, with equality at q = mu
    minus_log_z = -0.5 * d * math.log(2 * math.pi * kT)
    assert bg.history_[-1]["train_kl"] == pytest.approx(minus_log_z, abs=0.05)
    _, log_w = bg.sample_weighted(5000, random_state=1)
    assert effective_sample_size(log_w) > 0.95 * 5000


@pytest.fixture(scope="module")
def double_well_bg():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # module fixtures run before conftest's one-thread fixture
    x0 = np.array([[-1.77, 0.0]] * 20 + [[1.69, 0.0]] * 20)  # walkers in both wells
    traj = simulate_langevin("double_well_2d", 110, n_walkers=40, x0=x0, stride=10, random_state=0)
    X = traj[:, 10:].reshape(-1, 2)
    bg = BoltzmannGenerator(
        "double_well_2d",
        n_layers=4,
        hidden_sizes=(32, 32),
        activation="tanh",
        lr=3e-3,
        max_epochs=12,
        batch_size=128,
        validation_fraction=0.0,
        patience=None,
        clip_grad_norm=10.0,
        random_state=0,
    ).fit(X)
    torch.set_num_threads(threads)
    return bg


def test_reweighting_gives_exact_free_energy_difference(double_well_bg):
    x, log_w = double_well_bg.sample_weighted(50_000, random_state=0)
    df, err = free_energy_difference(log_w, x[:, 0] < 0, x[:, 0] > 0)
    assert err < 0.1
    assert abs(df - _exact_delta_f()) < 4 * err, (df, err)
    assert effective_sample_size(log_w) > 0.1 * len(x)
    # the flow's samples hit both wells in one shot
    assert 0.01 < np.mean(x[:, 0] > 0) < 0.99


def test_save_load_with_named_energy(double_well_bg, tmp_path):
    again = load(double_well_bg.save(tmp_path / "bg.pt"))
    a = again.sample_weighted(100, random_state=3)
    b = double_well_bg.sample_weighted(100, random_state=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_free_energy_difference_of_exact_samples():
    x = np.random.default_rng(1).normal(size=200_000)
    df, err = free_energy_difference(np.zeros(x.size), x < -1.0, x > 0.0)
    assert abs(df - math.log(0.15865525 / 0.5)) < 4 * err
    # weights move mass: log w = x reweights N(0, 1) to N(1, 1), for which P(x > 1) = 1/2
    df, err = free_energy_difference(x, x < 1.0, x > 1.0)
    assert abs(df) < 4 * err
    with pytest.raises(TypeError, match="in_a"):
        free_energy_difference(np.zeros(3), [0, 1, 0], np.array([True, False, True]))
    with pytest.raises(ValueError, match="in_b"):
        free_energy_difference(np.zeros(3), np.ones(3, bool), np.zeros(3, bool))


def test_energy_is_required_and_checked():
    X = np.random.default_rng(0).normal(size=(64, 3))
    with pytest.raises(ValueError, match="energy"):
        BoltzmannGenerator(training="energy", max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="energy"):
        BoltzmannGenerator("double_well_2d", max_epochs=1).fit(X)  # 3 columns, not 2
    with pytest.raises(ValueError, match="energy"):
        BoltzmannGenerator(lambda x: x, max_epochs=1).fit(X)  # (n, d), not (n,)
    bg = BoltzmannGenerator(harmonic_energy, n_layers=1, hidden_sizes=(4,), max_epochs=1)
    assert bg.fit(X).training_ == "both"
    with pytest.raises(ValueError, match="energy"):
        BoltzmannGenerator(n_layers=1, max_epochs=1).fit(X).sample_weighted(3)


def test_quick_demo_reports_an_honest_free_energy():
    from scidl.demos import run_demo

    result = run_demo("boltzmann-generator", quick=True, random_state=0)
    m = result.metrics
    assert m["delta_f_exact"] == pytest.approx(_exact_delta_f(), abs=1e-3)
    assert abs(m["delta_f"] - m["delta_f_exact"]) < 4 * m["delta_f_std_error"]
    assert m["bg_crossings_per_million_evals"] > m["md_crossings_per_million_evals"]
    assert {"free_energy_profile", "samples", "learning_curve"} <= set(result.figures)
