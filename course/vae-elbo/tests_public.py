"""Public tests: the ELBO."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_kl_zero_at_prior(sub):
    """q equal to the prior: KL = 0."""
    assert_close(
        sub.gaussian_kl(np.zeros((3, 2)), np.zeros((3, 2))), np.zeros(3), what="gaussian_kl"
    )


@points(1)
def test_likelihood_at_zero_logits(sub):
    """Logit 0 means p = 1/2 for every pixel: log-likelihood = d log(1/2)."""
    got = sub.bernoulli_log_likelihood(np.array([[1.0, 0.0, 1.0]]), np.zeros((1, 3)))
    assert_close(got, [3 * np.log(0.5)], what="bernoulli_log_likelihood")
