"""The ELBO pieces against torch.distributions and a Monte Carlo estimate."""

import math

import pytest
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

from scidl.generative import gaussian_kl, log_bernoulli, log_normal, reparameterize


@pytest.fixture
def posterior():
    g = torch.Generator().manual_seed(0)
    mu = torch.randn(5, 3, generator=g, dtype=torch.float64)
    logvar = torch.randn(5, 3, generator=g, dtype=torch.float64)
    return mu, logvar


def test_kl_equals_torch_distributions(posterior):
    mu, logvar = posterior
    q = Normal(mu, torch.exp(0.5 * logvar))
    expected = kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), expected, rtol=1e-12, atol=1e-12)
    pmu, plv = torch.full_like(mu, 0.3), torch.full_like(mu, -0.7)
    expected = kl_divergence(q, Normal(pmu, torch.exp(0.5 * plv))).sum(1)
    torch.testing.assert_close(gaussian_kl(mu, logvar, pmu, plv), expected, rtol=1e-12, atol=1e-12)


def test_closed_form_kl_equals_a_monte_carlo_estimate(posterior):
    """E_q[log q(z) - log p(z)] by 200,000 reparameterised samples, within 5 standard errors."""
    mu, logvar = posterior[0][:1], posterior[1][:1]
    torch.manual_seed(1)
    n = 200_000
    z = reparameterize(mu.expand(n, -1), logvar.expand(n, -1))
    terms = log_normal(z, mu, logvar) - log_normal(z, 0.0, 0.0)
    estimate, stderr = terms.mean(), terms.std() / math.sqrt(n)
    assert abs(float(estimate - gaussian_kl(mu, logvar)[0])) < 5 * float(stderr)


def test_log_likelihoods_equal_torch_distributions(posterior):
    mu, logvar = posterior
    x = torch.linspace(-2, 2, 15, dtype=torch.float64).reshape(5, 3)
    expected = Normal(mu, torch.exp(0.5 * logvar)).log_prob(x).sum(1)
    torch.testing.assert_close(log_normal(x, mu, logvar), expected, rtol=1e-12, atol=1e-12)
    bits = (x > 0).double()
    expected = Bernoulli(logits=mu).log_prob(bits).sum(1)
    torch.testing.assert_close(log_bernoulli(bits, mu), expected, rtol=1e-12, atol=1e-12)


def test_log_bernoulli_is_finite_for_saturated_logits():
    x = torch.tensor([[1.0, 0.0]])
    out = log_bernoulli(x, torch.tensor([[-200.0, 200.0]]))
    assert torch.isfinite(out).all() and float(out) == pytest.approx(-400.0)


def test_reparameterized_samples_carry_gradients():
    mu = torch.zeros(4, 2, requires_grad=True)
    logvar = torch.zeros(4, 2, requires_grad=True)
    reparameterize(mu, logvar).sum().backward()
    assert torch.equal(mu.grad, torch.ones(4, 2)) and logvar.grad is not None
