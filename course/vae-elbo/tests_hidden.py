"""Hidden tests: the ELBO, against torch.distributions."""

import numpy as np
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

from scidl.course import assert_close, points


def _case():
    rng = np.random.default_rng(8)
    x = (rng.random((5, 6)) < 0.4).astype(float)
    return x, 3 * rng.normal(size=(5, 6)), rng.normal(size=(5, 2)), rng.normal(size=(5, 2))


@points(2)
def test_kl_matches_torch(sub):
    """Closed-form KL equals torch's kl_divergence."""
    _, _, mu, logvar = _case()
    q = Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * logvar)))
    ref = kl_divergence(q, Normal(0.0, 1.0)).sum(1).numpy()
    assert_close(sub.gaussian_kl(mu, logvar), ref, rtol=1e-10, what="gaussian_kl")


@points(2)
def test_likelihood_and_elbo_match_torch(sub):
    """Log-likelihood and ELBO equal torch's Bernoulli(logits=...) log_prob."""
    x, logits, mu, logvar = _case()
    ll = Bernoulli(logits=torch.tensor(logits)).log_prob(torch.tensor(x)).sum(1).numpy()
    assert_close(
        sub.bernoulli_log_likelihood(x, logits), ll, rtol=1e-10, what="bernoulli_log_likelihood"
    )
    kl = 0.5 * np.sum(mu**2 + np.exp(logvar) - 1 - logvar, axis=1)
    assert_close(sub.elbo(x, logits, mu, logvar), np.mean(ll - kl), rtol=1e-10, what="elbo")


@points(1)
def test_likelihood_is_stable(sub):
    """Logits of +-800 give finite values (0 for the right pixel, -800 for the wrong one)."""
    got = sub.bernoulli_log_likelihood(np.array([[1.0, 0.0]]), np.array([[800.0, 800.0]]))
    assert_close(got, [-800.0], what="log-likelihood at logits 800", hint="use np.logaddexp")
