"""Hidden tests: one GAN step, against torch autograd."""

import numpy as np
import torch

from scidl.course import assert_close, points


def _data():
    rng = np.random.default_rng(6)
    return rng.normal(2.0, 0.5, 16), rng.normal(0.0, 1.0, 12), rng.normal(size=12)


@points(3)
def test_discriminator_matches_autograd(sub):
    """Loss and both gradients equal torch's binary_cross_entropy_with_logits and autograd."""
    real, fake, _ = _data()
    w, b = (
        torch.tensor(0.7, dtype=torch.float64, requires_grad=True),
        torch.tensor(-0.3, dtype=torch.float64, requires_grad=True),
    )
    f = torch.nn.functional.binary_cross_entropy_with_logits
    loss = f(w * torch.tensor(real) + b, torch.ones(16, dtype=torch.float64)) + f(
        w * torch.tensor(fake) + b, torch.zeros(12, dtype=torch.float64)
    )
    loss.backward()
    assert_close(sub.discriminator_loss(real, fake, 0.7, -0.3), loss.item(), rtol=1e-10, what="L_D")
    assert_close(
        sub.discriminator_grads(real, fake, 0.7, -0.3),
        [w.grad.item(), b.grad.item()],
        rtol=1e-9,
        what="(dL_D/dw, dL_D/db)",
    )


@points(3)
def test_generator_matches_autograd(sub):
    """Both generator gradients equal autograd's for the non-saturating loss."""
    _, _, z = _data()
    a = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    s = 0.7 * (a * torch.tensor(z) + c) - 0.3
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        s, torch.ones(12, dtype=torch.float64)
    )
    loss.backward()
    assert_close(
        sub.generator_grads(z, 1.3, 0.4, 0.7, -0.3),
        [a.grad.item(), c.grad.item()],
        rtol=1e-9,
        what="(dL_G/da, dL_G/dc)",
    )
