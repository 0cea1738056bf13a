"""Hidden tests: optimizer steps, against torch.optim run side by side."""

import numpy as np
import torch

from scidl.course import assert_close, points


def _torch_run(opt_name, grads, w0, **kw):
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[opt_name]([w], **kw)
    out = []
    for g in grads:
        opt.zero_grad()
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(w.detach().numpy().copy())
    return out


@points(2)
def test_momentum_matches_torch(sub):
    """Five steps of heavy-ball momentum equal torch.optim.SGD(momentum=0.8)."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(5, 3))
    ref = _torch_run("sgd", grads, np.ones(3), lr=0.05, momentum=0.8)
    w, v = np.ones(3), np.zeros(3)
    for t, g in enumerate(grads):
        w, v = sub.momentum_step(w, g, v, 0.05, 0.8)
        assert_close(w, ref[t], rtol=1e-10, atol=1e-12, what=f"w after step {t + 1}")


@points(3)
def test_adam_matches_torch(sub):
    """Six Adam steps equal torch.optim.Adam."""
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(6, 4)) * np.array([1e-2, 1.0, 10.0, 1e2])
    ref = _torch_run("adam", grads, np.zeros(4), lr=0.01, betas=(0.9, 0.99), eps=1e-8)
    w, m, v = np.zeros(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        w, m, v = sub.adam_step(w, g, m, v, t, 0.01, 0.9, 0.99, 1e-8)
        assert_close(w, ref[t - 1], rtol=1e-9, atol=1e-12, what=f"w after step {t}")


@points(1)
def test_sgd_on_a_quadratic_converges(sub):
    """Gradient descent on f(w) = |w|^2 / 2 with lr 0.5 halves w each step."""
    w = np.array([8.0, -4.0])
    for _ in range(3):
        w = sub.sgd_step(w, w, 0.5)
    assert_close(w, [1.0, -0.5], what="w after 3 steps")
