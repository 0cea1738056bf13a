"""RealNVP: exact invertibility, the log-determinant against autograd, densities that integrate
to one, known-answer fits (a Gaussian, two moons), and the estimator contract.

Known answers:

- ``to_data(to_latent(x)) = x`` to 1e-5 in float32 and 1e-10 in float64, with random
  (not identity) coupling weights;
- the log-determinant of every layer and of the whole flow equals ``log |det J|`` of the
  Jacobian computed by ``torch.autograd.functional.jacobian``;
- the fitted density integrates to 1 over the plane (quadrature on a grid);
- fitted to a Gaussian, the held-out NLL reaches the Gaussian's exact entropy;
- on two moons the held-out NLL (nats per point, standardised data as in the published
  RealNVP example) beats the best single Gaussian by far.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from scidl.base import load
from scidl.data import make_moons
from scidl.generative import AffineCoupling, RealNVP, RealNVPModule


def _randomise(module, scale=0.5, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    return module


@pytest.mark.parametrize("dtype, tol", [(torch.float32, 1e-5), (torch.float64, 1e-10)])
def test_inverse_inverts(dtype, tol):
    flow = _randomise(RealNVPModule(3, n_layers=6, hidden_sizes=(16, 16))).to(dtype)
    x = torch.randn(200, 3, dtype=dtype, generator=torch.Generator().manual_seed(1))
    z, ld_inv = flow.to_latent(x)
    x_back, ld_fwd = flow.to_data(z)
    assert not torch.allclose(z, x, atol=1e-2)  # a real, non-identity map
    assert (x_back - x).abs().max().item() < tol
    assert (ld_inv + ld_fwd).abs().max().item() < 100 * tol  # the two determinants cancel


def _brute_logdet(fn, x):
    """``log |det J|`` of ``fn`` at each row of ``x``, from autograd's full Jacobian."""
    out = []
    for row in x:
        J = torch.autograd.functional.jacobian(lambda v: fn(v[None])[0][0], row)
        out.append(torch.linalg.slogdet(J)[1])
    return torch.stack(out)


def test_logdet_matches_autograd_jacobian():
    torch.manual_seed(0)
    flow = _randomise(
        RealNVPModule(4, n_layers=5, hidden_sizes=(8,), loc=[1, 2, 3, 4], scale=[0.5, 2, 1, 3])
    ).double()
    x = torch.randn(6, 4, dtype=torch.float64)
    _, logdet = flow.to_latent(x)
    torch.testing.assert_close(logdet, _brute_logdet(flow.to_latent, x), rtol=1e-10, atol=1e-10)
    z = torch.randn(6, 4, dtype=torch.float64)
    _, logdet = flow.to_data(z)
    torch.testing.assert_close(logdet, _brute_logdet(flow.to_data, z), rtol=1e-10, atol=1e-10)
    layer = _randomise(AffineCoupling([0, 1, 0, 1], (8,))).double()
    _, ld = layer(z)
    torch.testing.assert_close(ld, _brute_logdet(layer, z), rtol=1e-10, atol=1e-10)


def test_log_prob_is_change_of_variables_of_a_linear_flow():
    # a flow whose couplings are the identity is the affine map x = loc + scale z:
    # log p(x) is the Gaussian N(loc, diag(scale^2)) exactly
    flow = RealNVPModule(2, n_layers=2, hidden_sizes=(4,), loc=[1.0, -1.0], scale=[2.0, 0.5])
    flow = flow.double()
    x = torch.randn(10, 2, dtype=torch.float64)
    expect = (
        torch.distributions.Normal(
            torch.tensor([1.0, -1.0], dtype=torch.float64),
            torch.tensor([2.0, 0.5], dtype=torch.float64),
        )
        .log_prob(x)
        .sum(1)
    )
    torch.testing.assert_close(flow.log_prob(x), expect)


@pytest.fixture(scope="module")
def moons_flow():
    X, _ = make_moons(1500, noise=0.05, random_state=0)
    X_test, _ = make_moons(2000, noise=0.05, random_state=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # module fixtures run before conftest's one-thread fixture
    flow = RealNVP(
        n_layers=6,
        hidden_sizes=(32, 32),
        activation="tanh",
        lr=3e-3,
        batch_size=128,
        max_epochs=40,
        validation_fraction=0.0,
        patience=None,
        random_state=0,
    ).fit(X)
    torch.set_num_threads(threads)
    return flow, X, X_test


def test_two_moons_held_out_nll_beats_gaussian(moons_flow):
    flow, X, X_test = moons_flow
    shift = np.log(X.std(axis=0)).sum()  # NLL of standardised data = NLL - sum log std
    nll = -flow.score(X_test) - shift
    cov = np.cov(((X - X.mean(0)) / X.std(0)).T)
    gauss = 0.5 * np.log(np.linalg.det(2 * np.pi * np.e * cov))  # best Gaussian: 2.8 nats
    assert gauss - nll > 1.0, (nll, gauss)
    assert nll < 1.8


def test_density_integrates_to_one(moons_flow):
    flow = moons_flow[0]
    g = np.linspace(-2.5, 3.5, 241)
    h = g[1] - g[0]
    XX, YY = np.meshgrid(g, g - 0.5)
    p = np.exp(flow.score_samples(np.c_[XX.ravel(), YY.ravel()]))
    assert p.sum() * h * h == pytest.approx(1.0, abs=0.02)


def test_transform_sample_and_roundtrip(moons_flow, tmp_path):
    flow, X, X_test = moons_flow
    Z = flow.transform(X_test)
    assert np.abs(flow.inverse_transform(Z) - X_test).max() < 1e-4
    # the latent codes of the data are close to standard normal
    assert np.abs(Z.mean(0)).max() < 0.15 and np.abs(Z.std(0) - 1).max() < 0.15
    S = flow.sample(2000, random_state=0)
    assert np.array_equal(S, flow.sample(2000, random_state=0))
    assert flow.score(S) == pytest.approx(flow.score(X_test), abs=0.3)
    assert flow.score(X_test) == pytest.approx(flow.score_samples(X_test).mean())
    again = load(flow.save(tmp_path / "flow.pt"))
    assert np.array_equal(again.score_samples(X_test), flow.score_samples(X_test))


def test_gaussian_data_reaches_exact_entropy():
    rng = np.random.default_rng(0)
    C = np.array([[2.0, 1.2], [1.2, 1.0]])
    L = np.linalg.cholesky(C)
    X, X_test = rng.normal(size=(2000, 2)) @ L.T, rng.normal(size=(4000, 2)) @ L.T
    flow = RealNVP(
        n_layers=4, hidden_sizes=(16,), max_epochs=15, lr=3e-3, dtype="float64", random_state=0
    ).fit(X)
    entropy = 0.5 * math.log(np.linalg.det(2 * math.pi * math.e * C))
    assert -flow.score(X_test) == pytest.approx(entropy, abs=0.05)


def test_inverse_transform_checks_width(moons_flow):
    with pytest.raises(ValueError, match="X has 3 columns"):
        moons_flow[0].inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="n_samples"):
        moons_flow[0].sample(0)
