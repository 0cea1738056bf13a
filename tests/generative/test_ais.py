"""The partition function of an RBM: exact enumeration and annealed importance sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from _rbm_cases import all_states as _states
from _rbm_cases import random_rbm as _rbm
from scidl.generative import RBMModule, ais_log_partition, exact_log_partition
from scidl.generative._ais import ais_betas


def _brute_force_log_z(rbm):
    """log sum_{v, h} exp(-E(v, h)) over every joint state (binary units only)."""
    v = _states(rbm.in_features)
    h = _states(rbm.n_components)
    vv = v.repeat_interleave(len(h), 0)
    hh = h.repeat(len(v), 1)
    with torch.no_grad():
        return float(torch.logsumexp(-rbm.energy(vv, hh), 0))


@pytest.mark.parametrize("shape", [(4, 3), (3, 5)])  # enumerates the hidden / the visible layer
def test_exact_log_partition_equals_the_sum_over_all_joint_states(shape):
    rbm = _rbm(*shape, scale=1.5)
    assert exact_log_partition(rbm) == pytest.approx(_brute_force_log_z(rbm), abs=1e-10)


def test_exact_log_partition_of_gaussian_units_equals_numerical_integration():
    # Z = sum_h int exp(-E(v, h)) dv on a fine 2-D grid (the integrand is a Gaussian mixture)
    rbm = _rbm(2, 3, visible="gaussian", scale=0.7, seed=1)
    grid = torch.linspace(-12.0, 12.0, 1201, dtype=torch.float64)
    step = float(grid[1] - grid[0])
    v = torch.cartesian_prod(grid, grid)
    with torch.no_grad():
        log_z = torch.logsumexp(-rbm.free_energy(v), 0) + 2 * math.log(step)
    assert exact_log_partition(rbm) == pytest.approx(float(log_z), abs=1e-8)


def test_exact_log_partition_without_couplings_counts_states():
    rbm = _rbm(5, 4, scale=0.0)
    with torch.no_grad():
        rbm.hidden_bias.zero_()
        rbm.visible_bias.zero_()
    assert exact_log_partition(rbm) == pytest.approx(9 * math.log(2.0))


@pytest.mark.parametrize("visible, scale", [("bernoulli", 1.0), ("gaussian", 0.3)])
@pytest.mark.parametrize("seed", [0, 1])
def test_ais_equals_exact_log_z_within_its_stated_error(visible, scale, seed):
    # The known answer: a 10 x 8 RBM, log Z by enumeration of its 2^8 hidden states.
    rbm = _rbm(10, 8, visible=visible, scale=scale, seed=seed)
    exact = exact_log_partition(rbm)
    log_z, stderr = ais_log_partition(rbm, n_chains=400, n_betas=1000, random_state=seed)
    assert 0 < stderr < 0.05
    # 4 standard errors, plus the (second-order) Jensen bias stderr^2 / 2 and float rounding
    assert abs(log_z - exact) < 4 * stderr + stderr**2 / 2 + 1e-6


def test_ais_in_float32_matches_float64():
    rbm = _rbm(10, 8, scale=1.0, seed=3)
    exact = exact_log_partition(rbm)
    log_z, stderr = ais_log_partition(rbm.float(), n_chains=400, n_betas=1000, random_state=0)
    assert abs(log_z - exact) < 4 * stderr + 1e-3


def test_ais_error_shrinks_with_more_intermediate_distributions():
    rbm = _rbm(10, 8, scale=1.5, seed=2)
    errors = [
        ais_log_partition(rbm, n_chains=200, n_betas=n, random_state=0)[1] for n in (10, 100, 1000)
    ]
    assert errors[0] > errors[1] > errors[2]


def test_a_base_model_close_to_the_data_gives_a_consistent_estimate():
    rbm = _rbm(10, 8, scale=1.0, seed=4)
    exact = exact_log_partition(rbm)
    base = np.linspace(-1.0, 1.0, 10)
    log_z, stderr = ais_log_partition(
        rbm, n_chains=400, n_betas=1000, base_intercept=base, random_state=1
    )
    assert abs(log_z - exact) < 4 * stderr + 1e-6


def test_ais_is_reproducible():
    rbm = _rbm(6, 4)
    assert ais_log_partition(rbm, n_betas=50, random_state=5) == ais_log_partition(
        rbm, n_betas=50, random_state=5
    )


@pytest.mark.parametrize("n_betas", [2, 3, 4, 10, 1000, 14501])
def test_the_temperature_schedule(n_betas):
    betas = ais_betas(n_betas)
    assert len(betas) == n_betas
    assert betas[0] == 0.0 and betas[-1] == 1.0
    assert np.all(np.diff(betas) > 0)


def test_bad_arguments_raise_named_errors():
    rbm = _rbm(4, 3)
    with pytest.raises(TypeError, match="module"):
        ais_log_partition(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="module"):
        exact_log_partition("rbm")
    with pytest.raises(ValueError, match="n_chains"):
        ais_log_partition(rbm, n_chains=1)
    with pytest.raises(TypeError, match="n_betas"):
        ais_log_partition(rbm, n_betas=2.5)
    with pytest.raises(ValueError, match="base_intercept"):
        ais_log_partition(rbm, base_intercept=np.zeros(3))
    with pytest.raises(ValueError, match="base_intercept"):
        ais_log_partition(rbm, base_intercept=np.full(4, np.nan))
    with pytest.raises(ValueError, match="ais_log_partition"):
        exact_log_partition(RBMModule(30, 30))
