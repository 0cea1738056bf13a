"""Public tests: one GAN step."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_loss_of_an_undecided_discriminator(sub):
    """w = b = 0 gives D = 1/2 everywhere: L_D = 2 log 2."""
    got = sub.discriminator_loss(np.array([1.0, 2.0]), np.array([0.0, -1.0]), 0.0, 0.0)
    assert_close(got, 2 * np.log(2.0), what="discriminator_loss")


@points(1)
def test_generator_gradient_of_c(sub):
    """With w = 1, b = 0 and G(z) = 0: dL_G/dc = -(1 - 1/2) = -0.5."""
    da, dc = sub.generator_grads(np.array([1.0, -1.0]), 0.0, 0.0, 1.0, 0.0)
    assert_close(dc, -0.5, what="dL_G/dc")
