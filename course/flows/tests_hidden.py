"""Hidden tests: divergences and a coupling layer, against scipy, autograd and integration."""

import numpy as np
import torch
from scipy.stats import entropy

from scidl.course import assert_close, points

MASK = np.array([1.0, 0.0, 1.0, 0.0])
S = np.array([0.3, -0.7, 0.1, 0.4])
T = np.array([1.0, 2.0, -1.0, 0.5])


@points(2)
def test_kl_matches_scipy_and_is_asymmetric(sub):
    """KL equals scipy.stats.entropy(p, q); KL(p||q) != KL(q||p) in general."""
    rng = np.random.default_rng(2)
    p, q = rng.random(6), rng.random(6)
    p, q = p / p.sum(), q / q.sum()
    assert_close(sub.kl_divergence(p, q), entropy(p, q), rtol=1e-10, what="KL(p || q)")
    assert_close(sub.kl_divergence(q, p), entropy(q, p), rtol=1e-10, what="KL(q || p)")


@points(2)
def test_coupling_log_det_matches_autograd_jacobian(sub):
    """log|det dy/dx| equals the log-determinant of torch's Jacobian of the same map."""
    x = np.random.default_rng(3).normal(size=(3, 4))
    y, log_det = sub.coupling_forward(x, MASK, S, T)
    m, s, t = (torch.tensor(a) for a in (MASK, S, T))

    def f(v):
        return m * v + (1 - m) * (v * torch.exp(s) + t)

    for i in range(3):
        jac = torch.autograd.functional.jacobian(f, torch.tensor(x[i]))
        assert_close(log_det[i], torch.linalg.slogdet(jac)[1].item(), rtol=1e-10, what="log_det")
    assert_close(y, f(torch.tensor(x)).numpy(), rtol=1e-12, what="y")


@points(2)
def test_flow_density_integrates_to_one(sub):
    """The flow's density on a 2-D grid integrates to 1 (and matches the formula)."""
    g = np.linspace(-8.0, 8.0, 161)
    X = np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)
    mask, s, t = np.array([0.0, 1.0]), np.array([-0.5, 0.0]), np.array([0.7, 0.0])
    logp = np.asarray(sub.flow_log_prob(X, mask, s, t))
    h = g[1] - g[0]
    assert_close(np.exp(logp).sum() * h * h, 1.0, rtol=1e-3, what="integral of p(x)")
    y0 = X[:, 0] * np.exp(-0.5) + 0.7
    ref = -0.5 * (y0**2 + X[:, 1] ** 2) - np.log(2 * np.pi) - 0.5
    assert_close(logp, ref, rtol=1e-10, atol=1e-10, what="log p(x)")
